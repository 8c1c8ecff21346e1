import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely'

export type Role = 'CUSTOMER' | 'MERCHANT' | 'MODERATOR' | 'ADMIN'

export interface UserTable {
  readonly id: string
  username: string
  displayName: string | null
  avatarUrl: string | null
  role: Role
  passwordHash: string
  readonly createdAt: ColumnType<Date, Date | undefined, never>
  updatedAt: Generated<Date>
  /** the newest profile change's version (its run's start, ms): an older change is not stored; bigint: a string from pg */
  profileVersion: ColumnType<string, number | string | undefined, number | string>
}

export interface UsersDatabase {
  users: UserTable
}

export type UserRow = Selectable<UserTable>
export type NewUser = Insertable<UserTable>
export type UserUpdate = Updateable<UserTable>
