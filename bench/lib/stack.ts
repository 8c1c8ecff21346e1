// Starting what a variant needs, the way scripts/stack.ts does: the subgraphs and a gateway as
// separate processes (process.execPath --import tsx <entry>), Redis, and Temporal for --mix.
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import Redis from 'ioredis'
import { composeSupergraph } from '../../gateway/src/compose'
import { readSupergraphConfig } from '../../gateway/src/supergraph-config'
import { secretsOf, SUBGRAPH_NAMES, type ServiceName, type SubgraphName } from '@marketplace/services'
import { freePort, httpOk, waitFor } from '../../scripts/lib/ports'
import { findRedisServer } from '../../scripts/lib/prerequisites'
import { openLog, startProcess, type ManagedProcess } from '../../scripts/lib/processes'
import { ROOT, nodeArgsOf } from '../../scripts/lib/services'
import { devServerArgs, ensureTemporalCli, temporalAnswers } from '../../scripts/lib/temporal'
import { onCleanup, trackChild } from './cleanup'
import type { VariantSpec } from './variants'

export const SUBGRAPHS: readonly SubgraphName[] = SUBGRAPH_NAMES

/** Variables a caller's shell might set that would change what a variant measures. */
const KNOBS =
  /^(SUBGRAPH_[A-Z0-9_]+_URL|[A-Z]+_DATABASE_URL|DATABASE_URL|[A-Z]+_PORT|PORT|GATEWAY_WORKERS|RESPONSE_CACHE.*|SUPERGRAPH_PATH|SUPERGRAPH_FILE|ENTITY_CACHE|BATCH_LOADS|GATEWAY_SIGNATURE|REDIS_URL|NODE_OPTIONS|NODE_ENV|LOG_LEVEL|ACTIVITY_WORKER|MIGRATE_ON_START|TEMPORAL_ADDRESS|GATEWAY_SECRET|JWT_SECRET|DATABASE_POOL_SIZE|TRACES_DIR|OTEL_[A-Z_]+)$/

export function baseEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([key]) => !KNOBS.test(key)))
}

/** A process the benchmark started: stopped at the end, watched for unexpected exits. */
export class ProcessSet {
  private readonly processes: ManagedProcess[] = []
  private crash: string | null = null

  /** `prefix`: log files are <logDir>/<prefix><name>.log */
  constructor(
    private readonly logDir: string,
    private readonly prefix = '',
  ) {}

  start(name: string, args: readonly string[], env: NodeJS.ProcessEnv, command = process.execPath): ManagedProcess {
    const log = join(this.logDir, `${this.prefix}${name}.log`)
    const managed = startProcess(name, command, args, env, {
      logTo: openLog(log),
      onExit: (code) => {
        this.crash ??= `${name} exited unexpectedly (code ${code}); see ${log}`
      },
    })
    trackChild(managed.child)
    this.processes.push(managed)
    return managed
  }

  /** The first unexpected exit, if any. */
  get crashed(): string | null {
    return this.crash
  }

  async stopAll(): Promise<void> {
    const all = this.processes.splice(0)
    await Promise.all(all.map((p) => p.stop('SIGTERM', 15_000)))
  }
}

// ------------------------------------------------------------------------------------------
// Redis

export interface RedisServer {
  readonly url: string
  readonly port: number
  readonly pid: number
  readonly client: Redis
  /** total_commands_processed of INFO stats (the INFO itself is counted by the next call) */
  totalCommands(): Promise<number>
  flushAll(): Promise<void>
}

export async function startRedis(logDir: string): Promise<RedisServer> {
  const binary = findRedisServer()
  if (!binary) {
    throw new Error(
      'redis-server is not on PATH and REDIS_SERVER_PATH is not set: the benchmark needs a real Redis (e.g. `apt-get install redis-server` or `brew install redis`).',
    )
  }
  const port = await freePort()
  const set = new ProcessSet(logDir)
  const server = set.start('redis', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], baseEnv(), binary)
  const stopServer = onCleanup('redis', () => set.stopAll())
  const client = new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 1 })
  client.on('error', () => undefined)
  try {
    await waitFor(
      'redis',
      async () => {
        if (set.crashed) throw new Error(set.crashed)
        if (client.status === 'wait' || client.status === 'end') await client.connect()
        return (await client.ping()) === 'PONG'
      },
      { timeoutMs: 10_000 },
    )
  } catch (err) {
    client.disconnect()
    await stopServer()
    throw err
  }
  onCleanup('redis client', async () => client.disconnect())
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    pid: server.child.pid ?? 0,
    client,
    async totalCommands() {
      const info = await client.info('stats')
      const match = /total_commands_processed:(\d+)/.exec(info)
      if (!match?.[1]) throw new Error('INFO stats has no total_commands_processed')
      return Number(match[1])
    },
    async flushAll() {
      await client.flushall()
    },
  }
}

// ------------------------------------------------------------------------------------------
// Temporal (--mix only)

export interface TemporalServer {
  readonly address: string
  readonly pid: number
}

export async function startTemporal(logDir: string, stateDir: string): Promise<TemporalServer> {
  const cli = ensureTemporalCli()
  const port = await freePort()
  const address = `127.0.0.1:${port}`
  await mkdir(stateDir, { recursive: true })
  const set = new ProcessSet(logDir)
  const server = set.start('temporal', devServerArgs({ dbFile: join(stateDir, `temporal-${port}.db`), port, uiPort: null }), baseEnv(), cli)
  onCleanup('temporal', () => set.stopAll())
  await waitFor(
    'temporal',
    async () => {
      if (set.crashed) throw new Error(set.crashed)
      return temporalAnswers(address)
    },
    { timeoutMs: 120_000, intervalMs: 250 },
  )
  return { address, pid: server.child.pid ?? 0 }
}

// ------------------------------------------------------------------------------------------
// A variant's subgraphs and gateway

export interface StackContext {
  readonly logDir: string
  readonly databaseUrls: Readonly<Record<ServiceName, string>>
  readonly redisUrl: string
  readonly secrets: { readonly gateway: string; readonly jwt: string }
  /** set under --mix: every service, the façade and the workflow worker are started */
  readonly temporalAddress?: string
}

export interface RunningStack {
  readonly gatewayUrl: string
  readonly gatewayPort: number
  /** where our gateway serves GET /metrics (http://host:port) */
  readonly gatewayMetricsOrigin: string
  readonly subgraphUrls: Readonly<Partial<Record<SubgraphName, string>>>
  readonly pids: Readonly<Record<string, number>>
  readonly crashed: () => string | null
  stop(): Promise<void>
}

export function commonEnv(ctx: StackContext): NodeJS.ProcessEnv {
  return {
    ...baseEnv(),
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
    APOLLO_TELEMETRY_DISABLED: '1',
    GATEWAY_SECRET: ctx.secrets.gateway,
    REDIS_URL: ctx.redisUrl,
    MIGRATE_ON_START: 'false',
    ...(ctx.temporalAddress ? { TEMPORAL_ADDRESS: ctx.temporalAddress, ACTIVITY_WORKER: 'true' } : { ACTIVITY_WORKER: 'false' }),
  }
}

/** Starts subgraphs (with the variant's knobs) and waits for their /health. */
export async function startSubgraphs(
  set: ProcessSet,
  ctx: StackContext,
  which: readonly SubgraphName[],
  extraEnv: Readonly<Record<string, string>>,
  nodeArgs: readonly string[] = [],
): Promise<{ urls: Partial<Record<SubgraphName, string>>; pids: Record<string, number> }> {
  const urls: Partial<Record<SubgraphName, string>> = {}
  const pids: Record<string, number> = {}
  const env = commonEnv(ctx)
  await Promise.all(
    which.map(async (name) => {
      const port = await freePort()
      const processEnv: NodeJS.ProcessEnv = {
        ...env,
        ...extraEnv,
        PORT: String(port),
        ...(name === 'facade' ? {} : { DATABASE_URL: ctx.databaseUrls[name] }),
        // JWT_SECRET only where tokens are issued (users, as the registry says) or checked (the gateway)
        ...(secretsOf(name).includes('JWT_SECRET') ? { JWT_SECRET: ctx.secrets.jwt } : {}),
      }
      const started = set.start(name, [...nodeArgs, ...nodeArgsOf(name)], processEnv)
      pids[name] = started.child.pid ?? 0
      urls[name] = `http://127.0.0.1:${port}/graphql`
      await waitFor(
        name,
        async () => {
          if (set.crashed) throw new Error(set.crashed)
          return httpOk(`http://127.0.0.1:${port}/health`)()
        },
        { timeoutMs: 90_000 },
      )
    }),
  )
  return { urls, pids }
}

/** A URL where nothing listens: the gateways need one per subgraph, the page query calls only two. */
async function deadUrl(): Promise<string> {
  return `http://127.0.0.1:${await freePort()}/graphql`
}

/** The supergraph SDL with the subgraphs' actual URLs as routing URLs (for the third-party gateways). */
export function supergraphWithUrls(urls: Readonly<Record<string, string>>): string {
  const config = readSupergraphConfig()
  return composeSupergraph({ ...config, subgraphs: config.subgraphs.map((s) => ({ ...s, routingUrl: urls[s.name] ?? s.routingUrl })) })
}

const graphqlAnswers = (url: string) => async (): Promise<boolean> => {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: '{ __typename }' }),
  })
  return res.ok
}

/**
 * The variant's processes: users and comments (every service, the façade and the workflow worker
 * under --mix), then its gateway. `profileDir`: our gateway runs with --cpu-prof (its cluster
 * workers inherit the flags through execArgv).
 */
export async function startVariant(
  spec: VariantSpec,
  ctx: StackContext,
  { profileDir, logPrefix = '' }: { profileDir?: string; logPrefix?: string } = {},
): Promise<RunningStack> {
  const set = new ProcessSet(ctx.logDir, logPrefix)
  const stop = onCleanup(`${spec.name} processes`, () => set.stopAll())
  try {
    const mix = ctx.temporalAddress !== undefined
    const which: SubgraphName[] = mix ? [...SUBGRAPHS] : ['users', 'comments']
    // a traced variant: every process exports its spans to files (what the embedded stack does)
    const tracing: Record<string, string> = spec.traced ? { TRACES_DIR: join(ctx.logDir, 'traces', spec.name) } : {}
    const subgraphs = await startSubgraphs(set, ctx, which, { ...spec.subgraphEnv, ...tracing })
    const pids: Record<string, number> = { ...subgraphs.pids }
    if (mix) {
      const worker = set.start('workflow-worker', nodeArgsOf('workflow-worker'), { ...commonEnv(ctx), ...tracing })
      pids['workflow-worker'] = worker.child.pid ?? 0
    }
    const routing: Record<string, string> = {}
    for (const name of SUBGRAPHS) routing[name] = subgraphs.urls[name] ?? (await deadUrl())
    const gatewayPort = await freePort()
    const gatewayUrl = `http://127.0.0.1:${gatewayPort}/graphql`
    // our gateway serves /metrics on a listener of its own, not on the public port
    const metricsPort = await freePort()
    const env: NodeJS.ProcessEnv = {
      ...commonEnv(ctx),
      JWT_SECRET: ctx.secrets.jwt,
      PORT: String(gatewayPort),
      METRICS_PORT: String(metricsPort),
      ...tracing,
    }
    let ready: () => Promise<boolean>
    if (spec.gateway.kind === 'ours') {
      for (const name of SUBGRAPHS) env[`SUBGRAPH_${name.toUpperCase()}_URL`] = routing[name]
      env.RESPONSE_CACHE = String(spec.gateway.responseCache)
      env.GATEWAY_WORKERS = String(spec.gateway.workers)
      const profile = profileDir ? ['--cpu-prof', '--cpu-prof-dir', profileDir] : []
      if (profileDir) await mkdir(profileDir, { recursive: true })
      pids.gateway = set.start('gateway', [...profile, ...nodeArgsOf('gateway')], env).child.pid ?? 0
      ready = httpOk(`http://127.0.0.1:${gatewayPort}/health`)
    } else {
      const file = join(ctx.logDir, `supergraph-${spec.name}.graphql`)
      await writeFile(file, supergraphWithUrls(routing))
      env.SUPERGRAPH_FILE = file
      const entry = join(ROOT, 'bench', 'gateways', `${spec.gateway.kind}.ts`)
      pids.gateway = set.start('gateway', ['--import', 'tsx', entry], env).child.pid ?? 0
      ready = graphqlAnswers(gatewayUrl)
    }
    await waitFor(
      'gateway',
      async () => {
        if (set.crashed) throw new Error(set.crashed)
        return ready()
      },
      { timeoutMs: 90_000 },
    )
    return {
      gatewayUrl,
      gatewayPort,
      gatewayMetricsOrigin: `http://127.0.0.1:${metricsPort}`,
      subgraphUrls: subgraphs.urls,
      pids,
      crashed: () => set.crashed,
      stop,
    }
  } catch (err) {
    await stop()
    throw err
  }
}
