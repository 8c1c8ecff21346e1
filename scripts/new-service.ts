// `npm run new-service -- <name> --entity <Entity>`: scaffolds a service that composes, migrates,
// resolves its entity by reference, lists it, writes it through a scenario started by a façade
// mutation, seeds itself and has its tests; registers it; regenerates what derives from the registry.
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs'
import { dirname, join, relative } from 'node:path'
import { nextFreePort, SERVICES } from '@marketplace/services'
import { ROOT } from './lib/services'
import { facadeImport, facadeMutationField, facadeResolver, facadeTypes, scenarioExport, scenarioFile } from './new-service/facade'
import { NameError, namesOf, type ServiceNames } from './new-service/names'
import { recordScenarioHistory } from './new-service/record-history'
import { serviceFiles } from './new-service/templates'

const USAGE =
  'usage: npm run new-service -- <name> --entity <Entity> [--no-install]\n  e.g. npm run new-service -- shipping --entity Shipment'

interface Options {
  readonly name: string
  readonly entity: string
  /** skip `npm install` (it links the new workspace and records it in package-lock.json) */
  readonly install: boolean
  readonly root: string
}

export function parseArguments(argv: readonly string[], root = ROOT): Options {
  let name: string | undefined
  let entity: string | undefined
  let install = true
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]
    if (arg === '--entity') entity = argv[++i]
    else if (arg?.startsWith('--entity=')) entity = arg.slice('--entity='.length)
    else if (arg === '--no-install') install = false
    else if (arg === '--help' || arg === '-h') throw new NameError(USAGE)
    else if (arg && !arg.startsWith('-') && !name) name = arg
    else throw new NameError(`unknown argument "${arg}"\n${USAGE}`)
  }
  if (!name || !entity) throw new NameError(USAGE)
  return { name, entity, install, root }
}

/** Inserts `text` before the line that holds `marker` (kept), failing loudly if the marker is gone. */
function insertBefore(path: string, marker: string | RegExp, text: string): void {
  const source = readFileSync(path, 'utf8')
  const index = typeof marker === 'string' ? source.indexOf(marker) : (marker.exec(source)?.index ?? -1)
  if (index < 0)
    throw new Error(`${relative(ROOT, path)}: the marker ${String(marker)} is missing, so ${text.trim().split('\n')[0]} cannot be added`)
  const lineStart = source.lastIndexOf('\n', index - 1) + 1
  writeFileSync(path, source.slice(0, lineStart) + text + source.slice(lineStart))
}

/** Adds a field at the end of `type <name> { … }` in a GraphQL file. */
function insertIntoType(path: string, type: string, field: string): void {
  const source = readFileSync(path, 'utf8')
  const start = source.search(new RegExp(`^type ${type} \\{`, 'm'))
  const end = start < 0 ? -1 : source.indexOf('\n}', start)
  if (end < 0) throw new Error(`${relative(ROOT, path)}: no \`type ${type} { … }\` to add ${field.trim()} to`)
  writeFileSync(path, source.slice(0, end + 1) + field + source.slice(end + 1))
}

function migrationStamp(now = new Date()): string {
  return now.toISOString().slice(0, 16).replace(':', '-')
}

/** What the checks before writing anything find wrong, if anything. */
function conflicts(n: ServiceNames, root: string): string[] {
  const problems: string[] = []
  if (SERVICES.some((s) => s.name === n.service) || existsSync(join(root, 'subgraphs', n.service))) {
    problems.push(`a service named "${n.service}" exists already`)
  }
  const supergraph = readFileSync(join(root, 'gateway', 'supergraph.graphql'), 'utf8')
  for (const type of [n.Entity, `${n.Entity}Connection`, `${n.Entity}Payload`, `Create${n.Entity}Input`]) {
    if (new RegExp(`^(type|input|enum|union|interface|scalar) ${type}\\b`, 'm').test(supergraph))
      problems.push(`the supergraph has a type ${type} already`)
  }
  if (existsSync(join(root, 'workflows', 'src', 'scenarios', `${n.createFile}.ts`)))
    problems.push(`the scenario ${n.createFile}.ts exists already`)
  return problems
}

function write(root: string, path: string, content: string): void {
  const full = join(root, path)
  mkdirSync(dirname(full), { recursive: true })
  writeFileSync(full, content)
}

const run = (root: string, command: string, args: readonly string[]): void => {
  execFileSync(command, args, { cwd: root, stdio: 'inherit' })
}

export async function newService(options: Options): Promise<ServiceNames> {
  const n = namesOf(options.name, options.entity)
  const problems = conflicts(n, options.root)
  if (problems.length > 0) throw new NameError(`nothing was written: ${problems.join('; ')}`)
  const port = nextFreePort()
  const root = options.root
  const touched: string[] = []

  // the service's own folder
  for (const file of serviceFiles(n, port, migrationStamp())) {
    write(root, file.path, file.content)
    touched.push(file.path)
  }
  // the registry: every generated file, launcher, test list and report derives from it
  insertBefore(
    join(root, 'packages', 'services', 'src', 'registry.ts'),
    '// new services go above this line',
    `  { name: '${n.service}', port: ${port}, database: '${n.service}', taskQueue: '${n.service}', entities: ['${n.Entity}'], secrets: [] },\n`,
  )
  // its scenario and the façade's mutation
  write(root, `workflows/src/scenarios/${n.createFile}.ts`, scenarioFile(n))
  writeFileSync(
    join(root, 'workflows', 'src', 'scenarios', 'index.ts'),
    readFileSync(join(root, 'workflows', 'src', 'scenarios', 'index.ts'), 'utf8') + scenarioExport(n),
  )
  const facadeSchema = join(root, 'workflows', 'schema.graphql')
  insertBefore(facadeSchema, /^type Mutation \{/m, `${facadeTypes(n).trimStart()}\n`)
  insertIntoType(facadeSchema, 'Mutation', facadeMutationField(n))
  const resolvers = join(root, 'workflows', 'src', 'facade', 'resolvers.ts')
  insertBefore(resolvers, '// new-service: imports above this line', facadeImport(n))
  insertBefore(resolvers, '// new-service: mutations above this line', facadeResolver(n))
  touched.push(
    'packages/services/src/registry.ts',
    `workflows/src/scenarios/${n.createFile}.ts`,
    'workflows/src/scenarios/index.ts',
    'workflows/schema.graphql',
    'workflows/src/facade/resolvers.ts',
  )

  // the workspace link npm makes; `npm install` also records it in package-lock.json
  const link = join(root, 'node_modules', '@marketplace', n.service)
  if (options.install) run(root, 'npm', ['install', '--no-audit', '--no-fund'])
  else if (!existsSync(link)) symlinkSync(join('..', '..', 'subgraphs', n.service), link)
  // derived files: resolver types (both subgraphs), supergraph.yaml, compose, database init, supergraph
  run(root, 'npm', ['run', '--silent', 'codegen'])
  run(root, 'npm', ['run', '--silent', 'generate'])
  run(root, process.execPath, [require.resolve('prettier/bin/prettier.cjs'), '--write', '--log-level', 'warn', ...touched])
  // the replay test wants a recorded history of every scenario: the new one's first run
  console.log(`recording workflows/histories/${n.create}.json…`)
  await recordScenarioHistory(root, n)
  return n
}

if (require.main === module) {
  Promise.resolve()
    .then(() => newService(parseArguments(process.argv.slice(2))))
    .then(
      (n) => {
        console.log(`
The ${n.service} service is in subgraphs/${n.service}/, registered in packages/services/src/registry.ts, with
its scenario workflows/src/scenarios/${n.createFile}.ts (and its recorded history) and the façade's ${n.create} mutation.
Next: npm test (its tests are subgraphs/${n.service}/tests/), then describe ${n.Entity} in the contract with the analysts.`)
        // the Temporal SDK's native runtime would keep the process alive
        process.exit(0)
      },
      (err: unknown) => {
        console.error(err instanceof NameError ? err.message : err)
        process.exit(err instanceof NameError ? 2 : 1)
      },
    )
}
