import type { Migration } from 'kysely'
import * as createMerchants from './2026-11-23T00-00_create-merchants'

export const migrations: Record<string, Migration> = {
  '2026-11-23T00-00_create-merchants': createMerchants,
}
