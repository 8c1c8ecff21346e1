import { Kysely, Migrator, PostgresDialect, type Migration, type MigrationProvider } from 'kysely'
import pg from 'pg'

// timestamptz as Date (default) and bigint counts as strings: callers convert where they need numbers
// statement_timeout bounds every query: an activity blocked on a lock gives up before Temporal's
// startToCloseTimeout retries it, so a timed-out attempt can never land late with stale data
export function createDatabase<DB>(url: string, poolSize = 10, onQuery?: () => void, statementTimeoutMs = 5_000): Kysely<DB> {
  const pool = new pg.Pool({
    connectionString: url,
    max: poolSize,
    idleTimeoutMillis: 30_000,
    statement_timeout: statementTimeoutMs,
  })
  return new Kysely<DB>({
    dialect: new PostgresDialect({ pool }),
    log: onQuery ? (event) => (event.level === 'query' ? onQuery() : undefined) : undefined,
  })
}

/** Creates the database named in `url` when it does not exist (the embedded stack and tests need it). */
export async function ensureDatabaseExists(url: string): Promise<void> {
  const target = new URL(url)
  const name = decodeURIComponent(target.pathname.replace(/^\//, ''))
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`unsupported database name "${name}"`)
  const admin = new URL(url)
  admin.pathname = '/postgres'
  const client = new pg.Client({ connectionString: admin.toString() })
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

class StaticMigrationProvider implements MigrationProvider {
  constructor(private readonly migrations: Readonly<Record<string, Migration>>) {}
  async getMigrations(): Promise<Record<string, Migration>> {
    return { ...this.migrations }
  }
}

export async function migrateToLatest(
  db: Kysely<unknown>,
  migrations: Readonly<Record<string, Migration>>,
): Promise<string[]> {
  const migrator = new Migrator({ db, provider: new StaticMigrationProvider(migrations) })
  const { error, results } = await migrator.migrateToLatest()
  if (error) throw error instanceof Error ? error : new Error(String(error))
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName)
}
