// The production build (`npm run build`, scripts/build.ts) run for real, into a temporary folder
// laid out like the image (/app): <tmp>/app/dist is the build, <tmp>/app/node_modules holds the
// production dependencies only (what `npm ci --omit=dev` installs: links to the repository's
// node_modules for the packages `npm ls --omit=dev` lists — no tsx, no typescript, no
// @marketplace/* sources). Compiled processes are started from there with plain `node` and a
// preload that refuses (and records) any TypeScript file or tsx, against the test stack's
// Postgres and Temporal, in production mode.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { dirname, join, relative } from 'node:path'
import { DefaultLogger, Runtime, Worker, type ReplayResult } from '@temporalio/worker'
import { SERVICE_NAMES } from '@marketplace/services'
import { productionCommand } from '../../scripts/lib/production'
import { HISTORIES_DIR, historyFromJSONText } from '../../scripts/record-histories'
import { startTracing } from '@marketplace/service-template'
import { workflowSpanSinks } from '../../workflows/src/tracing'
import { stackUrls } from '../support/stack'

const ROOT = join(__dirname, '..', '..')
const WORK = mkdtempSync(join(tmpdir(), 'marketplace-build-'))
const APP = join(WORK, 'app')
const DIST = join(APP, 'dist')
const GUARD = join(WORK, 'no-typescript.cjs')
const VIOLATIONS = join(WORK, 'violations.log')
// production mode: no development defaults; secrets of the test's own
const SECRETS = { GATEWAY_SECRET: 'production-build-test-gateway-secret', JWT_SECRET: 'production-build-test-jwt-secret' }

// Any TypeScript file or tsx asked for by the compiled code fails the require (and is written down,
// in case a caller swallows the error); for ESM, a resolve hook does the same.
const GUARD_SOURCE = `'use strict'
const Module = require('node:module')
const { appendFileSync } = require('node:fs')
const { pathToFileURL } = require('node:url')
const VIOLATIONS = ${JSON.stringify(VIOLATIONS)}
const refuse = (what) => {
  appendFileSync(VIOLATIONS, what + '\\n')
  throw new Error('the production build loaded ' + what)
}
const isTs = (file) => /\\.(c|m)?tsx?$/.test(file)
const isTsx = (request) => request === 'tsx' || request.startsWith('tsx/')
const resolveFilename = Module._resolveFilename
Module._resolveFilename = function (request, ...rest) {
  if (isTsx(request)) refuse('tsx (' + request + ')')
  const filename = resolveFilename.call(this, request, ...rest)
  if (isTs(filename)) refuse('TypeScript: ' + filename)
  return filename
}
const hooks = \`
export async function resolve(specifier, context, next) {
  if (specifier === 'tsx' || specifier.startsWith('tsx/')) throw new Error('the production build loaded tsx (' + specifier + ')')
  const resolved = await next(specifier, context)
  if (/\\\\.(c|m)?tsx?$/.test(new URL(resolved.url).pathname)) throw new Error('the production build loaded TypeScript: ' + resolved.url)
  return resolved
}\`
Module.register?.('data:text/javascript,' + encodeURIComponent(hooks), pathToFileURL(__filename))
`

/** `<tmp>/app/node_modules`: a link per top-level package that `npm ls --omit=dev` lists. */
function linkProductionDependencies(): string[] {
  const listed = spawnSync('npm', ['ls', '--omit=dev', '--all', '--parseable'], { cwd: ROOT, encoding: 'utf8' })
  const production = new Set(listed.stdout.trim().split('\n'))
  if (production.size < 10) throw new Error(`npm ls --omit=dev listed nothing:\n${listed.stderr}`)
  const source = join(ROOT, 'node_modules')
  const linked: string[] = []
  for (const entry of readdirSync(source)) {
    if (entry.startsWith('.') || entry === '@marketplace') continue
    const names = entry.startsWith('@') ? readdirSync(join(source, entry)).map((name) => `${entry}/${name}`) : [entry]
    for (const name of names) {
      if (!production.has(join(source, name))) continue
      const link = join(APP, 'node_modules', name)
      mkdirSync(dirname(link), { recursive: true })
      symlinkSync(join(source, name), link, 'dir')
      linked.push(name)
    }
  }
  return linked
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0))
    })
  })
}

interface Started {
  readonly child: ChildProcess
  output(): string
}

/** Runs a part as the image would (`productionCommand`), from <tmp>/app, with the guard preloaded. */
function startPart(part: string, env: Record<string, string>): Started {
  const [node, entry, ...args] = productionCommand(part)
  expect(node).toBe('node')
  const child = spawn(process.execPath, ['--require', GUARD, entry as string, ...args], {
    cwd: APP,
    // nothing of the test's environment (no NODE_OPTIONS, no NODE_ENV=test)
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', NODE_ENV: 'production', LOG_LEVEL: 'info', ...SECRETS, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()))
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()))
  started.push(child)
  return { child, output: () => output }
}
const started: ChildProcess[] = []

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, part: Started, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    if (part.child.exitCode !== null) throw new Error(`${what}: the process exited with code ${part.child.exitCode}:\n${part.output()}`)
    const value = await probe().catch(() => undefined)
    if (value !== undefined) return value
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms:\n${part.output()}`)
    await new Promise((r) => setTimeout(r, 200))
  }
}

/** SIGTERM, as docker stop sends it: the exit code and signal, and what the process wrote. */
async function stop(part: Started): Promise<{ code: number | null; signal: string | null; output: string }> {
  const exited =
    part.child.exitCode !== null || part.child.signalCode !== null
      ? Promise.resolve({ code: part.child.exitCode, signal: part.child.signalCode })
      : new Promise<{ code: number | null; signal: string | null }>((resolve) =>
          part.child.once('exit', (code, signal) => resolve({ code, signal })),
        )
  part.child.kill('SIGTERM')
  return { ...(await exited), output: part.output() }
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name)
    if (entry.isSymbolicLink()) return [path]
    return entry.isDirectory() ? filesUnder(path) : [path]
  })
}

let buildOutput = ''

beforeAll(() => {
  writeFileSync(GUARD, GUARD_SOURCE)
  mkdirSync(APP, { recursive: true })
  linkProductionDependencies()
  // what `npm run build -- --out-dir <dir>` runs
  const built = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'scripts', 'build.ts'), '--out-dir', DIST], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, NODE_OPTIONS: '' },
  })
  buildOutput = `${built.stdout}${built.stderr}`
  if (built.status !== 0) throw new Error(`the build failed (exit ${built.status}):\n${buildOutput}`)
}, 180_000)

afterAll(async () => {
  for (const child of started) if (child.exitCode === null) child.kill('SIGKILL')
  rmSync(WORK, { recursive: true, force: true })
})

afterEach(() => {
  // nothing asked for TypeScript or tsx, whether or not the error was caught
  expect(existsSync(VIOLATIONS) ? readFileSync(VIOLATIONS, 'utf8') : '').toBe('')
})

describe('npm run build', () => {
  it('compiles every part of the stack, and nothing but production code', () => {
    // the build's own account (its steps and how long it took) is in the output
    expect(buildOutput).toMatch(/\[build\] done in [\d.]+ s/)
    for (const part of [...SERVICE_NAMES, 'facade', 'workflow-worker', 'gateway']) {
      const entry = productionCommand(part)[1] as string
      expect([part, existsSync(join(APP, entry))]).toEqual([part, true])
    }
    const top = readdirSync(DIST).sort()
    expect(top).toEqual(expect.arrayContaining(['gateway', 'packages', 'subgraphs', 'workflows', 'node_modules', 'supergraph.yaml']))
    for (const absent of ['scripts', 'tests', 'bench']) expect(top).not.toContain(absent)
    const files = filesUnder(DIST).map((file) => relative(DIST, file))
    expect(files.filter((file) => /\.(c|m)?tsx?$/.test(file))).toEqual([])
  })

  it('copies the files the compiled code reads by path', () => {
    for (const file of [
      ...SERVICE_NAMES.map((name) => `subgraphs/${name}/schema.graphql`),
      'workflows/schema.graphql',
      'gateway/supergraph.graphql',
      'gateway/src/graphiql/app.js',
      'supergraph.yaml',
      'contract/comments-page.graphql',
    ]) {
      expect([file, readFileSync(join(DIST, file), 'utf8')]).toEqual([file, readFileSync(join(ROOT, file), 'utf8')])
    }
  })

  it('links each workspace package to its compiled copy: main is JavaScript, the sources are untouched', () => {
    const linked = readdirSync(join(DIST, 'node_modules', '@marketplace'))
    expect(linked).toEqual(expect.arrayContaining(['service-template', 'services', ...SERVICE_NAMES, 'gateway', 'workflows']))
    for (const name of linked) {
      const manifest = JSON.parse(readFileSync(join(DIST, 'node_modules', '@marketplace', name, 'package.json'), 'utf8')) as {
        main?: string
        name?: string
        scripts?: unknown
      }
      // no name: jest's haste map would see each workspace package twice; no scripts: they run tsx
      expect([manifest.name, manifest.scripts]).toEqual([undefined, undefined])
      if (manifest.main === undefined) continue
      expect(manifest.main).toMatch(/\.js$/)
      // resolved from the build, as compiled code resolves it
      const resolved = require.resolve(`@marketplace/${name}`, { paths: [join(DIST, 'subgraphs', 'users', 'src')] })
      expect(resolved.startsWith(`${DIST}/`)).toBe(true)
      expect(statSync(resolved).isFile()).toBe(true)
    }
    // the sources still point npm start, jest and tsc at TypeScript
    const source = JSON.parse(readFileSync(join(ROOT, 'packages', 'service-template', 'package.json'), 'utf8')) as { main: string }
    expect(source.main).toBe('src/index.ts')
  })
})

describe('the preload that refuses TypeScript', () => {
  it('has teeth: a source file or tsx fails to load, and is written down', () => {
    for (const request of [join(ROOT, 'packages', 'services'), 'tsx']) {
      const run = spawnSync(process.execPath, ['--require', GUARD, '-e', `require(${JSON.stringify(request)})`], {
        cwd: ROOT,
        encoding: 'utf8',
        env: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
      })
      expect(run.status).not.toBe(0)
      expect(run.stderr).toMatch(/the production build loaded (TypeScript|tsx)/)
    }
    expect(readFileSync(VIOLATIONS, 'utf8').trim().split('\n')).toHaveLength(2)
    rmSync(VIOLATIONS)
  })
})

describe('the compiled users subgraph, run with plain node in production mode', () => {
  let users: Started
  let url: string

  beforeAll(async () => {
    const stack = stackUrls()
    const port = await freePort()
    url = `http://127.0.0.1:${port}`
    users = startPart('users', {
      PORT: String(port),
      DATABASE_URL: stack.postgres.users,
      ...(stack.redis ? { REDIS_URL: stack.redis } : {}),
      TEMPORAL_ADDRESS: stack.temporal.address,
    })
    await waitFor('GET /health', async () => ((await fetch(`${url}/health`)).ok ? true : undefined), users)
  }, 60_000)

  it('answers /health and /ready', async () => {
    const health = await fetch(`${url}/health`)
    expect(health.status).toBe(200)
    expect(await health.json()).toMatchObject({ status: 'ok', service: 'users' })
    // ready: its database (and cache) answer
    const ready = await waitFor('GET /ready', async () => ((await fetch(`${url}/ready`)).status === 200 ? true : undefined), users)
    expect(ready).toBe(true)
  })

  it('answers a GraphQL query from the database, as the stack’s users subgraph does', async () => {
    const text = '{ userByUsername(username: "alice") { id username role } }'
    // an unsigned request: an anonymous caller, as a direct client of the subgraph is
    const ask = async (graphqlUrl: string): Promise<unknown> => {
      const response = await fetch(graphqlUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: text }),
      })
      expect(response.status).toBe(200)
      return response.json()
    }
    const compiled = (await ask(`${url}/graphql`)) as { data?: { userByUsername?: { username?: string } } }
    expect(compiled.data?.userByUsername?.username).toBe('alice')
    expect(compiled).toEqual(await ask(stackUrls().subgraphs.users))
  })

  it('runs in production mode: no introspection', async () => {
    const response = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ __schema { queryType { name } } }' }),
    })
    const body = (await response.json()) as { data?: unknown; errors?: unknown[] }
    expect(body.errors?.length).toBeGreaterThan(0)
  })

  it('serves the compiled gateway: its supergraph, the GraphiQL page, a query routed to the compiled users', async () => {
    const port = await freePort()
    const gatewayUrl = `http://127.0.0.1:${port}/graphql`
    const stack = stackUrls()
    const gateway = startPart('gateway', {
      PORT: String(port),
      METRICS_PORT: '0',
      SUBGRAPH_USERS_URL: `${url}/graphql`,
      ...(stack.redis ? { REDIS_URL: stack.redis } : {}),
    })
    try {
      await waitFor('the gateway', async () => ((await fetch(gatewayUrl.replace('/graphql', '/health'))).ok ? true : undefined), gateway)
      const page = await fetch(gatewayUrl, { headers: { accept: 'text/html' } })
      expect(page.status).toBe(200)
      const html = await page.text()
      // the app (gateway/src/graphiql/app.js, read at run time) and the comments page's query are in it
      expect(html).toContain('<title>Marketplace supergraph · GraphiQL</title>')
      expect(html).toContain(
        readFileSync(join(ROOT, 'contract', 'comments-page.graphql'), 'utf8')
          .trim()
          .split('\n')[0],
      )
      const response = await fetch(gatewayUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ userByUsername(username: "alice") { username role } }' }),
      })
      expect(await response.json()).toEqual({ data: { userByUsername: { username: 'alice', role: expect.any(String) } } })
    } finally {
      await stop(gateway)
    }
  }, 60_000)

  // docker stop: SIGTERM, and the process ends through its own graceful stop (server, Apollo,
  // activity worker, pools), exit code 0 — not killed by a re-raised signal (exit 143 in Docker).
  // Apollo Server stops on SIGTERM itself and re-raises it whenever NODE_ENV is not `test`, unless
  // constructed with `stopOnTerminationSignals: false`: so only production mode shows this.
  it('stops cleanly on SIGTERM (exit code 0)', async () => {
    const result = await stop(users)
    expect({ code: result.code, signal: result.signal }).toEqual({ code: 0, signal: null })
  }, 20_000)
})

describe('the workflow bundle', () => {
  const bundle = (): string => join(DIST, 'workflows', 'workflow-bundle.js')

  it('is built', () => {
    expect(statSync(bundle()).size).toBeGreaterThan(100_000)
  })

  it('replays every recorded history (the same scenarios as the sources)', async () => {
    try {
      Runtime.install({ logger: new DefaultLogger('ERROR'), telemetryOptions: { logging: { filter: { core: 'ERROR', other: 'ERROR' } } } })
    } catch {
      // a Runtime is already installed in this process
    }
    const histories = readdirSync(HISTORIES_DIR)
      .filter((file) => file.endsWith('.json'))
      .map((file) => ({ workflowId: file, history: historyFromJSONText(readFileSync(join(HISTORIES_DIR, file), 'utf8')) }))
    expect(histories.length).toBeGreaterThan(0)
    const results: ReplayResult[] = []
    // the bundle has the tracing interceptors in it: the worker gives them their sink, as here
    const sinks = workflowSpanSinks(startTracing('production-build-test'))
    for await (const result of Worker.runReplayHistories({ workflowBundle: { codePath: bundle() }, sinks }, histories)) results.push(result)
    expect(results.filter((r) => r.error !== undefined).map((r) => `${r.workflowId}: ${String(r.error)}`)).toEqual([])
    expect(results).toHaveLength(histories.length)
  }, 60_000)

  it('is what the compiled workflow worker polls with (no webpack at start)', async () => {
    const worker = startPart('workflow-worker', { TEMPORAL_ADDRESS: stackUrls().temporal.address })
    const line = await waitFor(
      'the worker polling',
      async () =>
        worker
          .output()
          .split('\n')
          .find((l) => l.includes('workflow worker polling')),
      worker,
    )
    expect(JSON.parse(line)).toMatchObject({ workflows: 'bundle' })
    expect(await stop(worker)).toMatchObject({ code: 0, signal: null })
  }, 60_000)
})
