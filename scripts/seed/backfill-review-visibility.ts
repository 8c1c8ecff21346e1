// One-off, for databases that existed before the comments service kept `review_visibility`: a
// review without a row is hidden (the safe side), so until this runs every review's discussion is
// readable only by its author and moderators. Copies each review's author and whether it is
// PUBLISHED from the reviews database, as version 0: any decision a scenario recorded since wins.
//
//   npx tsx scripts/seed/backfill-review-visibility.ts    (REVIEWS_DATABASE_URL / COMMENTS_DATABASE_URL, or the embedded defaults)
import pg from 'pg'
import { databaseUrlFor, type Env } from '../../packages/service-template/src/config'

const BATCH = 5_000

/** Returns how many reviews were read; rows already present are left as they are. */
export async function backfillReviewVisibility(env: Env = process.env): Promise<number> {
  const reviews = new pg.Client({ connectionString: databaseUrlFor('reviews', env) })
  const comments = new pg.Client({ connectionString: databaseUrlFor('comments', env) })
  await Promise.all([reviews.connect(), comments.connect()])
  try {
    let read = 0
    let after = '00000000-0000-0000-0000-000000000000'
    for (;;) {
      const { rows } = await reviews.query<{ id: string; author_id: string; published: boolean }>(
        `select id, author_id, status = 'PUBLISHED' as published from reviews where id > $1 order by id limit ${BATCH}`,
        [after],
      )
      if (rows.length === 0) return read
      await comments.query(
        `insert into review_visibility (review_id, author_id, visible, version)
         select * from unnest($1::uuid[], $2::uuid[], $3::boolean[], $4::bigint[])
         on conflict (review_id) do nothing`,
        [rows.map((r) => r.id), rows.map((r) => r.author_id), rows.map((r) => r.published), rows.map(() => 0)],
      )
      read += rows.length
      after = rows[rows.length - 1]?.id as string
    }
  } finally {
    await Promise.allSettled([reviews.end(), comments.end()])
  }
}

if (require.main === module) {
  backfillReviewVisibility()
    .then((count) => console.log(`review_visibility: ${count} reviews read`))
    .catch((err: unknown) => {
      console.error(err)
      process.exit(1)
    })
}
