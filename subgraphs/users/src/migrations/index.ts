import type { Migration } from 'kysely'
import * as createUsers from './2026-11-23T00-00_create-users'
import * as profileVersion from './2026-11-30T06-00_profile-version'

export const migrations: Record<string, Migration> = {
  '2026-11-23T00-00_create-users': createUsers,
  '2026-11-30T06-00_profile-version': profileVersion,
}
