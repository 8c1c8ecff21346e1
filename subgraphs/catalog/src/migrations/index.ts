import type { Migration } from 'kysely'
import * as createProducts from './2026-11-23T00-00_create-products'

export const migrations: Record<string, Migration> = {
  '2026-11-23T00-00_create-products': createProducts,
}
