import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely'

export type Role = 'CUSTOMER' | 'MERCHANT' | 'MODERATOR' | 'ADMIN'

export interface UserTable {
  readonly id: string
  username: string
  display_name: string | null
  avatar_url: string | null
  role: Role
  password_hash: string
  readonly created_at: ColumnType<Date, Date | undefined, never>
  updated_at: Generated<Date>
  /** the newest profile change's version (its run's start, ms): an older change is not stored; bigint: a string from pg */
  profile_version: ColumnType<string, number | string | undefined, number | string>
}

export interface UsersDatabase {
  users: UserTable
}

export type UserRow = Selectable<UserTable>
export type NewUser = Insertable<UserTable>
export type UserUpdate = Updateable<UserTable>
