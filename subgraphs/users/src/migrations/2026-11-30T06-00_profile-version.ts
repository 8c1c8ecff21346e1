import { sql, type Kysely } from 'kysely'

export async function up(db: Kysely<unknown>): Promise<void> {
  // Orders profile changes: a change is stored only if its version (the updating run's start, in
  // ms) is newer than the stored one, so a late retry of an older change never undoes a newer one.
  await db.schema
    .alterTable('users')
    .addColumn('profile_version', 'bigint', (c) => c.notNull().defaultTo(sql`0`))
    .execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('users').dropColumn('profile_version').execute()
}
