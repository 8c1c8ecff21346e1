import type { ColumnType, Insertable, Selectable, Updateable } from 'kysely'
import type { RatingColumns } from '@marketplace/reviews/src/rating'

// the rating columns: a versioned copy of the reviews service's statistics, written by the moderation scenario
export interface MerchantTable extends RatingColumns {
  readonly id: string
  ownerId: string
  name: string
  description: string | null
  readonly createdAt: ColumnType<Date, Date | undefined, never>
}

export interface MerchantsDatabase {
  merchants: MerchantTable
}

export type MerchantRow = Selectable<MerchantTable>
export type NewMerchant = Insertable<MerchantTable>
export type MerchantUpdate = Updateable<MerchantTable>
