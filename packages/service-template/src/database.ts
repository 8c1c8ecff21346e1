import { CamelCasePlugin, Kysely, Migrator, PostgresDialect, type Migration, type MigrationProvider, type PostgresPool } from 'kysely'
import pg from 'pg'
import type { Metrics } from './metrics'

export interface DatabaseOptions {
  readonly poolSize?: number
  /** called for every query run (the `db_queries_total` counter) */
  readonly onQuery?: () => void
  readonly statementTimeoutMs?: number
  /** how long a query waits for a connection (a free one, or a new one opening) before it fails */
  readonly acquireTimeoutMs?: number
  /** db_pool_connections{pool, state} of this pool, read at each scrape */
  readonly poolMetrics?: { readonly metrics: Metrics; readonly pool: string }
}

/**
 * No connection within the acquisition timeout: every connection of the pool is busy (or the
 * database does not answer). The query fails at once — the client sees an internal error — instead
 * of queueing behind slow work without end.
 */
export class ConnectionTimeoutError extends Error {
  override readonly name = 'ConnectionTimeoutError'
}

// pg-pool's words for "waited for a free connection", pg's for "a new connection did not open"
const ACQUIRE_TIMEOUT = /timeout exceeded when trying to connect|connection timeout/i

// timestamptz as Date (default) and bigint counts as strings: callers convert where they need numbers.
// Queries name tables and columns in camelCase, the database keeps snake_case: CamelCasePlugin maps
// both ways (identifiers in, row keys out) but never the text of a raw sql`…` fragment.
// statement_timeout bounds every query: an activity blocked on a lock gives up before Temporal's
// startToCloseTimeout retries it, so a timed-out attempt can never land late with stale data
export function createDatabase<DB>(url: string, options: DatabaseOptions | number = {}): Kysely<DB> {
  const {
    poolSize = 10,
    onQuery,
    statementTimeoutMs = 5_000,
    acquireTimeoutMs = 2_000,
    poolMetrics,
  } = typeof options === 'number' ? { poolSize: options } : options
  const pool = new pg.Pool({
    connectionString: url,
    max: poolSize,
    idleTimeoutMillis: 30_000,
    connectionTimeoutMillis: acquireTimeoutMs,
    statement_timeout: statementTimeoutMs,
  })
  // a client's error (Postgres restarted, the connection terminated) must not crash the process.
  // An idle client's reaches the pool, which drops it. A checked-out client has no listener of the
  // pool's: each gets one for its whole life, and pg-pool drops it on release (it is not queryable),
  // so the next query opens a fresh connection
  pool.on('error', () => undefined)
  pool.on('connect', (client) => client.on('error', () => undefined))
  poolMetrics?.metrics.gauge('db_pool_connections', (set) => {
    const { pool: name } = poolMetrics
    set({ pool: name, state: 'total' }, pool.totalCount)
    set({ pool: name, state: 'idle' }, pool.idleCount)
    set({ pool: name, state: 'waiting' }, pool.waitingCount)
    set({ pool: name, state: 'max' }, poolSize)
  })
  const bounded: PostgresPool = {
    connect: () =>
      pool.connect().catch((err: unknown) => {
        if (err instanceof Error && ACQUIRE_TIMEOUT.test(err.message)) {
          throw new ConnectionTimeoutError(`no database connection within ${acquireTimeoutMs} ms (pool of ${poolSize})`, { cause: err })
        }
        throw err
      }),
    end: () => pool.end(),
  }
  return new Kysely<DB>({
    dialect: new PostgresDialect({ pool: bounded }),
    plugins: [new CamelCasePlugin()],
    log: onQuery ? (event) => (event.level === 'query' ? onQuery() : undefined) : undefined,
  })
}

/** A service's two pools: reads (requests) and writes (the activity worker). */
export interface ServiceDatabases<DB> {
  readonly reads: Kysely<DB>
  readonly writes: Kysely<DB>
}

/**
 * Reads and writes get separate pools: a flood of slow reads can hold every read connection,
 * never the ones the scenarios' writes need. Both connect lazily (a service that serves no
 * activities never opens a write connection). With `metrics`, both pools' connections are gauges.
 */
export function createServiceDatabases<DB>(
  config: {
    readonly databaseUrl: string
    readonly databasePoolSize: number
    readonly databaseWritePoolSize: number
    readonly statementTimeoutMs: number
    readonly databaseAcquireTimeoutMs: number
  },
  onQuery?: () => void,
  metrics?: Metrics,
): ServiceDatabases<DB> {
  const common = { onQuery, statementTimeoutMs: config.statementTimeoutMs, acquireTimeoutMs: config.databaseAcquireTimeoutMs }
  const poolMetrics = (pool: string) => (metrics ? { poolMetrics: { metrics, pool } } : {})
  return {
    reads: createDatabase<DB>(config.databaseUrl, { ...common, poolSize: config.databasePoolSize, ...poolMetrics('reads') }),
    writes: createDatabase<DB>(config.databaseUrl, { ...common, poolSize: config.databaseWritePoolSize, ...poolMetrics('writes') }),
  }
}

/** Creates the database named in `url` when it does not exist (the embedded stack and tests need it). */
export async function ensureDatabaseExists(url: string): Promise<void> {
  const target = new URL(url)
  const name = decodeURIComponent(target.pathname.replace(/^\//, ''))
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`unsupported database name "${name}"`)
  const admin = new URL(url)
  admin.pathname = '/postgres'
  const client = new pg.Client({ connectionString: admin.toString() })
  client.on('error', () => undefined) // a dropped connection fails the query below instead
  await client.connect()
  try {
    const found = await client.query('select 1 from pg_database where datname = $1', [name])
    if (found.rowCount === 0) await client.query(`create database "${name}"`)
  } catch (err) {
    // two processes may race to create it; the loser sees a duplicate_database error
    if ((err as { code?: string }).code !== '42P04') throw err
  } finally {
    await client.end()
  }
}

/**
 * Writes `values` to row `id` of `table` unless its `versionColumn` already holds `version` or a
 * newer one: a late, stale write changes nothing. `applied` says whether this write won.
 */
export async function writeIfNewer<DB>(
  db: Kysely<DB>,
  table: keyof DB & string,
  id: string,
  versionColumn: string,
  version: number,
  values: Readonly<Record<string, unknown>>,
): Promise<{ applied: boolean }> {
  // the table and columns are the caller's, checked by its own types: Kysely cannot check them here
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const untyped = db as unknown as Kysely<Record<string, any>>
  const result = await untyped
    .updateTable(table as string)
    .set({ ...values })
    .where('id', '=', id)
    .where(versionColumn, '<', String(version))
    .executeTakeFirst()
  return { applied: result.numUpdatedRows > 0n }
}

class StaticMigrationProvider implements MigrationProvider {
  constructor(private readonly migrations: Readonly<Record<string, Migration>>) {}
  async getMigrations(): Promise<Record<string, Migration>> {
    return { ...this.migrations }
  }
}

/** Migrations name the database's own snake_case identifiers: they (and the migrator's bookkeeping) run without the naming plugin. */
export async function migrateToLatest(db: Kysely<unknown>, migrations: Readonly<Record<string, Migration>>): Promise<string[]> {
  const migrator = new Migrator({ db: db.withoutPlugins(), provider: new StaticMigrationProvider(migrations) })
  const { error, results } = await migrator.migrateToLatest()
  if (error) throw error instanceof Error ? error : new Error(String(error))
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName)
}
