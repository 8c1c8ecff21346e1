import { sql, type Kysely } from 'kysely'

export async function up(db: Kysely<unknown>): Promise<void> {
  // the scenario run that last moderated the review: a retried activity of the same run is a no-op,
  // another run finds the review already moderated (CONFLICT)
  await db.schema.alterTable('reviews').addColumn('moderation_run_id', 'text').execute()
  // bumped in the same transaction as every publish/unpublish: ratings computed later carry a
  // higher version, so a stale computation can never overwrite a newer one downstream
  await db.schema
    .createTable('subject_versions')
    .addColumn('subject_type', 'text', (c) => c.notNull())
    .addColumn('subject_id', 'uuid', (c) => c.notNull())
    .addColumn('version', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('subject_versions_pkey', ['subject_type', 'subject_id'])
    .execute()
  // what a moderator is told about: e.g. a publication undone because the rating never updated
  await db.schema
    .createTable('moderation_events')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('review_id', 'uuid', (c) => c.notNull())
    .addColumn('run_id', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('moderator_id', 'uuid')
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('created_at', sql`timestamptz(3)`, (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('moderation_events_once_per_run', ['run_id', 'kind'])
    .execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('moderation_events').execute()
  await db.schema.dropTable('subject_versions').execute()
  await db.schema.alterTable('reviews').dropColumn('moderation_run_id').execute()
}
