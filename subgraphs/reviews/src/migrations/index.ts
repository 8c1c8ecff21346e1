import type { Migration } from 'kysely'
import * as createReviews from './2026-11-23T00-00_create-reviews'

export const migrations: Record<string, Migration> = {
  '2026-11-23T00-00_create-reviews': createReviews,
}
