// `npm run new-service` in a temporary copy of the repository: the scaffolded service composes
// into the supergraph, typechecks, lints, is formatted, its own tests and the checks of every
// generated file pass there, and its integration test passes against the copy's own stack (its
// mutation runs as a scenario through the gateway).
import { execFileSync } from 'node:child_process'
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, symlinkSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { parse as parseYaml } from 'yaml'
import { nextFreePort } from '@marketplace/services'
import { ROOT } from '../../scripts/lib/services'
import { namesOf } from '../../scripts/new-service/names'
import { findTemporalCli } from '../../scripts/lib/temporal'

jest.setTimeout(600_000)

const sh = (cwd: string, command: string, args: readonly string[], env: NodeJS.ProcessEnv = {}): string => {
  try {
    return execFileSync(command, args, {
      cwd,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, CI: 'true', ...env },
    })
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; message: string }
    throw new Error(`${command} ${args.join(' ')} failed in the copy:\n${e.stdout ?? ''}\n${e.stderr ?? ''}\n${e.message}`)
  }
}

/** The repository's files (tracked, or new and not ignored) in a new folder, sharing node_modules by links. */
function copyRepository(): string {
  const copy = mkdtempSync(join(tmpdir(), 'new-service-'))
  const files = sh(ROOT, 'git', ['ls-files', '--cached', '--others', '--exclude-standard', '-z']).split('\0').filter(Boolean)
  for (const file of files) {
    mkdirSync(dirname(join(copy, file)), { recursive: true })
    try {
      copyFileSync(join(ROOT, file), join(copy, file))
    } catch (err) {
      if ((err as { code?: string }).code !== 'ENOENT') throw err // deleted in the work tree, not yet committed
    }
  }
  const modules = join(ROOT, 'node_modules')
  mkdirSync(join(copy, 'node_modules', '@marketplace'), { recursive: true })
  for (const entry of readdirSync(modules)) {
    if (entry === '@marketplace') continue
    symlinkSync(join(modules, entry), join(copy, 'node_modules', entry))
  }
  // the workspace links are relative (../../subgraphs/users): the same links point into the copy
  for (const entry of readdirSync(join(modules, '@marketplace'))) {
    symlinkSync(readlinkSync(join(modules, '@marketplace', entry)), join(copy, 'node_modules', '@marketplace', entry))
  }
  return copy
}

// the example, unless this repository already has it (e.g. after running the generator
// in it): then the first free variant, so the test checks a service the repository does not have
const [SERVICE, ENTITY] = ((): [string, string] => {
  for (let i = 1; ; i++) {
    const [service, entity] = i === 1 ? ['shipping', 'Shipment'] : [`shipping${i}`, `Shipment${i}`]
    if (!existsSync(join(ROOT, 'subgraphs', service))) return [service, entity]
  }
})()
const n = namesOf(SERVICE, ENTITY)
const PORT = nextFreePort()

describe(`npm run new-service -- ${SERVICE} --entity ${ENTITY}`, () => {
  let copy: string
  // the generator records the new scenario's history on a throwaway Temporal dev server; the copy's stack uses it too
  const temporal = { TEMPORAL_CLI_PATH: findTemporalCli() ?? '' }
  beforeAll(() => {
    if (!temporal.TEMPORAL_CLI_PATH) throw new Error('no Temporal CLI (npm test builds one first: npm run temporal:install)')
    copy = copyRepository()
    sh(copy, process.execPath, ['--import', 'tsx', 'scripts/new-service.ts', SERVICE, '--entity', ENTITY, '--no-install'], temporal)
  })
  afterAll(() => {
    if (copy) rmSync(copy, { recursive: true, force: true })
  })

  it('registers the service and derives the generated files from the registry', () => {
    const registry = readFileSync(join(copy, 'packages/services/src/registry.ts'), 'utf8')
    expect(registry).toContain(
      `{ name: '${SERVICE}', port: ${PORT}, database: '${SERVICE}', taskQueue: '${SERVICE}', entities: ['${ENTITY}'], secrets: [] }`,
    )
    const supergraphYaml = parseYaml(readFileSync(join(copy, 'supergraph.yaml'), 'utf8')) as { subgraphs: Record<string, unknown> }
    expect(supergraphYaml.subgraphs[SERVICE]).toEqual({
      routing_url: `http://localhost:${PORT}/graphql`,
      schema: { file: `./subgraphs/${SERVICE}/schema.graphql` },
    })
    const compose = parseYaml(readFileSync(join(copy, 'docker-compose.yml'), 'utf8')) as { services: Record<string, { command: string[] }> }
    expect(compose.services[SERVICE]?.command).toEqual(['node', `dist/subgraphs/${SERVICE}/src/index.js`])
    expect(readFileSync(join(copy, 'docker/postgres/01-create-databases.sql'), 'utf8')).toContain(`CREATE DATABASE ${SERVICE};`)
    const supergraph = readFileSync(join(copy, 'gateway/supergraph.graphql'), 'utf8')
    expect(supergraph).toContain(`${n.create}(input: Create${ENTITY}Input!): ${ENTITY}Payload!`)
    expect(supergraph).toContain(`${n.entities}(first: Int = 10, after: String): ${ENTITY}Connection!`)
    // the scenario's first run, recorded for the replay test
    expect(readFileSync(join(copy, `workflows/histories/${n.create}.json`), 'utf8')).toContain(`"${n.create}"`)
  })

  it('typechecks, lints and is formatted with the rest of the repository', () => {
    sh(copy, process.execPath, [require.resolve('typescript/bin/tsc'), '--noEmit', '-p', 'tsconfig.json'])
    sh(copy, process.execPath, [
      join(ROOT, 'node_modules', 'eslint', 'bin', 'eslint.js'),
      `subgraphs/${SERVICE}`,
      'workflows',
      'packages/services',
    ])
    sh(copy, process.execPath, [require.resolve('prettier/bin/prettier.cjs'), '--check', '.'])
  })

  it('passes its own unit tests, the replay of every recorded history and every check of the generated files', () => {
    const out = sh(copy, process.execPath, [
      require.resolve('jest/bin/jest'),
      '--selectProjects',
      'unit',
      '--ci',
      `subgraphs/${SERVICE}/`,
      'tests/unit/generated-files.test.ts',
      'tests/unit/composition.test.ts',
      'tests/unit/contract.test.ts',
      'tests/unit/docker-compose.test.ts',
      'tests/unit/workflow-lint.test.ts',
      'tests/unit/workflow-replay.test.ts',
      'tests/unit/template/config.test.ts',
      'tests/unit/codegen.test.ts',
    ])
    expect(out).toBeDefined()
  })

  it(`passes its integration test against the copy's stack: ${n.create} runs as a scenario`, () => {
    // the copy's stack is started by its own Jest global setup, on free ports
    const jest = require.resolve('jest/bin/jest')
    sh(copy, process.execPath, [jest, '--selectProjects', 'integration', '--ci', `subgraphs/${SERVICE}/tests/integration`], temporal)
  })

  it('refuses a name that is taken, writing nothing', () => {
    expect(() =>
      sh(copy, process.execPath, ['--import', 'tsx', 'scripts/new-service.ts', 'users', '--entity', 'Parcel', '--no-install']),
    ).toThrow(/a service named "users" exists already/)
  })
})
