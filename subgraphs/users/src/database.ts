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
}

export interface UsersDatabase {
  users: UserTable
}

export type UserRow = Selectable<UserTable>
export type NewUser = Insertable<UserTable>
export type UserUpdate = Updateable<UserTable>
