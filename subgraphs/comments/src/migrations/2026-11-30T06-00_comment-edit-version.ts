import { sql, type Kysely } from 'kysely'

export async function up(db: Kysely<unknown>): Promise<void> {
  // Orders edits: an edit is stored only if its version (the editing run's start, in ms) is newer
  // than the stored one, so a late retry of an older edit never overwrites a newer text.
  await db.schema
    .alterTable('comments')
    .addColumn('edit_version', 'bigint', (c) => c.notNull().defaultTo(sql`0`))
    .execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('comments').dropColumn('edit_version').execute()
}
