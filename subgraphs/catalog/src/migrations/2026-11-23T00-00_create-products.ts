import { sql, type Kysely } from 'kysely'

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('products')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('merchant_id', 'uuid', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('description', 'text')
    .addColumn('price_amount', 'integer', (c) => c.notNull().check(sql`price_amount >= 0`))
    .addColumn('price_currency', 'text', (c) => c.notNull().check(sql`price_currency ~ '^[A-Z]{3}$'`))
    // see merchants: a versioned copy of the reviews service's statistics
    .addColumn('rating_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('rating_sum', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('rating_version', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', sql`timestamptz(3)`, (c) => c.notNull().defaultTo(sql`now()`))
    .execute()
  await db.schema.createIndex('products_created_at_id_idx').on('products').columns(['created_at desc', 'id desc']).execute()
  await db.schema
    .createIndex('products_merchant_created_at_id_idx')
    .on('products')
    .columns(['merchant_id', 'created_at desc', 'id desc'])
    .execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('products').execute()
}
