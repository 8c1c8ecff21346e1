import type { Kysely } from 'kysely'
import type { Role } from '@marketplace/service-template'
import type { UserRow, UsersDatabase } from './database'

/** A user as the API shows it (never the password hash). */
export interface User {
  readonly id: string
  readonly username: string
  readonly displayName: string | null
  readonly avatarUrl: string | null
  readonly role: Role
  readonly createdAt: Date
}

const PUBLIC_COLUMNS = ['id', 'username', 'display_name', 'avatar_url', 'role', 'created_at'] as const

export function toUser(row: Pick<UserRow, (typeof PUBLIC_COLUMNS)[number]>): User {
  return {
    id: row.id,
    username: row.username,
    displayName: row.display_name,
    avatarUrl: row.avatar_url,
    role: row.role,
    createdAt: row.created_at,
  }
}

export async function usersByIds(db: Kysely<UsersDatabase>, ids: readonly string[]): Promise<User[]> {
  const rows = await db
    .selectFrom('users')
    .select(PUBLIC_COLUMNS)
    .where('id', '=', (eb) => eb.fn.any(eb.val([...ids])))
    .execute()
  return rows.map(toUser)
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
  return row ? toUser(row) : null
}

export async function credentialsByUsername(
  db: Kysely<UsersDatabase>,
  username: string,
): Promise<{ user: User; passwordHash: string } | null> {
  if (!POSSIBLE_USERNAME.test(username)) return null
  const row = await db
    .selectFrom('users')
    .select([...PUBLIC_COLUMNS, 'password_hash'])
    .where((eb) => eb(eb.fn('lower', ['username']), '=', username.toLowerCase()))
    .executeTakeFirst()
  return row ? { user: toUser(row), passwordHash: row.password_hash } : null
}
