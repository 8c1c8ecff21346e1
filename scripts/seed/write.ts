// Writes generated rows into every service's database: migrate, truncate, bulk insert, analyze;
// then each service's own seed hook (`subgraphs/<name>/src/seed.ts`), if it has one.
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import pg from 'pg'
import { SERVICE_NAMES, serviceDir, type ServiceName } from '@marketplace/services'
import { databaseUrlFor, type Env } from '../../packages/service-template/src/config'
import { createDatabase, ensureDatabaseExists, migrateToLatest } from '../../packages/service-template/src/database'
import type { SeedContext, SeedHook } from '../../packages/service-template/src/seed-hook'
import { migrationsOf, ROOT } from '../lib/services'
import { hashPassword } from '../../packages/service-template/src/passwords'
import {
  GENERATED_USER_PASSWORD,
  SEED_ACCOUNTS,
  chunksOf,
  generateSeedData,
  type PasswordHashes,
  type SeedAccountName,
  type SeedData,
  type SeedTable,
} from './generate'
import type { SeedOptions } from './options'

export type SeedTableName = 'users' | 'merchants' | 'products' | 'reviews' | 'comments'

export interface SeedSummary {
  readonly options: SeedOptions
  readonly counts: Readonly<Record<SeedTableName, number>>
  readonly elapsedMs: number
}

export type SeedLog = (line: string) => void

// one statement per batch: large enough to amortise round trips, small enough to stream
const ROWS_PER_STATEMENT = 5_000

interface Column<Row> {
  readonly name: string
  readonly type: string
  value(row: Row): unknown
}

interface TableInsert {
  readonly table: SeedTableName | 'review_visibility'
  readonly count: number
  readonly statement: string
  batches(): Generator<unknown[][]>
}

function tableInsert<Row>(table: TableInsert['table'], source: SeedTable<Row>, columns: readonly Column<Row>[]): TableInsert {
  const names = columns.map((column) => column.name).join(', ')
  const arrays = columns.map((column, i) => `$${i + 1}::${column.type}[]`).join(', ')
  return {
    table,
    count: source.count,
    statement: `insert into ${table} (${names}) select * from unnest(${arrays})`,
    *batches() {
      for (const rows of chunksOf(source, ROWS_PER_STATEMENT)) {
        yield columns.map((column) => rows.map((row) => column.value(row)))
      }
    },
  }
}

const iso = (date: Date): string => date.toISOString()
const isoOrNull = (date: Date | null): string | null => (date ? date.toISOString() : null)

// the core data set, written in bulk; a service not named here fills its tables with its own hook
function serviceInserts(data: SeedData): Partial<Record<ServiceName, readonly TableInsert[]>> {
  return {
    users: [
      tableInsert('users', data.users, [
        { name: 'id', type: 'uuid', value: (r) => r.id },
        { name: 'username', type: 'text', value: (r) => r.username },
        { name: 'display_name', type: 'text', value: (r) => r.displayName },
        { name: 'avatar_url', type: 'text', value: (r) => r.avatarUrl },
        { name: 'role', type: 'text', value: (r) => r.role },
        { name: 'password_hash', type: 'text', value: (r) => r.passwordHash },
        { name: 'created_at', type: 'timestamptz', value: (r) => iso(r.createdAt) },
        { name: 'updated_at', type: 'timestamptz', value: (r) => iso(r.updatedAt) },
      ]),
    ],
    merchants: [
      tableInsert('merchants', data.merchants, [
        { name: 'id', type: 'uuid', value: (r) => r.id },
        { name: 'owner_id', type: 'uuid', value: (r) => r.ownerId },
        { name: 'name', type: 'text', value: (r) => r.name },
        { name: 'description', type: 'text', value: (r) => r.description },
        { name: 'rating_count', type: 'integer', value: (r) => r.ratingCount },
        { name: 'rating_sum', type: 'bigint', value: (r) => r.ratingSum },
        { name: 'rating_version', type: 'bigint', value: (r) => r.ratingVersion },
        { name: 'created_at', type: 'timestamptz', value: (r) => iso(r.createdAt) },
      ]),
    ],
    catalog: [
      tableInsert('products', data.products, [
        { name: 'id', type: 'uuid', value: (r) => r.id },
        { name: 'merchant_id', type: 'uuid', value: (r) => r.merchantId },
        { name: 'name', type: 'text', value: (r) => r.name },
        { name: 'description', type: 'text', value: (r) => r.description },
        { name: 'price_amount', type: 'integer', value: (r) => r.priceAmount },
        { name: 'price_currency', type: 'text', value: (r) => r.priceCurrency },
        { name: 'rating_count', type: 'integer', value: (r) => r.ratingCount },
        { name: 'rating_sum', type: 'bigint', value: (r) => r.ratingSum },
        { name: 'rating_version', type: 'bigint', value: (r) => r.ratingVersion },
        { name: 'created_at', type: 'timestamptz', value: (r) => iso(r.createdAt) },
      ]),
    ],
    reviews: [
      tableInsert('reviews', data.reviews, [
        { name: 'id', type: 'uuid', value: (r) => r.id },
        { name: 'author_id', type: 'uuid', value: (r) => r.authorId },
        { name: 'subject_type', type: 'text', value: (r) => r.subjectType },
        { name: 'subject_id', type: 'uuid', value: (r) => r.subjectId },
        { name: 'rating', type: 'smallint', value: (r) => r.rating },
        { name: 'body', type: 'text', value: (r) => r.body },
        { name: 'status', type: 'text', value: (r) => r.status },
        { name: 'created_at', type: 'timestamptz', value: (r) => iso(r.createdAt) },
        { name: 'moderated_at', type: 'timestamptz', value: (r) => isoOrNull(r.moderatedAt) },
        { name: 'moderator_id', type: 'uuid', value: (r) => r.moderatorId },
        { name: 'rejection_reason', type: 'text', value: (r) => r.rejectionReason },
      ]),
    ],
    comments: [
      // parents come before their replies, so the self-referencing foreign key holds per statement
      tableInsert('comments', data.comments, [
        { name: 'id', type: 'uuid', value: (r) => r.id },
        { name: 'subject_type', type: 'text', value: (r) => r.subjectType },
        { name: 'subject_id', type: 'uuid', value: (r) => r.subjectId },
        { name: 'parent_id', type: 'uuid', value: (r) => r.parentId },
        { name: 'author_id', type: 'uuid', value: (r) => r.authorId },
        { name: 'body', type: 'text', value: (r) => r.body },
        { name: 'deleted', type: 'boolean', value: (r) => r.deleted },
        { name: 'reply_count', type: 'integer', value: (r) => r.replyCount },
        { name: 'created_at', type: 'timestamptz', value: (r) => iso(r.createdAt) },
        { name: 'edited_at', type: 'timestamptz', value: (r) => isoOrNull(r.editedAt) },
      ]),
      // what the scenarios tell the comments service: a review's discussion is public only while
      // it is PUBLISHED (version 0: any scenario's later decision wins)
      tableInsert('review_visibility', data.reviews, [
        { name: 'review_id', type: 'uuid', value: (r) => r.id },
        { name: 'author_id', type: 'uuid', value: (r) => r.authorId },
        { name: 'visible', type: 'boolean', value: (r) => r.status === 'PUBLISHED' },
        { name: 'version', type: 'bigint', value: () => 0 },
      ]),
    ],
  }
}

/**
 * The seed accounts' password is their username (the contract). Generated users all share ONE
 * hash of `marketplace-dev`, computed once per run: scrypt takes ~100 ms, 100,000 would take hours.
 */
export async function hashSeedPasswords(): Promise<PasswordHashes> {
  const [generatedUsers, ...accountHashes] = await Promise.all([
    hashPassword(GENERATED_USER_PASSWORD),
    ...SEED_ACCOUNTS.map((account) => hashPassword(account.username)),
  ])
  const seedAccounts = Object.fromEntries(SEED_ACCOUNTS.map((account, i) => [account.username, accountHashes[i] as string])) as Record<
    SeedAccountName,
    string
  >
  return { seedAccounts, generatedUsers: generatedUsers as string }
}

async function insertAll(client: pg.Client, insert: TableInsert): Promise<void> {
  // keep one statement in flight while the next batch is built
  let inFlight: Promise<unknown> | undefined
  for (const params of insert.batches()) {
    if (inFlight) await inFlight
    inFlight = client.query(insert.statement, params)
    inFlight.catch(() => undefined) // awaited below; this only marks it handled
  }
  if (inFlight) await inFlight
}

// tables a service derives from what was loaded (kept by its writes afterwards)
const DERIVED: Partial<Record<ServiceName, readonly string[]>> = {
  comments: [
    'truncate subject_comment_counts',
    `insert into subject_comment_counts (subject_type, subject_id, top_level)
       select subject_type, subject_id, count(*) from comments where parent_id is null group by subject_type, subject_id`,
  ],
}

/** A service's own seed hook: `subgraphs/<name>/src/seed.ts` exporting `seed`. */
function seedHookOf(service: ServiceName): SeedHook<unknown> | null {
  const path = join(ROOT, serviceDir(service), 'src', 'seed.ts')
  if (!existsSync(path)) return null
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { seed } = require(path) as { seed?: SeedHook<unknown> }
  if (typeof seed !== 'function') throw new Error(`${serviceDir(service)}/src/seed.ts must export a function \`seed\``)
  return seed
}

const references = (table: SeedData['users'] | SeedData['merchants'] | SeedData['products']) => ({
  count: table.count,
  id: (index: number) => table.row(index).id,
})

async function seedService(
  service: ServiceName,
  url: string,
  inserts: readonly TableInsert[],
  data: SeedData,
  log: SeedLog,
): Promise<void> {
  await ensureDatabaseExists(url)
  const db = createDatabase<unknown>(url, 1)
  try {
    await migrateToLatest(db, migrationsOf(service))
    const hook = seedHookOf(service)
    if (hook) {
      const context: SeedContext<unknown> = {
        db,
        seed: data.options.seed,
        users: references(data.users),
        merchants: references(data.merchants),
        products: references(data.products),
        log: (line) => log(`${service}: ${line}`),
      }
      await hook(context)
    }
  } finally {
    await db.destroy()
  }
  if (inserts.length === 0) return
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    const tables = inserts.map((insert) => insert.table).join(', ')
    await client.query('begin')
    try {
      // a seed can be redone from scratch: no need to wait for the WAL flush
      await client.query('set local synchronous_commit = off')
      await client.query(`truncate ${tables}`)
      for (const insert of inserts) {
        const started = performance.now()
        await insertAll(client, insert)
        log(`${service}: ${insert.count} ${insert.table} in ${Math.round(performance.now() - started)} ms`)
      }
      for (const statement of DERIVED[service] ?? []) await client.query(statement)
      await client.query('commit')
    } catch (err) {
      await client.query('rollback').catch(() => undefined)
      throw err
    }
    await client.query(`analyze ${tables}`)
  } finally {
    await client.end()
  }
}

/** Generates the data set and replaces the contents of every service's database with it. */
export async function seedDatabases(
  options: Partial<SeedOptions> = {},
  env: Env = process.env,
  log: SeedLog = () => undefined,
): Promise<SeedSummary> {
  const started = performance.now()
  const data = generateSeedData(options, await hashSeedPasswords())
  const inserts = serviceInserts(data)
  // separate databases: load them side by side
  await Promise.all(SERVICE_NAMES.map((service) => seedService(service, databaseUrlFor(service, env), inserts[service] ?? [], data, log)))
  return {
    options: data.options,
    counts: {
      users: data.users.count,
      merchants: data.merchants.count,
      products: data.products.count,
      reviews: data.reviews.count,
      comments: data.comments.count,
    },
    elapsedMs: Math.round(performance.now() - started),
  }
}

/** Whether the users database already holds users: false when the database or table is missing. */
export async function isSeeded(env: Env = process.env): Promise<boolean> {
  const client = new pg.Client({ connectionString: databaseUrlFor('users', env) })
  try {
    await client.connect()
  } catch (err) {
    await client.end().catch(() => undefined)
    if ((err as { code?: string }).code === '3D000') return false // invalid_catalog_name: no such database
    throw err
  }
  try {
    const table = await client.query<{ present: boolean }>(`select to_regclass('public.users') is not null as present`)
    if (!table.rows[0]?.present) return false
    const users = await client.query<{ seeded: boolean }>('select exists (select 1 from users) as seeded')
    return users.rows[0]?.seeded === true
  } finally {
    await client.end()
  }
}
