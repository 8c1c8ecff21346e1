import type { Kysely } from 'kysely'
import { tablePage, type Connection, type PageRequest } from '@marketplace/service-template'
import type { MerchantRow, MerchantsDatabase } from './database'

export interface Merchant {
  readonly id: string
  readonly ownerId: string
  readonly name: string
  readonly description: string | null
  readonly ratingCount: number
  readonly ratingSum: number
  readonly createdAt: Date
}

export function toMerchant(row: MerchantRow): Merchant {
  return {
    id: row.id,
    ownerId: row.owner_id,
    name: row.name,
    description: row.description,
    ratingCount: row.rating_count,
    ratingSum: Number(row.rating_sum),
    createdAt: row.created_at,
  }
}

export async function merchantsByIds(db: Kysely<MerchantsDatabase>, ids: readonly string[]): Promise<Merchant[]> {
  const rows = await db
    .selectFrom('merchants')
    .selectAll()
    .where('id', '=', (eb) => eb.fn.any(eb.val([...ids])))
    .execute()
  return rows.map(toMerchant)
}

export async function merchantsByOwners(db: Kysely<MerchantsDatabase>, ownerIds: readonly string[]): Promise<Map<string, Merchant[]>> {
  const rows = await db
    .selectFrom('merchants')
    .selectAll()
    .where('owner_id', '=', (eb) => eb.fn.any(eb.val([...ownerIds])))
    .orderBy('created_at')
    .orderBy('id')
    .execute()
  const byOwner = new Map<string, Merchant[]>()
  for (const row of rows) {
    const list = byOwner.get(row.owner_id) ?? []
    list.push(toMerchant(row))
    byOwner.set(row.owner_id, list)
  }
  return byOwner
}

export function merchantsPage(db: Kysely<MerchantsDatabase>, request: PageRequest): Promise<Connection<Merchant>> {
  return tablePage(request, 'newest-first', () => db.selectFrom('merchants'), toMerchant)
}
