// The embedded stack: Postgres, Redis and Temporal, the five services, the façade, the workflow
// worker and the gateway, one command.
import { mkdtemp, mkdir, rename, rm, writeFile } from 'node:fs/promises'
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
import { freePort, httpOk, waitFor } from './lib/ports'
import { startEmbeddedPostgres } from './lib/postgres'
import { findRedisServer } from './lib/prerequisites'
import { openLog, startProcess, type ManagedProcess } from './lib/processes'
import { MIGRATIONS, ROOT, nodeArgsOf } from './lib/services'
import { devServerArgs, ensureTemporalCli, temporalAnswers } from './lib/temporal'
import { isSeeded, seedDatabases } from './seed/write'

const USAGE = `Usage: npm start [-- options]

Starts embedded Postgres, Redis (REDIS_SERVER_PATH or redis-server on PATH, when there is one),
the Temporal dev server, the five subgraphs, the façade, the workflow worker and the gateway.

Options:
  --data-dir DIR     where Postgres keeps its data (default: .data, or DATA_DIR)
  --ephemeral        use a temporary data folder, deleted on exit
  --random-ports     pick free ports for everything (tests)
  --ready-file FILE  write the URLs as JSON to FILE once everything answers
  --log-dir DIR      write each process's log to DIR/<name>.log instead of the terminal
  --no-seed          do not seed an empty database
  --headless         no Temporal Web UI (tests)
  --exit-with-parent stop when the process that started us goes away (tests)
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
}

function parseArgs(argv: readonly string[]): StackOptions {
  const options: StackOptions = {
    dataDir: resolve(process.env.DATA_DIR ?? join(ROOT, '.data')),
    ephemeral: false,
    randomPorts: false,
    seed: true,
    exitWithParent: false,
    headless: false,
  }
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]
    const value = (): string => {
      const next = argv[++i]
      if (!next) throw new UsageError(`${arg} needs a value`)
      return next
    }
    switch (arg) {
      case '--data-dir': options.dataDir = resolve(value()); break
      case '--ephemeral': options.ephemeral = true; break
      case '--random-ports': options.randomPorts = true; break
      case '--ready-file': options.readyFile = resolve(value()); break
      case '--log-dir': options.logDir = resolve(value()); break
      case '--no-seed': options.seed = false; break
      case '--headless': options.headless = true; break
      case '--exit-with-parent': options.exitWithParent = true; break
      case '--help': console.log(USAGE); process.exit(0)
      // falls through (exit never returns)
      default: throw new UsageError(`unknown option ${arg}`)
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

  try {
    const dataDir = options.ephemeral ? await mkdtemp(join(tmpdir(), 'marketplace-')) : options.dataDir
    await mkdir(dataDir, { recursive: true })
    if (options.ephemeral) cleanups.push(() => rm(dataDir, { recursive: true, force: true }))
    if (options.logDir) await mkdir(options.logDir, { recursive: true })
    const logTo = (name: string) => (options.logDir ? openLog(join(options.logDir, `${name}.log`)) : undefined)
    const port = async (fixed: number): Promise<number> => (options.randomPorts ? freePort() : fixed)

    // Postgres
    const pgPort = await port(readInt(env, 'EMBEDDED_PG_PORT', 54320, 1, 65535))
    const pgLog = logTo('postgres')
    const postgres = await startEmbeddedPostgres(join(dataDir, 'postgres'), pgPort, {
      ephemeral: options.ephemeral,
      log: (line) => pgLog?.write(line.endsWith('\n') ? line : line + '\n'),
    })
    cleanups.push(() => postgres.stop())
    const dbEnv = { ...env, EMBEDDED_PG_PORT: String(pgPort) }
    const databaseUrls = Object.fromEntries(SERVICE_NAMES.map((s) => [s, databaseUrlFor(s, dbEnv)])) as Record<ServiceName, string>
    for (const service of SERVICE_NAMES) {
      await ensureDatabaseExists(databaseUrls[service])
      const db = createDatabase<unknown>(databaseUrls[service], 1)
      try {
        await migrateToLatest(db, MIGRATIONS[service])
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

    // Redis, when the machine has it
    const infrastructurePids: Record<string, number> = {}
    let redisUrl: string | null = env.REDIS_URL ?? null
    const redisServer = redisUrl ? null : findRedisServer(env)
    if (redisServer) {
      const redisPort = await port(readInt(env, 'EMBEDDED_REDIS_PORT', 63790, 1, 65535))
      const redis = startProcess(
        'redis',
        redisServer,
        ['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
        env,
        { logTo: logTo('redis'), onExit: (code) => fail('redis', code) },
      )
      cleanups.push(() => redis.stop())
      infrastructurePids.redis = redis.child.pid ?? 0
      redisUrl = `redis://127.0.0.1:${redisPort}`
      await waitFor('redis', () => pingRedis(redisPort), { timeoutMs: 10_000 })
      console.log(`redis      ready at ${redisUrl}`)
    } else if (!redisUrl) {
      console.log('redis      not found (no REDIS_SERVER_PATH, no redis-server on PATH, no REDIS_URL): caching is in-process only')
    }

    // Temporal: the dev server, its state in the data folder so runs survive a restart
    const temporalCli = ensureTemporalCli()
    const temporalPort = await port(readInt(env, 'TEMPORAL_PORT', 7233, 1, 65535))
    const uiPort = options.headless ? null : await port(readInt(env, 'TEMPORAL_UI_PORT', 8233, 1, 65535))
    const temporalAddress = `127.0.0.1:${temporalPort}`
    const temporal = startProcess('temporal', temporalCli, devServerArgs({ dbFile: join(dataDir, 'temporal.db'), port: temporalPort, uiPort }), env, {
      logTo: logTo('temporal'),
      onExit: (code) => fail('temporal', code),
    })
    cleanups.push(() => temporal.stop('SIGTERM', 20_000))
    await waitFor('temporal', () => temporalAnswers(temporalAddress), { timeoutMs: 120_000, intervalMs: 250 })
    const temporalUi = uiPort === null ? null : `http://127.0.0.1:${uiPort}`
    console.log(`temporal   ready at ${temporalAddress}${temporalUi ? ` (Web UI ${temporalUi})` : ''}`)

    // the subgraphs and the workflow worker, then the gateway
    const processes: ManagedProcess[] = []
    cleanups.push(async () => {
      await Promise.all(processes.map((p) => p.stop()))
    })
    const fail = (name: string, code: number | null): void => {
      console.error(`${name} exited unexpectedly (code ${code}); stopping the stack`)
      void shutdown(1)
    }
    // each process gets only the secrets it uses: JWT_SECRET goes to users and the gateway alone
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
    }
    const subgraphUrls = {} as Record<SubgraphName, string>
    const gatewayEnv: NodeJS.ProcessEnv = { ...common }
    processes.push(
      startProcess('workflow-worker', process.execPath, nodeArgsOf('workflow-worker'), common, {
        logTo: logTo('workflow-worker'),
        onExit: (code) => fail('workflow-worker', code),
      }),
    )
    await Promise.all(
      [...SERVICE_NAMES, 'facade' as const].map(async (service) => {
        const servicePort = await port(DEFAULT_PORTS[service])
        subgraphUrls[service] = `http://127.0.0.1:${servicePort}/graphql`
        gatewayEnv[`SUBGRAPH_${service.toUpperCase()}_URL`] = subgraphUrls[service]
        processes.push(
          startProcess(
            service,
            process.execPath,
            nodeArgsOf(service),
            {
              ...common,
              PORT: String(servicePort),
              ...(service === 'facade' ? {} : { DATABASE_URL: databaseUrls[service] }),
              ...(service === 'users' ? jwt : {}),
            },
            { logTo: logTo(service), onExit: (code) => fail(service, code) },
          ),
        )
        await waitFor(service, httpOk(`http://127.0.0.1:${servicePort}/health`))
      }),
    )
    const gatewayPort = await port(readInt(env, 'GATEWAY_PORT', DEFAULT_PORTS.gateway, 0, 65535))
    const metricsPort = await port(readInt(env, 'METRICS_PORT', DEFAULT_METRICS_PORT, 0, 65535))
    processes.push(
      startProcess('gateway', process.execPath, nodeArgsOf('gateway'), { ...gatewayEnv, ...jwt, PORT: String(gatewayPort), METRICS_PORT: String(metricsPort) }, {
        logTo: logTo('gateway'),
        onExit: (code) => fail('gateway', code),
      }),
    )
    const gatewayUrl = `http://127.0.0.1:${gatewayPort}/graphql`
    await waitFor('gateway', httpOk(`http://127.0.0.1:${gatewayPort}/health`))

    const urls: StackUrls = {
      gateway: gatewayUrl,
      gatewayMetrics: `http://127.0.0.1:${metricsPort}/metrics`,
      graphiql: gatewayUrl,
      subgraphs: subgraphUrls,
      postgres: databaseUrls,
      redis: redisUrl,
      temporal: { address: temporalAddress, ui: temporalUi },
      pids: { ...infrastructurePids, ...Object.fromEntries(processes.map((p) => [p.name, p.child.pid ?? 0])) },
      dataDir,
    }
    if (options.readyFile) {
      // written whole, then renamed: whoever polls for the file never reads half of it
      await writeFile(`${options.readyFile}.partial`, JSON.stringify(urls, null, 2))
      await rename(`${options.readyFile}.partial`, options.readyFile)
    }
    console.log(
      [
        '',
        `gateway    ${gatewayUrl}   (open it in a browser for GraphiQL; counters at http://127.0.0.1:${metricsPort}/metrics)`,
        ...[...SERVICE_NAMES, 'facade' as const].map((s) => `${s.padEnd(10)} ${subgraphUrls[s]}`),
        temporalUi ? `temporal   ${temporalUi}   (Web UI: follow the scenarios' runs)` : `temporal   ${temporalAddress}`,
        '',
        'Sign in with the seed accounts (password = username): admin, moderator, alice, bob, mallory.',
        'Ctrl-C stops everything.',
      ].join('\n'),
    )
  } catch (err) {
    console.error(err instanceof UsageError ? `${err.message}\n\n${USAGE}` : err)
    await shutdown(err instanceof UsageError ? 2 : 1)
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
