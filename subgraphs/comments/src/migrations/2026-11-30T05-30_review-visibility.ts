import type { Kysely } from 'kysely'

export async function up(db: Kysely<unknown>): Promise<void> {
  // Whether a review's discussion is public, as the scenarios tell this service (it never asks the
  // reviews service): written when a review is submitted (hidden), published (visible) and
  // unpublished (hidden). `version` orders the writes: a late, older write is ignored. A review
  // without a row is hidden.
  await db.schema
    .createTable('review_visibility')
    .addColumn('review_id', 'uuid', (c) => c.primaryKey())
    .addColumn('author_id', 'uuid')
    .addColumn('visible', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('version', 'bigint', (c) => c.notNull().defaultTo(0))
    .execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('review_visibility').execute()
}
