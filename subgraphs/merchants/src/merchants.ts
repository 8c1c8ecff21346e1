import type { Kysely } from 'kysely'
import { tablePage, type Connection, type PageRequest } from '@marketplace/service-template'
import type { MerchantRow, MerchantsDatabase } from './database'

/** A store as stored (ratingSum is a bigint's string: ratingSummary converts it). */
export type Merchant = MerchantRow

export async function merchantsByOwners(db: Kysely<MerchantsDatabase>, ownerIds: readonly string[]): Promise<Map<string, Merchant[]>> {
  const rows = await db
    .selectFrom('merchants')
    .selectAll()
    .where('ownerId', '=', (eb) => eb.fn.any(eb.val([...ownerIds])))
    .orderBy('createdAt')
    .orderBy('id')
    .execute()
  const byOwner = new Map<string, Merchant[]>()
  for (const row of rows) {
    const list = byOwner.get(row.ownerId) ?? []
    list.push(row)
    byOwner.set(row.ownerId, list)
  }
  return byOwner
}

export function merchantsPage(db: Kysely<MerchantsDatabase>, request: PageRequest): Promise<Connection<Merchant>> {
  return tablePage(request, 'newest-first', () => db.selectFrom('merchants'))
}
