import { sql, type Kysely } from 'kysely'
// created_at is timestamptz(3): millisecond precision, so the keyset cursors (JS Dates) compare exactly

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('comments')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('subject_type', 'text', (c) => c.notNull().check(sql`subject_type in ('PRODUCT', 'MERCHANT', 'REVIEW')`))
    .addColumn('subject_id', 'uuid', (c) => c.notNull())
    .addColumn('parent_id', 'uuid', (c) => c.references('comments.id'))
    .addColumn('author_id', 'uuid', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('deleted', 'boolean', (c) => c.notNull().defaultTo(false))
    // kept by the writes that add replies, so a page never counts them row by row
    .addColumn('reply_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', sql`timestamptz(3)`, (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('edited_at', sql`timestamptz(3)`)
    .execute()
  // the comments page: top-level comments of one subject, newest first
  await db.schema
    .createIndex('comments_subject_page_idx')
    .on('comments')
    .columns(['subject_type', 'subject_id', 'created_at desc', 'id desc'])
    .where(sql.ref('parent_id'), 'is', null)
    .execute()
  await db.schema
    .createIndex('comments_replies_idx')
    .on('comments')
    .columns(['parent_id', 'created_at', 'id'])
    .where(sql.ref('parent_id'), 'is not', null)
    .execute()
  await db.schema.createIndex('comments_author_idx').on('comments').columns(['author_id', 'created_at desc', 'id desc']).execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('comments').execute()
}
