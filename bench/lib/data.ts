// The benchmark's data: an embedded Postgres in its own folder, seeded once per set of seed
// options, and what the load reads from it (subjects, page cursors, comment authors, writers).
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import pg from 'pg'
import { databaseUrlFor, SERVICE_NAMES, type ServiceName } from '../../packages/service-template/src/config'
import { createDatabase, migrateToLatest } from '../../packages/service-template/src/database'
import { encodeCursor } from '../../packages/service-template/src/pagination'
import { freePort } from '../../scripts/lib/ports'
import { startEmbeddedPostgres, type EmbeddedPostgresHandle } from '../../scripts/lib/postgres'
import { migrationsOf } from '../../scripts/lib/services'
import { resolveSeedOptions, type SeedOptions } from '../../scripts/seed/options'
import { isSeeded, seedDatabases } from '../../scripts/seed/write'

/** The full benchmark's data set: ≥100,000 users, ≥1,000,000 comments over ~97,000 subjects. */
export const BENCH_SEED: Partial<SeedOptions> = {
  users: 100_000,
  comments: 1_000_000,
  products: 20_000,
  merchants: 2_000,
  reviews: 200_000,
}
/** The smoke test's: the seed's defaults (200 users, 3,000 comments). */
export const SMOKE_SEED: Partial<SeedOptions> = {}

const MARKER = 'seed.json'

export interface BenchDatabase {
  readonly port: number
  readonly urls: Readonly<Record<ServiceName, string>>
  readonly env: NodeJS.ProcessEnv
  readonly seed: SeedOptions
  /** whether this invocation seeded (rather than reused the data) */
  readonly seeded: boolean
  readonly seedMs: number
  /** the postmaster's pid, for CPU and memory of the whole Postgres */
  postmasterPid(): Promise<number | null>
  stop(): Promise<void>
}

/** Starts the embedded Postgres of `dataDir` on a free port; seeds when the marker's options differ. */
export async function openBenchDatabase(
  dataDir: string,
  seedOptions: Partial<SeedOptions>,
  log: (line: string) => void,
  pgLog: (line: string) => void,
): Promise<BenchDatabase> {
  await mkdir(dataDir, { recursive: true })
  const port = await freePort()
  const pgDir = join(dataDir, 'postgres')
  const postgres: EmbeddedPostgresHandle = await startEmbeddedPostgres(pgDir, port, { log: pgLog })
  try {
    const env: NodeJS.ProcessEnv = { ...process.env, EMBEDDED_PG_PORT: String(port) }
    for (const service of SERVICE_NAMES) delete env[`${service.toUpperCase()}_DATABASE_URL`]
    const urls = Object.fromEntries(SERVICE_NAMES.map((s) => [s, databaseUrlFor(s, env)])) as Record<ServiceName, string>
    const wanted = resolveSeedOptions(seedOptions)
    const markerPath = join(dataDir, MARKER)
    const marker = await readFile(markerPath, 'utf8').then(
      (text) => JSON.parse(text) as { options?: SeedOptions },
      () => null,
    )
    const same = marker?.options !== undefined && JSON.stringify(marker.options) === JSON.stringify(wanted)
    let seeded = false
    let seedMs = 0
    if (same && (await isSeeded(env))) {
      // the data is there; bring the schemas up to date in case a migration was added since
      for (const service of SERVICE_NAMES) {
        const db = createDatabase<unknown>(urls[service], 1)
        try {
          await migrateToLatest(db, migrationsOf(service))
        } finally {
          await db.destroy()
        }
      }
      log(`data: reusing ${dataDir} (seed ${describeSeed(wanted)})`)
    } else {
      log(`data: seeding ${dataDir} with ${describeSeed(wanted)} (once; about a minute for the full data set)…`)
      await rm(markerPath, { force: true }) // an interrupted seed is redone
      const summary = await seedDatabases(wanted, env, (line) => log(`  ${line}`))
      await writeFile(
        markerPath,
        JSON.stringify({ options: wanted, counts: summary.counts, seededAt: new Date().toISOString() }, null, 2) + '\n',
      )
      seeded = true
      seedMs = summary.elapsedMs
      log(`data: seeded in ${(summary.elapsedMs / 1000).toFixed(1)} s`)
    }
    return {
      port,
      urls,
      env,
      seed: wanted,
      seeded,
      seedMs,
      async postmasterPid() {
        const text = await readFile(join(pgDir, 'postmaster.pid'), 'utf8').catch(() => '')
        const pid = Number(text.split('\n')[0])
        return Number.isInteger(pid) && pid > 0 ? pid : null
      },
      stop: () => postgres.stop(),
    }
  } catch (err) {
    await postgres.stop().catch(() => undefined)
    throw err
  }
}

export function describeSeed(options: SeedOptions): string {
  return `${options.users} users, ${options.comments} comments, ${options.products} products, ${options.merchants} merchants, ${options.reviews} reviews, seed ${options.seed}`
}

export type SubjectType = 'PRODUCT' | 'MERCHANT' | 'REVIEW'

export const PAGE_SIZE = 10
export const PAGES_PER_SUBJECT = 10

export interface Subject {
  readonly type: SubjectType
  readonly id: string
  readonly topLevel: number
  /** `after` of page k (page 0: null), for the first min(10, pages) pages */
  readonly cursors: readonly (string | null)[]
  /** author ids of each of those pages, in page order (only when asked for) */
  readonly authors?: readonly (readonly string[])[]
}

/** The number of edges page `page` (0-based) of a subject with `topLevel` comments shows. */
export const expectedEdges = (topLevel: number, page: number): number => Math.max(0, Math.min(PAGE_SIZE, topLevel - page * PAGE_SIZE))

/**
 * The `limit` subjects with the most top-level comments, most first (rank 0 is the hottest), each
 * with the cursors of its first `pagesPerSubject` (default 10) pages: the cursor of page k is encodeCursor of the last comment
 * of page k-1 in the page's order (created_at desc, id desc). With `withAuthors`, also the
 * authors of every comment on those pages.
 */
export async function loadSubjects(
  commentsUrl: string,
  limit: number,
  withAuthors: boolean,
  pagesPerSubject = PAGES_PER_SUBJECT,
): Promise<Subject[]> {
  const client = new pg.Client({ connectionString: commentsUrl })
  await client.connect()
  try {
    const top = await client.query<{ subject_type: SubjectType; subject_id: string; n: number }>(
      `select subject_type, subject_id, count(*)::int as n
         from comments where parent_id is null
        group by subject_type, subject_id
        order by n desc, subject_type, subject_id
        limit $1`,
      [limit],
    )
    // per subject, its first 100 top-level comments in page order, straight from the page index
    const rows = await client.query<{
      subject_type: SubjectType
      subject_id: string
      rn: number
      created_at: Date
      id: string
      author_id: string
    }>(
      `select t.subject_type, t.subject_id::text, c.rn, c.created_at, c.id::text, c.author_id::text
         from unnest($1::text[], $2::uuid[]) as t(subject_type, subject_id)
        cross join lateral (
          select x.created_at, x.id, x.author_id, (row_number() over (order by x.created_at desc, x.id desc))::int as rn
            from (select created_at, id, author_id from comments
                   where subject_type = t.subject_type and subject_id = t.subject_id and parent_id is null
                   order by created_at desc, id desc
                   limit $3) x
        ) c
        ${withAuthors ? '' : `where c.rn % ${PAGE_SIZE} = 0`}`,
      [top.rows.map((r) => r.subject_type), top.rows.map((r) => r.subject_id), PAGE_SIZE * pagesPerSubject],
    )
    const bySubject = new Map<string, typeof rows.rows>()
    for (const row of rows.rows) {
      const key = `${row.subject_type}:${row.subject_id}`
      const list = bySubject.get(key)
      if (list) list.push(row)
      else bySubject.set(key, [row])
    }
    return top.rows.map((t) => {
      const ranked = (bySubject.get(`${t.subject_type}:${t.subject_id}`) ?? []).sort((a, b) => a.rn - b.rn)
      const byRank = new Map(ranked.map((r) => [r.rn, r]))
      const pages = Math.min(pagesPerSubject, Math.ceil(t.n / PAGE_SIZE))
      const cursors: (string | null)[] = [null]
      for (let k = 1; k < pages; k++) {
        const last = byRank.get(k * PAGE_SIZE)
        if (!last) throw new Error(`subject ${t.subject_type}:${t.subject_id} has no comment at rank ${k * PAGE_SIZE}`)
        cursors.push(encodeCursor({ createdAt: last.created_at, id: last.id }))
      }
      const authors = withAuthors
        ? cursors.map((_, k) => ranked.filter((r) => r.rn > k * PAGE_SIZE && r.rn <= (k + 1) * PAGE_SIZE).map((r) => r.author_id))
        : undefined
      return { type: t.subject_type, id: t.subject_id, topLevel: t.n, cursors, ...(authors ? { authors } : {}) }
    })
  } finally {
    await client.end()
  }
}

export interface Writer {
  readonly userId: string
  readonly username: string
  readonly updatedAt: Date
  /** a page (never the first: later pages do not move when comments are posted) showing a comment of theirs */
  readonly page: { readonly subject: Subject; readonly pageIndex: number }
}

/**
 * Generated users (password "marketplace-dev") who authored a comment on page ≥ 2 of one of the
 * subjects: they post comments, and change their usernames, during --mix.
 */
export async function loadWriters(usersUrl: string, subjects: readonly Subject[], count: number): Promise<Writer[]> {
  const candidates: { userId: string; subject: Subject; pageIndex: number }[] = []
  const seen = new Set<string>()
  for (const subject of subjects) {
    const pages = subject.authors ?? []
    for (let k = 1; k < pages.length; k++) {
      for (const userId of pages[k] ?? []) {
        if (seen.has(userId)) continue
        seen.add(userId)
        candidates.push({ userId, subject, pageIndex: k })
      }
    }
    if (candidates.length >= count * 20) break
  }
  const client = new pg.Client({ connectionString: usersUrl })
  await client.connect()
  try {
    // the seed accounts' passwords are their usernames: keep to the generated users
    const found = await client.query<{ id: string; username: string; updated_at: Date }>(
      `select id::text, username, updated_at from users where id = any($1::uuid[]) and username not in ('admin', 'moderator', 'alice', 'bob', 'mallory')`,
      [candidates.map((c) => c.userId)],
    )
    const users = new Map(found.rows.map((r) => [r.id, r]))
    return candidates.slice(0, count).flatMap((c) => {
      const user = users.get(c.userId)
      return user
        ? [{ userId: c.userId, username: user.username, updatedAt: user.updated_at, page: { subject: c.subject, pageIndex: c.pageIndex } }]
        : []
    })
  } finally {
    await client.end()
  }
}

/** Undoes what --mix wrote: the comments it posted, the usernames it changed. */
export async function undoMixWrites(
  urls: Readonly<Record<ServiceName, string>>,
  commentIds: readonly string[],
  usernames: ReadonlyMap<string, { readonly username: string; readonly updatedAt: Date }>,
): Promise<void> {
  if (commentIds.length > 0) {
    const comments = new pg.Client({ connectionString: urls.comments })
    await comments.connect()
    try {
      await comments.query('begin')
      // replies first (they reference their parent); the benchmark replies only to its own comments
      await comments.query('delete from comments where id = any($1::uuid[]) and parent_id is not null', [[...commentIds]])
      const gone = await comments.query<{ subject_type: string; subject_id: string; n: number }>(
        `with gone as (delete from comments where id = any($1::uuid[]) and parent_id is null returning subject_type, subject_id)
         select subject_type, subject_id::text, count(*)::int as n from gone group by subject_type, subject_id`,
        [[...commentIds]],
      )
      // a count the comments service keeps per subject, when its schema has one
      const counts = await comments.query<{ present: boolean }>(
        `select to_regclass('public.subject_comment_counts') is not null as present`,
      )
      if (counts.rows[0]?.present) {
        for (const row of gone.rows) {
          await comments.query('update subject_comment_counts set top_level = top_level - $3 where subject_type = $1 and subject_id = $2', [
            row.subject_type,
            row.subject_id,
            row.n,
          ])
        }
      }
      await comments.query('commit')
    } catch (err) {
      await comments.query('rollback').catch(() => undefined)
      throw err
    } finally {
      await comments.end()
    }
  }
  if (usernames.size > 0) {
    const users = new pg.Client({ connectionString: urls.users })
    await users.connect()
    try {
      await users.query('begin')
      // two steps, so that swapping names between users never collides
      await users.query(`update users set username = 'bench_tmp_' || replace(id::text, '-', '') where id = any($1::uuid[])`, [
        [...usernames.keys()],
      ])
      for (const [id, { username, updatedAt }] of usernames)
        await users.query('update users set username = $2, updated_at = $3 where id = $1', [id, username, updatedAt])
      await users.query('commit')
    } catch (err) {
      await users.query('rollback').catch(() => undefined)
      throw err
    } finally {
      await users.end()
    }
  }
}

/** A product's rating as the seed left it, and the reviews service's version for it. */
export interface RatingSnapshot {
  readonly productId: string
  readonly ratingCount: number
  readonly ratingSum: string
  readonly ratingVersion: string
  /** subject_versions.version in the reviews database, null when it had no row */
  readonly subjectVersion: string | null
}

/**
 * The (author, product) pairs among `authorIds` × `productIds` that already have a review (the seed's
 * or a run's left over): one review per author and subject, so a writer must not submit another.
 * Keys are `${authorId}:${productId}`.
 */
export async function loadReviewed(reviewsUrl: string, authorIds: readonly string[], productIds: readonly string[]): Promise<Set<string>> {
  if (authorIds.length === 0 || productIds.length === 0) return new Set()
  const client = new pg.Client({ connectionString: reviewsUrl })
  await client.connect()
  try {
    const rows = await client.query<{ author_id: string; subject_id: string }>(
      `select author_id, subject_id from reviews where subject_type = 'PRODUCT' and subject_id = any($1::uuid[]) and author_id = any($2::uuid[])`,
      [[...productIds], [...authorIds]],
    )
    return new Set(rows.rows.map((r) => `${r.author_id}:${r.subject_id}`))
  } finally {
    await client.end()
  }
}

/** Reads what a review of `productId` may change, so that it can be put back afterwards. */
export async function snapshotRating(urls: Readonly<Record<ServiceName, string>>, productId: string): Promise<RatingSnapshot> {
  const catalog = new pg.Client({ connectionString: urls.catalog })
  const reviews = new pg.Client({ connectionString: urls.reviews })
  await Promise.all([catalog.connect(), reviews.connect()])
  try {
    const product = await catalog.query<{ rating_count: number; rating_sum: string; rating_version: string }>(
      'select rating_count, rating_sum::text, rating_version::text from products where id = $1',
      [productId],
    )
    const row = product.rows[0]
    if (!row) throw new Error(`product ${productId} does not exist`)
    const version = await reviews.query<{ version: string }>(
      `select version::text from subject_versions where subject_type = 'PRODUCT' and subject_id = $1`,
      [productId],
    )
    return {
      productId,
      ratingCount: row.rating_count,
      ratingSum: row.rating_sum,
      ratingVersion: row.rating_version,
      subjectVersion: version.rows[0]?.version ?? null,
    }
  } finally {
    await Promise.all([catalog.end(), reviews.end()])
  }
}

/** Undoes the benchmark's reviews: deletes them (and their moderation events) and puts the products' ratings back. */
export async function undoReviewWrites(
  urls: Readonly<Record<ServiceName, string>>,
  reviewIds: readonly string[],
  ratings: readonly RatingSnapshot[],
): Promise<void> {
  if (reviewIds.length === 0 && ratings.length === 0) return
  const reviews = new pg.Client({ connectionString: urls.reviews })
  const catalog = new pg.Client({ connectionString: urls.catalog })
  await Promise.all([reviews.connect(), catalog.connect()])
  try {
    await reviews.query('begin')
    await reviews.query('delete from moderation_events where review_id = any($1::uuid[])', [[...reviewIds]])
    await reviews.query('delete from reviews where id = any($1::uuid[])', [[...reviewIds]])
    for (const r of ratings) {
      if (r.subjectVersion === null)
        await reviews.query(`delete from subject_versions where subject_type = 'PRODUCT' and subject_id = $1`, [r.productId])
      else
        await reviews.query(`update subject_versions set version = $2 where subject_type = 'PRODUCT' and subject_id = $1`, [
          r.productId,
          r.subjectVersion,
        ])
    }
    await reviews.query('commit')
    for (const r of ratings)
      await catalog.query('update products set rating_count = $2, rating_sum = $3, rating_version = $4 where id = $1', [
        r.productId,
        r.ratingCount,
        r.ratingSum,
        r.ratingVersion,
      ])
  } catch (err) {
    await reviews.query('rollback').catch(() => undefined)
    throw err
  } finally {
    await Promise.all([reviews.end(), catalog.end()])
  }
}

/** `count` product ids, spread over the catalog (the steady load's reviews are about them). */
export async function loadProducts(catalogUrl: string, count: number): Promise<string[]> {
  const client = new pg.Client({ connectionString: catalogUrl })
  await client.connect()
  try {
    const rows = await client.query<{ id: string }>('select id::text from products order by md5(id::text) limit $1', [count])
    return rows.rows.map((r) => r.id)
  } finally {
    await client.end()
  }
}
