import type { Migration } from 'kysely'
import * as createReviews from './2026-11-23T00-00_create-reviews'
import * as moderationRuns from './2026-11-23T01-00_moderation-runs'

export const migrations: Record<string, Migration> = {
  '2026-11-23T00-00_create-reviews': createReviews,
  '2026-11-23T01-00_moderation-runs': moderationRuns,
}
