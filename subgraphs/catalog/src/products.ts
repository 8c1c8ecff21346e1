import type { Kysely } from 'kysely'
import { createTablePageLoader, tablePage, type Connection, type PageRequest } from '@marketplace/service-template'
import type { CatalogDatabase, ProductRow } from './database'

/** A product as stored; its `price` (amount and currency) is nested by the resolver. */
export type Product = ProductRow

/** Products newest first, all of them or one merchant's (merchantId null: all). */
export function productsPage(db: Kysely<CatalogDatabase>, merchantId: string | null, request: PageRequest): Promise<Connection<Product>> {
  const base = () => {
    const query = db.selectFrom('products')
    return merchantId === null ? query : query.where('merchantId', '=', merchantId)
  }
  return tablePage(request, 'newest-first', base)
}

/** Per request: a store's products, newest first; the stores of one level of a query in one query (and one for counts). */
export function productsByMerchantLoader(db: Kysely<CatalogDatabase>, batch = true) {
  return createTablePageLoader<CatalogDatabase, Product>({
    db,
    parent: { merchantId: 'uuid' },
    order: 'newest-first',
    from: () => db.selectFrom('products'),
    batch,
  })
}
