import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely'

export interface MerchantTable {
  readonly id: string
  owner_id: string
  name: string
  description: string | null
  rating_count: Generated<number>
  // bigint columns arrive as strings from pg
  rating_sum: ColumnType<string, number | string | undefined, number | string>
  rating_version: ColumnType<string, number | string | undefined, number | string>
  readonly created_at: ColumnType<Date, Date | undefined, never>
}

export interface MerchantsDatabase {
  merchants: MerchantTable
}

export type MerchantRow = Selectable<MerchantTable>
export type NewMerchant = Insertable<MerchantTable>
export type MerchantUpdate = Updateable<MerchantTable>
