import type { Migration } from 'kysely'
import * as createUsers from './2026-11-23T00-00_create-users'

export const migrations: Record<string, Migration> = {
  '2026-11-23T00-00_create-users': createUsers,
}
