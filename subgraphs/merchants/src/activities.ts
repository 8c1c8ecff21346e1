import { forbidden, notFound, rules, type ContextDependencies } from '@marketplace/service-template'
import { writeRating, type RatingWrite } from '@marketplace/reviews/src/rating'
import type { MerchantsDatabase } from './database'
import { description, merchantName } from './rules'

export interface NewMerchantInput {
  readonly id: string
  readonly ownerId: string
  readonly name: string
  readonly description?: string | null
}

/** The merchants service's writes and checks, run by scenarios on the `merchants` task queue. */
export function createActivities({ db }: ContextDependencies<MerchantsDatabase>) {
  const existing = async (merchantId: string) => {
    const merchant = await db
      .selectFrom('merchants')
      .select(['id', 'ownerId'])
      .where('id', '=', rules.id(merchantId, 'The store'))
      .executeTakeFirst()
    if (!merchant) throw notFound('The store')
    return merchant
  }
  return {
    async createMerchant(input: NewMerchantInput): Promise<{ id: string }> {
      const row = {
        id: rules.id(input.id, 'The store'),
        ownerId: rules.id(input.ownerId, 'The owner'),
        name: merchantName(input.name),
        description: input.description == null ? null : description(input.description),
      }
      await db
        .insertInto('merchants')
        .values(row)
        .onConflict((oc) => oc.column('id').doNothing())
        .execute()
      return { id: row.id }
    },

    /** Compensation of createMerchant. */
    async deleteMerchant({ merchantId }: { merchantId: string }): Promise<void> {
      await db.deleteFrom('merchants').where('id', '=', rules.id(merchantId, 'The store')).execute()
    },

    async checkMerchantExists({ merchantId }: { merchantId: string }): Promise<{ id: string }> {
      return { id: (await existing(merchantId)).id }
    },

    async checkMerchantOwner({ merchantId, userId }: { merchantId: string; userId: string }): Promise<{ id: string }> {
      const merchant = await existing(merchantId)
      if (merchant.ownerId !== userId) throw forbidden('Only the owner of this store can add products to it.')
      return { id: merchant.id }
    },

    /** Ignored when a newer version is already stored: a late, stale computation changes nothing. */
    async setMerchantRating(write: RatingWrite): Promise<{ applied: boolean }> {
      const { id } = await existing(write.id)
      return writeRating(db, 'merchants', { ...write, id })
    },
  }
}

export type MerchantsActivities = ReturnType<typeof createActivities>
