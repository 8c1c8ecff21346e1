import { sql, type Kysely } from 'kysely'

/** SQL that rebuilds the counts from the comments themselves (the seed runs it after a bulk load). */
export const REBUILD_COUNTS = sql`
  insert into subject_comment_counts (subject_type, subject_id, top_level)
  select subject_type, subject_id, count(*) from comments where parent_id is null group by subject_type, subject_id
  on conflict (subject_type, subject_id) do update set top_level = excluded.top_level`

export async function up(db: Kysely<unknown>): Promise<void> {
  // the comments page's totalCount, kept by the write that adds a top-level comment: counting a
  // popular subject's thousands of rows on every page read is what this avoids
  await db.schema
    .createTable('subject_comment_counts')
    .addColumn('subject_type', 'text', (c) => c.notNull())
    .addColumn('subject_id', 'uuid', (c) => c.notNull())
    .addColumn('top_level', 'integer', (c) => c.notNull().defaultTo(0))
    .addPrimaryKeyConstraint('subject_comment_counts_pkey', ['subject_type', 'subject_id'])
    .execute()
  await REBUILD_COUNTS.execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('subject_comment_counts').execute()
}
