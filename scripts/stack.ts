// The embedded stack: Postgres, Redis and Temporal, the five services, the façade, the workflow
// worker and the gateway, one command.
import { mkdtemp, mkdir, readFile, readdir, rename, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import {
  DEFAULT_METRICS_PORT,
  DEFAULT_PORTS,
  SERVICE_NAMES,
  createDatabase,
  databaseUrlFor,
  ensureDatabaseExists,
  migrateToLatest,
  readInt,
  type ServiceName,
  type SubgraphName,
} from '@marketplace/service-template'
import Redis from 'ioredis'
import { secretsOf, SUBGRAPH_NAMES } from '@marketplace/services'
import { freePort, httpOk, waitFor } from './lib/ports'
import { postgresAnswers, prepareEmbeddedPostgres } from './lib/postgres'
import { findRedisServer } from './lib/prerequisites'
import { openLog } from './lib/processes'
import { parseReplicas, type Replicas } from './lib/replicas'
import { supervise, type ProcessSpec, type SupervisedProcess } from './lib/supervisor'
import { migrationsOf, ROOT, nodeArgsOf } from './lib/services'
import { devServerArgs, ensureTemporalCli, temporalAnswers } from './lib/temporal'
import { isSeeded, seedDatabases } from './seed/write'

const USAGE = `Usage: npm start [-- options]

Starts embedded Postgres, Redis (REDIS_SERVER_PATH or redis-server on PATH, when there is one),
the Temporal dev server, the five subgraphs, the façade, the workflow worker and the gateway,
and keeps them running: a process that exits is restarted (back-off 0.5 s doubling to 30 s).

Options:
  --data-dir DIR     where Postgres keeps its data (default: .data, or DATA_DIR)
  --ephemeral        use a temporary data folder, deleted on exit
  --random-ports     pick free ports for everything (tests)
  --ready-file FILE  write the URLs as JSON to FILE once everything answers
  --log-dir DIR      write each process's log to DIR/<name>.log instead of the terminal
  --no-seed          do not seed an empty database
  --headless         no Temporal Web UI (tests)
  --exit-with-parent stop when the process that started us goes away (tests)
  --replicas LIST    worker processes per service, e.g. users=2,comments=2,gateway=2
                     (default: MARKETPLACE_REPLICAS, else one each)
  --help             this text`

interface StackOptions {
  dataDir: string
  ephemeral: boolean
  randomPorts: boolean
  readyFile?: string
  logDir?: string
  seed: boolean
  exitWithParent: boolean
  headless: boolean
  replicas: Replicas
}

function parseArgs(argv: readonly string[]): StackOptions {
  const options: StackOptions = {
    dataDir: resolve(process.env.DATA_DIR ?? join(ROOT, '.data')),
    ephemeral: false,
    randomPorts: false,
    seed: true,
    exitWithParent: false,
    headless: false,
    replicas: parseReplicas(process.env.MARKETPLACE_REPLICAS ?? ''),
  }
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]
    const value = (): string => {
      const next = argv[++i]
      if (!next) throw new UsageError(`${arg} needs a value`)
      return next
    }
    switch (arg) {
      case '--data-dir':
        options.dataDir = resolve(value())
        break
      case '--ephemeral':
        options.ephemeral = true
        break
      case '--random-ports':
        options.randomPorts = true
        break
      case '--ready-file':
        options.readyFile = resolve(value())
        break
      case '--log-dir':
        options.logDir = resolve(value())
        break
      case '--no-seed':
        options.seed = false
        break
      case '--headless':
        options.headless = true
        break
      case '--exit-with-parent':
        options.exitWithParent = true
        break
      case '--replicas':
        options.replicas = parseReplicas(value())
        break
      case '--help':
        console.log(USAGE)
        process.exit(0)
      // falls through (exit never returns)
      default:
        throw new UsageError(`unknown option ${arg}`)
    }
  }
  return options
}

class UsageError extends Error {}

export interface StackUrls {
  gateway: string
  /** the gateway's counters: a listener of their own, not the public port */
  gatewayMetrics: string
  graphiql: string
  subgraphs: Record<SubgraphName, string>
  postgres: Record<ServiceName, string>
  redis: string | null
  temporal: { address: string; ui: string | null }
  /** the current pid of each process by name (postgres, redis, temporal, users, …, gateway): rewritten after a restart */
  pids: Record<string, number>
  dataDir: string
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2))
  const env = process.env
  const cleanups: (() => Promise<void>)[] = []
  let shuttingDown = false
  const shutdown = async (code: number): Promise<never> => {
    if (!shuttingDown) {
      shuttingDown = true
      console.log('stopping…')
      for (const cleanup of cleanups.reverse()) await cleanup().catch((err: unknown) => console.error(err))
    }
    process.exit(code)
  }
  process.once('SIGINT', () => void shutdown(0))
  process.once('SIGTERM', () => void shutdown(0))
  if (options.exitWithParent) {
    const parent = process.ppid
    setInterval(() => {
      if (process.ppid !== parent) void shutdown(0)
    }, 500).unref()
  }

  // every process is supervised: restarted when it exits unasked; its pid is kept current here
  // (and in the ready file once there is one)
  const pids: Record<string, number> = {}
  let readyUrls: StackUrls | null = null
  let readyWrites = Promise.resolve()
  const writeReadyFile = (): void => {
    const { readyFile } = options
    if (!readyFile || !readyUrls) return
    const text = JSON.stringify({ ...readyUrls, pids }, null, 2)
    // written whole, then renamed: whoever polls for the file never reads half of it
    readyWrites = readyWrites
      .then(() => writeFile(`${readyFile}.partial`, text))
      .then(() => rename(`${readyFile}.partial`, readyFile))
      .catch((err: unknown) => console.error(err))
  }
  const run = (name: string, spec: ProcessSpec, logTo: ReturnType<typeof openLog> | undefined): SupervisedProcess =>
    supervise(name, spec, {
      logTo,
      onStart: (started, pid) => {
        pids[started] = pid
        writeReadyFile()
      },
    })

  try {
    if (options.ephemeral) await removeAbandonedEphemeralDirs()
    const dataDir = options.ephemeral ? await mkdtemp(join(tmpdir(), EPHEMERAL_PREFIX)) : options.dataDir
    await mkdir(dataDir, { recursive: true })
    if (options.ephemeral) {
      await writeFile(join(dataDir, OWNER_FILE), String(process.pid))
      cleanups.push(() => rm(dataDir, { recursive: true, force: true }))
    }
    if (options.logDir) await mkdir(options.logDir, { recursive: true })
    const logTo = (name: string) => (options.logDir ? openLog(join(options.logDir, `${name}.log`)) : undefined)
    const port = async (fixed: number): Promise<number> => (options.randomPorts ? freePort() : fixed)

    // Postgres: the package creates the cluster, we run (and restart) the server
    const pgPort = await port(readInt(env, 'EMBEDDED_PG_PORT', 54320, 1, 65535))
    const pgLog = logTo('postgres')
    const embedded = await prepareEmbeddedPostgres(join(dataDir, 'postgres'), pgPort, {
      ephemeral: options.ephemeral,
      log: (line) => pgLog?.write(line.endsWith('\n') ? line : line + '\n'),
    })
    const postgres = run('postgres', embedded.spec, pgLog)
    // SIGINT: Postgres's fast shutdown (ends the sessions, checkpoints)
    cleanups.push(async () => {
      await postgres.stop('SIGINT', 20_000)
      await embedded.removeData()
    })
    await waitFor(`postgres on port ${pgPort} (is the port in use? its log says why: --log-dir)`, () => postgresAnswers(pgPort), {
      timeoutMs: 60_000,
      intervalMs: 200,
    })
    const dbEnv = { ...env, EMBEDDED_PG_PORT: String(pgPort) }
    const databaseUrls = Object.fromEntries(SERVICE_NAMES.map((s) => [s, databaseUrlFor(s, dbEnv)])) as Record<ServiceName, string>
    for (const service of SERVICE_NAMES) {
      await ensureDatabaseExists(databaseUrls[service])
      const db = createDatabase<unknown>(databaseUrls[service], 1)
      try {
        await migrateToLatest(db, migrationsOf(service))
      } finally {
        await db.destroy()
      }
    }
    console.log(`postgres   ready on 127.0.0.1:${pgPort} (data in ${join(dataDir, 'postgres')})`)
    if (options.seed && !(await isSeeded(dbEnv))) {
      console.log('seeding the empty databases (first start)…')
      const summary = await seedDatabases({}, dbEnv)
      console.log(`seeded in ${summary.elapsedMs} ms`)
    }

    // Redis, when the machine has it (no persistence: a restarted Redis is an empty cache)
    let redisUrl: string | null = env.REDIS_URL ?? null
    const redisServer = redisUrl ? null : findRedisServer(env)
    if (redisServer) {
      const redisPort = await port(readInt(env, 'EMBEDDED_REDIS_PORT', 63790, 1, 65535))
      const redis = run(
        'redis',
        { command: redisServer, args: ['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], env },
        logTo('redis'),
      )
      cleanups.push(() => redis.stop())
      redisUrl = `redis://127.0.0.1:${redisPort}`
      await waitFor('redis', () => pingRedis(redisPort), { timeoutMs: 10_000 })
      console.log(`redis      ready at ${redisUrl}`)
    } else if (!redisUrl) {
      console.log('redis      not found (no REDIS_SERVER_PATH, no redis-server on PATH, no REDIS_URL): caching is in-process only')
    }

    // Temporal: the dev server, its state in the data folder so runs survive a restart (of it too)
    const temporalCli = ensureTemporalCli()
    const temporalPort = await port(readInt(env, 'TEMPORAL_PORT', 7233, 1, 65535))
    const uiPort = options.headless ? null : await port(readInt(env, 'TEMPORAL_UI_PORT', 8233, 1, 65535))
    const temporalAddress = `127.0.0.1:${temporalPort}`
    const temporal = run(
      'temporal',
      { command: temporalCli, args: devServerArgs({ dbFile: join(dataDir, 'temporal.db'), port: temporalPort, uiPort }), env },
      logTo('temporal'),
    )
    cleanups.push(() => temporal.stop('SIGTERM', 20_000))
    await waitFor('temporal', () => temporalAnswers(temporalAddress), { timeoutMs: 120_000, intervalMs: 250 })
    const temporalUi = uiPort === null ? null : `http://127.0.0.1:${uiPort}`
    console.log(`temporal   ready at ${temporalAddress}${temporalUi ? ` (Web UI ${temporalUi})` : ''}`)

    // the subgraphs and the workflow worker, then the gateway; stopped before Temporal, gateway first
    const services: SupervisedProcess[] = []
    cleanups.push(async () => {
      await Promise.all(services.map((p) => p.stop()))
    })
    // each process gets only the secrets it uses: JWT_SECRET goes to the gateway and the service whose
    // registry entry lists it (users) alone
    const { JWT_SECRET: jwtSecret, ...withoutJwtSecret } = env
    const jwt = jwtSecret ? { JWT_SECRET: jwtSecret } : {}
    const common = {
      ...withoutJwtSecret,
      // the embedded stack is development: its public secrets and Postgres password are accepted
      NODE_ENV: 'development',
      APOLLO_TELEMETRY_DISABLED: '1',
      MIGRATE_ON_START: 'false',
      TEMPORAL_ADDRESS: temporalAddress,
      ...(redisUrl ? { REDIS_URL: redisUrl } : {}),
      // spans as OTLP JSON files (npm run trace -- <trace id>) unless a collector is configured
      TRACES_DIR: env.TRACES_DIR ?? join(dataDir, 'traces'),
      // readable lines on a terminal; JSON in log files (and whenever LOG_FORMAT says so)
      LOG_FORMAT: env.LOG_FORMAT ?? (process.stdout.isTTY && !options.logDir ? 'pretty' : 'json'),
    }
    const subgraphUrls = {} as Record<SubgraphName, string>
    const gatewayEnv: NodeJS.ProcessEnv = { ...common }
    services.push(
      run('workflow-worker', { command: process.execPath, args: nodeArgsOf('workflow-worker'), env: common }, logTo('workflow-worker')),
    )
    await Promise.all(
      SUBGRAPH_NAMES.map(async (service) => {
        const servicePort = await port(DEFAULT_PORTS[service])
        subgraphUrls[service] = `http://127.0.0.1:${servicePort}/graphql`
        gatewayEnv[`SUBGRAPH_${service.toUpperCase()}_URL`] = subgraphUrls[service]
        const serviceEnv = {
          ...common,
          PORT: String(servicePort),
          WORKERS: String(options.replicas[service] ?? 1),
          ...(service === 'facade' ? {} : { DATABASE_URL: databaseUrls[service] }),
          ...(secretsOf(service).includes('JWT_SECRET') ? jwt : {}),
        }
        services.push(run(service, { command: process.execPath, args: nodeArgsOf(service), env: serviceEnv }, logTo(service)))
        await waitFor(service, httpOk(`http://127.0.0.1:${servicePort}/health`))
      }),
    )
    const gatewayPort = await port(readInt(env, 'GATEWAY_PORT', DEFAULT_PORTS.gateway, 0, 65535))
    const metricsPort = await port(readInt(env, 'METRICS_PORT', DEFAULT_METRICS_PORT, 0, 65535))
    const gateway = run(
      'gateway',
      {
        command: process.execPath,
        args: nodeArgsOf('gateway'),
        env: {
          ...gatewayEnv,
          ...jwt,
          PORT: String(gatewayPort),
          METRICS_PORT: String(metricsPort),
          GATEWAY_WORKERS: String(options.replicas.gateway ?? env.GATEWAY_WORKERS ?? 1),
        },
      },
      logTo('gateway'),
    )
    cleanups.push(() => gateway.stop())
    const gatewayUrl = `http://127.0.0.1:${gatewayPort}/graphql`
    await waitFor('gateway', httpOk(`http://127.0.0.1:${gatewayPort}/health`))

    readyUrls = {
      gateway: gatewayUrl,
      gatewayMetrics: `http://127.0.0.1:${metricsPort}/metrics`,
      graphiql: gatewayUrl,
      subgraphs: subgraphUrls,
      postgres: databaseUrls,
      redis: redisUrl,
      temporal: { address: temporalAddress, ui: temporalUi },
      pids,
      dataDir,
    }
    writeReadyFile()
    await readyWrites
    const replicated = Object.entries(options.replicas).filter(([, n]) => n > 1)
    console.log(
      [
        '',
        `gateway    ${gatewayUrl}   (open it in a browser for GraphiQL; counters at http://127.0.0.1:${metricsPort}/metrics)`,
        ...SUBGRAPH_NAMES.map((s) => `${s.padEnd(10)} ${subgraphUrls[s]}`),
        temporalUi ? `temporal   ${temporalUi}   (Web UI: follow the scenarios' runs)` : `temporal   ${temporalAddress}`,
        ...(replicated.length > 0
          ? [`replicas   ${replicated.map(([s, n]) => `${s}×${n}`).join(', ')} (worker processes sharing each port)`]
          : []),
        '',
        'Sign in with the seed accounts (password = username): admin, moderator, alice, bob, mallory.',
        'A process that exits is restarted. Ctrl-C stops everything.',
      ].join('\n'),
    )
  } catch (err) {
    console.error(err instanceof UsageError ? `${err.message}\n\n${USAGE}` : err)
    await shutdown(err instanceof UsageError ? 2 : 1)
  }
}

const EPHEMERAL_PREFIX = 'marketplace-'
const OWNER_FILE = 'stack.pid'

/** A SIGKILLed --ephemeral stack could not delete its data folder: the next one does, once its owner is gone. */
async function removeAbandonedEphemeralDirs(): Promise<void> {
  for (const entry of await readdir(tmpdir())) {
    if (!entry.startsWith(EPHEMERAL_PREFIX)) continue
    const dir = join(tmpdir(), entry)
    const owner = Number(await readFile(join(dir, OWNER_FILE), 'utf8').catch(() => ''))
    if (!Number.isInteger(owner) || owner <= 0 || isRunning(owner)) continue
    await rm(dir, { recursive: true, force: true }).catch(() => {})
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}

async function pingRedis(port: number): Promise<boolean> {
  const client = new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null })
  client.on('error', () => {}) // a refused connection while redis starts is expected
  try {
    await client.connect()
    return (await client.ping()) === 'PONG'
  } finally {
    client.disconnect()
  }
}

main().catch((err) => {
  console.error(err)
  process.exit(1)
})
