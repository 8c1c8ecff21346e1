import { notFound, rules, type ContextDependencies } from '@marketplace/service-template'
import { writeRating, type RatingWrite } from '@marketplace/reviews/src/rating'
import type { CatalogDatabase } from './database'
import { currency, description, priceAmount, productName } from './rules'

export interface NewProductInput {
  readonly id: string
  readonly merchantId: string
  readonly name: string
  readonly description?: string | null
  readonly price: { readonly amount: number; readonly currency: string }
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
        merchantId: rules.id(input.merchantId, 'The store'),
        name: productName(input.name),
        description: input.description == null ? null : description(input.description),
        priceAmount: priceAmount(input.price.amount),
        priceCurrency: currency(input.price.currency),
      }
      await db
        .insertInto('products')
        .values(row)
        .onConflict((oc) => oc.column('id').doNothing())
        .execute()
      return { id: row.id }
    },

    async checkProductExists({ productId }: { productId: string }): Promise<{ id: string }> {
      return existing(productId)
    },

    /** Ignored when a newer version is already stored: a late, stale computation changes nothing. */
    async setProductRating(write: RatingWrite): Promise<{ applied: boolean }> {
      const { id } = await existing(write.id)
      return writeRating(db, 'products', { ...write, id })
    },
  }
}

export type CatalogActivities = ReturnType<typeof createActivities>
