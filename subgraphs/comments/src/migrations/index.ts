import type { Migration } from 'kysely'
import * as createComments from './2026-11-23T00-00_create-comments'

export const migrations: Record<string, Migration> = {
  '2026-11-23T00-00_create-comments': createComments,
}
