import { sql, type Kysely } from 'kysely'

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('reviews')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('author_id', 'uuid', (c) => c.notNull())
    .addColumn('subject_type', 'text', (c) => c.notNull().check(sql`subject_type in ('PRODUCT', 'MERCHANT')`))
    .addColumn('subject_id', 'uuid', (c) => c.notNull())
    .addColumn('rating', 'smallint', (c) => c.notNull().check(sql`rating between 1 and 5`))
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) =>
      c
        .notNull()
        .defaultTo('PENDING')
        .check(sql`status in ('PENDING', 'PUBLISHED', 'REJECTED')`),
    )
    .addColumn('created_at', sql`timestamptz(3)`, (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('moderated_at', sql`timestamptz(3)`)
    .addColumn('moderator_id', 'uuid')
    .addColumn('rejection_reason', 'text')
    .addUniqueConstraint('reviews_one_per_author_subject', ['author_id', 'subject_type', 'subject_id'])
    .execute()
  await db.schema
    .createIndex('reviews_subject_status_created_idx')
    .on('reviews')
    .columns(['subject_type', 'subject_id', 'status', 'created_at desc', 'id desc'])
    .execute()
  await db.schema.createIndex('reviews_author_created_idx').on('reviews').columns(['author_id', 'created_at desc', 'id desc']).execute()
  await db.schema
    .createIndex('reviews_pending_created_idx')
    .on('reviews')
    .columns(['created_at', 'id'])
    .where(sql.ref('status'), '=', 'PENDING')
    .execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('reviews').execute()
}
