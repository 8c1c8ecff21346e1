import type { Kysely } from 'kysely'
import { createTablePageLoader, tablePage, type Connection, type PageRequest } from '@marketplace/service-template'
import type { CatalogDatabase, ProductRow } from './database'

export interface Product {
  readonly id: string
  readonly merchantId: string
  readonly name: string
  readonly description: string | null
  readonly price: { readonly amount: number; readonly currency: string }
  readonly ratingCount: number
  readonly ratingSum: number
  readonly createdAt: Date
}

export function toProduct(row: ProductRow): Product {
  return {
    id: row.id,
    merchantId: row.merchant_id,
    name: row.name,
    description: row.description,
    price: { amount: row.price_amount, currency: row.price_currency },
    ratingCount: row.rating_count,
    ratingSum: Number(row.rating_sum),
    createdAt: row.created_at,
  }
}

export async function productsByIds(db: Kysely<CatalogDatabase>, ids: readonly string[]): Promise<Product[]> {
  const rows = await db
    .selectFrom('products')
    .selectAll()
    .where('id', '=', (eb) => eb.fn.any(eb.val([...ids])))
    .execute()
  return rows.map(toProduct)
}

/** Products newest first, all of them or one merchant's (merchantId null: all). */
export function productsPage(db: Kysely<CatalogDatabase>, merchantId: string | null, request: PageRequest): Promise<Connection<Product>> {
  const base = () => {
    const query = db.selectFrom('products')
    return merchantId === null ? query : query.where('merchant_id', '=', merchantId)
  }
  return tablePage(request, 'newest-first', base, toProduct)
}

/** Per request: a store's products, newest first; the stores of one level of a query in one query (and one for counts). */
export function productsByMerchantLoader(db: Kysely<CatalogDatabase>, batch = true) {
  return createTablePageLoader<CatalogDatabase, ProductRow, Product>({
    db,
    parent: { merchant_id: 'uuid' },
    order: 'newest-first',
    from: () => db.selectFrom('products'),
    toNode: toProduct,
    batch,
  })
}
