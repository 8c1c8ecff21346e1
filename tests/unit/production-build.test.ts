// Static checks of the production build: the command each part runs in the image
// (scripts/lib/production.ts), what scripts/build.ts copies and links, the Dockerfile's stages,
// and tsx being a development dependency only. tests/integration/production-build.test.ts runs
// the build and the compiled processes for real.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { SERVICE_NAMES } from '@marketplace/services'
import { productionCommand, productionEntry } from '../../scripts/lib/production'
import { compiledManifest, compiledName, listWorkspaces, parseBuildArgs, runtimeAssets, DEFAULT_OUT_DIR } from '../../scripts/build'

const ROOT = join(__dirname, '..', '..')
const read = (file: string): string => readFileSync(join(ROOT, file), 'utf8')

describe('productionCommand', () => {
  it('runs a service from its compiled entry with plain node', () => {
    expect(productionCommand('users')).toEqual(['node', 'dist/subgraphs/users/src/index.js'])
    for (const name of SERVICE_NAMES) expect(productionCommand(name)).toEqual(['node', `dist/subgraphs/${name}/src/index.js`])
  })

  it('runs the gateway, the façade and the workflow worker from theirs', () => {
    expect(productionCommand('gateway')).toEqual(['node', 'dist/gateway/src/index.js'])
    expect(productionCommand('facade')).toEqual(['node', 'dist/workflows/src/facade/index.js'])
    expect(productionCommand('workflow-worker')).toEqual(['node', 'dist/workflows/src/worker.js'])
  })

  it('each compiled entry is the compiled copy of the entry npm start runs', () => {
    const sources: Record<string, string> = {
      gateway: 'gateway/src/index.ts',
      facade: 'workflows/src/facade/index.ts',
      'workflow-worker': 'workflows/src/worker.ts',
      ...Object.fromEntries(SERVICE_NAMES.map((name) => [name, `subgraphs/${name}/src/index.ts`])),
    }
    for (const [part, source] of Object.entries(sources)) {
      expect(productionEntry(part)).toBe(`dist/${compiledName(source)}`)
      expect(() => read(source)).not.toThrow()
    }
  })

  it('refuses what is not a part name', () => {
    expect(() => productionCommand('../etc')).toThrow(/not a part/)
    expect(() => productionCommand('')).toThrow(/not a part/)
  })
})

describe('scripts/build.ts', () => {
  it('builds into dist/ unless told otherwise', () => {
    expect(parseBuildArgs([]).outDir).toBe(DEFAULT_OUT_DIR)
    expect(DEFAULT_OUT_DIR).toBe(join(ROOT, 'dist'))
    expect(parseBuildArgs(['--out-dir', '/tmp/x']).outDir).toBe('/tmp/x')
    expect(parseBuildArgs(['--out-dir=/tmp/y']).outDir).toBe('/tmp/y')
    expect(() => parseBuildArgs(['--watch'])).toThrow(/unknown argument/)
  })

  it('gives each compiled workspace package a JavaScript main, and no name, types or scripts', () => {
    expect(compiledName('src/index.ts')).toBe('src/index.js')
    expect(compiledName('src/a.mts')).toBe('src/a.mjs')
    expect(
      compiledManifest({
        name: '@marketplace/x',
        main: 'src/subgraph.ts',
        types: 'src/subgraph.ts',
        scripts: { start: 'tsx src/index.ts' },
      }),
    ).toEqual({ private: true, main: 'src/subgraph.js' })
    expect(compiledManifest({ name: '@marketplace/w', private: true })).toEqual({ private: true })
  })

  it('finds every workspace', () => {
    const names = listWorkspaces().map((w) => w.manifest.name)
    expect(names).toEqual(
      expect.arrayContaining([
        '@marketplace/service-template',
        '@marketplace/gateway',
        '@marketplace/workflows',
        ...SERVICE_NAMES.map((n) => `@marketplace/${n}`),
      ]),
    )
  })

  it('copies every file the compiled code reads by path', () => {
    const assets = runtimeAssets()
    expect(assets).toEqual(
      expect.arrayContaining([
        'supergraph.yaml',
        'contract/comments-page.graphql',
        'gateway/supergraph.graphql',
        'gateway/src/graphiql/app.js',
        'workflows/schema.graphql',
        ...SERVICE_NAMES.map((n) => `subgraphs/${n}/schema.graphql`),
      ]),
    )
    expect(assets.filter((file) => /\.(c|m)?tsx?$/.test(file) || file.includes('node_modules'))).toEqual([])
  })

  it('supergraph.yaml names its schemas relative to itself, so the copy finds the copies', () => {
    const files = [...read('supergraph.yaml').matchAll(/file:\s*(\S+)/g)].map((m) => (m[1] as string).replace(/^\.\//, ''))
    expect(files.length).toBeGreaterThan(0)
    expect(runtimeAssets()).toEqual(expect.arrayContaining(files))
  })

  it('compiles the production workspaces only, into dist/ mirroring the repository', () => {
    const config = JSON.parse(read('tsconfig.build.json')) as {
      extends: string
      compilerOptions: Record<string, unknown>
      include: string[]
    }
    expect(config.extends).toBe('./tsconfig.json')
    expect(config.compilerOptions).toMatchObject({ noEmit: false, rootDir: '.', outDir: 'dist' })
    expect(config.include.sort()).toEqual(['gateway/src', 'packages/*/src', 'subgraphs/*/src', 'workflows/src'])
  })
})

describe('tsx is for development only', () => {
  it('is a development dependency (npm ci --omit=dev leaves it out)', () => {
    const manifest = JSON.parse(read('package.json')) as {
      dependencies: Record<string, string>
      devDependencies: Record<string, string>
      scripts: Record<string, string>
    }
    expect(manifest.dependencies.tsx).toBeUndefined()
    expect(manifest.devDependencies.tsx).toBeDefined()
    expect(manifest.scripts.build).toBe('tsx scripts/build.ts')
    const lock = JSON.parse(read('package-lock.json')) as { packages: Record<string, { dev?: boolean }> }
    expect(lock.packages['node_modules/tsx']?.dev).toBe(true)
  })
})

describe('Dockerfile', () => {
  const text = read('Dockerfile')
  const stages = text.split(/^FROM\s+/m).slice(1)
  const stage = (name: string): string => {
    const found = stages.find((s) => new RegExp(`^\\S+\\s+AS\\s+${name}\\b`, 'i').test(s))
    if (!found) throw new Error(`no stage ${name}`)
    return found
  }

  it('builds with every dependency, and runs with production dependencies and dist/ only', () => {
    expect(stage('build')).toMatch(/^RUN npm ci --no-audit --no-fund$/m)
    expect(stage('build')).toMatch(/^RUN npm run build$/m)
    expect(stage('deps')).toMatch(/^RUN npm ci --omit=dev\b/m)
    const runtime = stage('runtime')
    expect(runtime).toMatch(/^COPY --from=deps \/app\/ \.\/$/m)
    expect(runtime).toMatch(/^COPY --from=build \/app\/dist \.\/dist$/m)
    // no sources in the image: nothing copied from the build context
    expect(runtime).not.toMatch(/^COPY (?!--from)/m)
    expect(runtime).toMatch(/^ENV NODE_ENV=production$/m)
    expect(runtime).toMatch(/^USER node$/m)
  })

  it('runs the gateway with node by default, as productionCommand says', () => {
    const cmd = /^CMD (.+)$/m.exec(stage('runtime'))?.[1]
    expect(JSON.parse(cmd as string)).toEqual(productionCommand('gateway'))
    expect(stage('runtime').replace(/^#.*$/gm, '')).not.toMatch(/\btsx\b/)
  })

  it('keeps the build out of the build context', () => {
    expect(read('.dockerignore').split('\n')).toContain('dist')
  })
})
