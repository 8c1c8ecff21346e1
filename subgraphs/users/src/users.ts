import type { Kysely } from 'kysely'
import type { UserRow, UsersDatabase } from './database'

const PUBLIC_COLUMNS = ['id', 'username', 'displayName', 'avatarUrl', 'role', 'createdAt'] as const

/** A user as the API shows it (never the password hash). */
export type User = Readonly<Pick<UserRow, (typeof PUBLIC_COLUMNS)[number]>>

export async function usersByIds(db: Kysely<UsersDatabase>, ids: readonly string[]): Promise<User[]> {
  return db
    .selectFrom('users')
    .select(PUBLIC_COLUMNS)
    .where('id', '=', (eb) => eb.fn.any(eb.val([...ids])))
    .execute()
}

// what a stored username can look like: anything else cannot match, and is not sent to SQL
const POSSIBLE_USERNAME = /^[a-z0-9_]{3,32}$/i

export async function userByUsername(db: Kysely<UsersDatabase>, username: string): Promise<User | null> {
  if (!POSSIBLE_USERNAME.test(username)) return null
  const row = await db
    .selectFrom('users')
    .select(PUBLIC_COLUMNS)
    .where((eb) => eb(eb.fn('lower', ['username']), '=', username.toLowerCase()))
    .executeTakeFirst()
  return row ?? null
}

export async function credentialsByUsername(
  db: Kysely<UsersDatabase>,
  username: string,
): Promise<{ user: User; passwordHash: string } | null> {
  if (!POSSIBLE_USERNAME.test(username)) return null
  const row = await db
    .selectFrom('users')
    .select([...PUBLIC_COLUMNS, 'passwordHash'])
    .where((eb) => eb(eb.fn('lower', ['username']), '=', username.toLowerCase()))
    .executeTakeFirst()
  if (!row) return null
  const { passwordHash, ...user } = row
  return { user, passwordHash }
}
