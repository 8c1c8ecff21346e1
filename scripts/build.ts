// `npm run build`: the production build. Compiles the TypeScript that production runs (the
// workspaces: packages/*, subgraphs/*, gateway, workflows) to CommonJS under dist/, mirroring the
// repository (subgraphs/users/src/index.ts → dist/subgraphs/users/src/index.js), and adds what
// the compiled code needs at run time:
//
// - the files it reads by path, at the same places relative to it: every workspace's *.graphql
//   (schema.graphql, gateway/supergraph.graphql), the non-TypeScript files under a workspace's
//   src/ (the GraphiQL page's app.js), supergraph.yaml and contract/*.graphql;
// - the workspace packages: dist/<workspace>/package.json is the workspace's with `main` pointing
//   to the compiled file (src/index.ts → src/index.js), and dist/node_modules/@marketplace/<name>
//   links to it (../../<workspace>), as npm links the sources in node_modules/@marketplace/. Node
//   looks in dist/node_modules before /app/node_modules, so compiled code loads compiled code and
//   the sources' package.json files (and npm start, jest, tsc) stay as they are;
// - the scenarios bundled once (bundleWorkflowCode) into dist/workflows/workflow-bundle.js: the
//   workflow worker loads it instead of running webpack at every start.
//
// Run with `node dist/<entry>.js` (scripts/lib/production.ts): no tsx, no TypeScript at run time.
//
//   npm run build                      # into dist/
//   npm run build -- --out-dir <dir>   # elsewhere (the tests build into a temporary folder)
import { spawnSync } from 'node:child_process'
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'

export const ROOT = join(__dirname, '..')
export const DEFAULT_OUT_DIR = join(ROOT, 'dist')
/** Written into every build: only a folder holding it is ever deleted by the next build. */
export const BUILD_MARKER = 'BUILD.json'
/** Files outside the workspaces that the compiled code reads, relative to the root. */
const ROOT_ASSETS = ['supergraph.yaml']
const ROOT_ASSET_DIRS: readonly { dir: string; pattern: RegExp }[] = [{ dir: 'contract', pattern: /\.graphql$/ }]

export interface Workspace {
  /** relative to the root, e.g. `packages/service-template` */
  readonly dir: string
  readonly manifest: Record<string, unknown> & { name: string; main?: string }
}

/** The workspaces of the root package.json (`dir/*` or `dir`), each with its package.json. */
export function listWorkspaces(root = ROOT): Workspace[] {
  const { workspaces = [] } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { workspaces?: string[] }
  const dirs = workspaces.flatMap((pattern) => {
    if (!pattern.endsWith('/*')) return [pattern]
    const parent = pattern.slice(0, -2)
    return readdirSync(join(root, parent), { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => `${parent}/${entry.name}`)
  })
  return dirs
    .filter((dir) => existsSync(join(root, dir, 'package.json')))
    .sort()
    .map((dir) => ({ dir, manifest: JSON.parse(readFileSync(join(root, dir, 'package.json'), 'utf8')) as Workspace['manifest'] }))
}

/** A TypeScript entry's compiled name: `src/index.ts` → `src/index.js`. */
export const compiledName = (file: string): string => file.replace(/\.(c|m)?tsx?$/, (_, kind: string | undefined) => `.${kind ?? ''}js`)

/**
 * The package.json of a workspace's compiled copy: what Node reads to load it — `main` on the
 * compiled file (and `type`, if set). No `name`, so tools that index package names (jest's haste
 * map) see one package per name; no types, no scripts (they run tsx), no dependencies.
 */
export function compiledManifest(manifest: Workspace['manifest']): Record<string, unknown> {
  return {
    private: true,
    ...(typeof manifest.type === 'string' ? { type: manifest.type } : {}),
    ...(typeof manifest.main === 'string' ? { main: compiledName(manifest.main) } : {}),
  }
}

/** Every file under `dir` (recursively, no node_modules), relative to it. */
function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return []
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (entry.name === 'node_modules') return []
    if (entry.isDirectory()) return filesUnder(join(dir, entry.name)).map((file) => join(entry.name, file))
    return entry.isFile() ? [entry.name] : []
  })
}

/** What the compiled code reads by path, relative to the root: copied to the same place under the build. */
export function runtimeAssets(root = ROOT, workspaces = listWorkspaces(root)): string[] {
  const assets = new Set<string>(ROOT_ASSETS.filter((file) => existsSync(join(root, file))))
  for (const { dir, pattern } of ROOT_ASSET_DIRS)
    for (const file of filesUnder(join(root, dir))) if (pattern.test(file)) assets.add(join(dir, file))
  for (const workspace of workspaces) {
    for (const file of filesUnder(join(root, workspace.dir))) {
      const inSrc = file.startsWith(`src/`)
      // the schemas anywhere in a workspace; under src/ anything but TypeScript (compiled) and tests
      if (file.endsWith('.graphql') || (inSrc && !/\.(c|m)?tsx?$/.test(file) && !/\.test\./.test(file)))
        assets.add(join(workspace.dir, file))
    }
  }
  return [...assets].sort()
}

function clearOutDir(outDir: string): void {
  if (!existsSync(outDir)) return
  const inside = relative(outDir, ROOT)
  if (inside === '' || !inside.startsWith('..')) throw new Error(`refusing to build into ${outDir}: it holds the repository`)
  if (readdirSync(outDir).length > 0 && !existsSync(join(outDir, BUILD_MARKER)))
    throw new Error(`refusing to empty ${outDir}: it is not a build (no ${BUILD_MARKER}); remove it or choose another --out-dir`)
  rmSync(outDir, { recursive: true, force: true })
}

function compile(outDir: string): void {
  const tsc = require.resolve('typescript/bin/tsc')
  const result = spawnSync(process.execPath, [tsc, '-p', join(ROOT, 'tsconfig.build.json'), '--outDir', outDir], {
    cwd: ROOT,
    stdio: 'inherit',
  })
  if (result.status !== 0) throw new Error(`tsc failed (exit code ${result.status ?? result.signal})`)
}

/** dist/<workspace>/package.json (main → compiled) and dist/node_modules/<name> → ../…/<workspace>. */
function linkWorkspaces(outDir: string, workspaces: readonly Workspace[]): void {
  for (const { dir, manifest } of workspaces) {
    const target = join(outDir, dir)
    mkdirSync(target, { recursive: true })
    writeFileSync(join(target, 'package.json'), `${JSON.stringify(compiledManifest(manifest), null, 2)}\n`)
    if (typeof manifest.main === 'string' && !existsSync(join(target, compiledName(manifest.main))))
      throw new Error(`${manifest.name}: main ${manifest.main} was not compiled to ${join(dir, compiledName(manifest.main))}`)
    const link = join(outDir, 'node_modules', ...manifest.name.split('/'))
    mkdirSync(dirname(link), { recursive: true })
    // relative, so the build can move (COPY into the image) and still resolve
    symlinkSync(relative(dirname(link), target), link, 'dir')
  }
}

/** The scenarios, bundled as the worker's `workflowsPath` would be at start: dist/workflows/workflow-bundle.js. */
async function bundleScenarios(outDir: string): Promise<string> {
  const { bundleWorkflowCode } = await import('@temporalio/worker')
  const { code } = await bundleWorkflowCode({
    workflowsPath: require.resolve(join(ROOT, 'workflows', 'src', 'scenarios')),
    // Temporal's OpenTelemetry interceptors: a bundle carries its workflow interceptors itself
    workflowInterceptorModules: [require.resolve(join(ROOT, 'workflows', 'src', 'workflow-interceptors'))],
    logger: quietBundlerLogger,
  })
  const codePath = join(outDir, 'workflows', 'workflow-bundle.js')
  mkdirSync(dirname(codePath), { recursive: true })
  writeFileSync(codePath, code)
  return codePath
}

const quietBundlerLogger = {
  log: () => undefined,
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: (message: string, meta?: unknown) => console.warn(`[build] bundler: ${message}`, meta ?? ''),
  error: (message: string, meta?: unknown) => console.error(`[build] bundler: ${message}`, meta ?? ''),
}

export interface BuildResult {
  readonly outDir: string
  readonly workflowBundle: string
  readonly assets: readonly string[]
  readonly workspaces: readonly string[]
}

export async function build(outDir = DEFAULT_OUT_DIR, log: (line: string) => void = console.log): Promise<BuildResult> {
  const started = Date.now()
  outDir = resolve(outDir)
  clearOutDir(outDir)
  mkdirSync(outDir, { recursive: true })
  writeFileSync(join(outDir, BUILD_MARKER), `${JSON.stringify({ builtAt: new Date().toISOString() })}\n`)
  const workspaces = listWorkspaces()
  log(`[build] tsc -p tsconfig.build.json → ${relative(process.cwd(), outDir) || '.'}`)
  compile(outDir)
  const assets = runtimeAssets(ROOT, workspaces)
  for (const file of assets) cpSync(join(ROOT, file), join(outDir, file), { preserveTimestamps: true })
  log(`[build] ${assets.length} files read at run time copied`)
  linkWorkspaces(outDir, workspaces)
  log(`[build] ${workspaces.length} workspace packages linked in ${relative(process.cwd(), join(outDir, 'node_modules')) || '.'}`)
  const workflowBundle = await bundleScenarios(outDir)
  log(`[build] workflow bundle ${relative(process.cwd(), workflowBundle)} (${Math.round(statSync(workflowBundle).size / 1024)} KiB)`)
  log(`[build] done in ${((Date.now() - started) / 1000).toFixed(1)} s`)
  return { outDir, workflowBundle, assets, workspaces: workspaces.map((w) => w.manifest.name) }
}

export function parseBuildArgs(argv: readonly string[]): { outDir: string } {
  let outDir = DEFAULT_OUT_DIR
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string
    if (arg === '--out-dir' && argv[i + 1]) outDir = resolve(argv[++i] as string)
    else if (arg.startsWith('--out-dir=')) outDir = resolve(arg.slice('--out-dir='.length))
    else throw new Error(`unknown argument ${arg} (usage: npm run build [-- --out-dir <dir>])`)
  }
  return { outDir }
}

if (require.main === module) {
  build(parseBuildArgs(process.argv.slice(2)).outDir).catch((err: unknown) => {
    console.error(`[build] ${(err as Error).message}`)
    process.exit(1)
  })
}
