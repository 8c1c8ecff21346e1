import { notFound, rules, type ContextDependencies } from '@marketplace/service-template'
import type { CatalogDatabase } from './database'

export interface NewProductInput {
  readonly id: string
  readonly merchantId: string
  readonly name: string
  readonly description?: string | null
  readonly price: { readonly amount: number; readonly currency: string }
}

export interface RatingWrite {
  readonly id: string
  readonly count: number
  readonly sum: number
  /** the reviews service's version of the subject's statistics */
  readonly version: number
}

/** The catalog service's writes and checks, run by scenarios on the `catalog` task queue. */
export function createActivities({ db }: ContextDependencies<CatalogDatabase>) {
  const existing = async (productId: string) => {
    const product = await db.selectFrom('products').select('id').where('id', '=', rules.id(productId, 'The product')).executeTakeFirst()
    if (!product) throw notFound('The product')
    return product
  }
  return {
    async createProduct(input: NewProductInput): Promise<{ id: string }> {
      const row = {
        id: rules.id(input.id, 'The product'),
        merchant_id: rules.id(input.merchantId, 'The store'),
        name: rules.productName(input.name),
        description: input.description == null ? null : rules.description(input.description),
        price_amount: rules.priceAmount(input.price.amount),
        price_currency: rules.currency(input.price.currency),
      }
      await db.insertInto('products').values(row).onConflict((oc) => oc.column('id').doNothing()).execute()
      return { id: row.id }
    },

    async checkProductExists({ productId }: { productId: string }): Promise<{ id: string }> {
      return existing(productId)
    },

    /** Ignored when a newer version is already stored: a late, stale computation changes nothing. */
    async setProductRating(write: RatingWrite): Promise<{ applied: boolean }> {
      const product = await existing(write.id)
      const result = await db
        .updateTable('products')
        .set({ rating_count: write.count, rating_sum: write.sum, rating_version: write.version })
        .where('id', '=', product.id)
        .where('rating_version', '<', String(write.version))
        .executeTakeFirst()
      return { applied: result.numUpdatedRows > 0n }
    },
  }
}

export type CatalogActivities = ReturnType<typeof createActivities>
