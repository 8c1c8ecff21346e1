import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely'

export interface ProductTable {
  readonly id: string
  merchant_id: string
  name: string
  description: string | null
  price_amount: number
  price_currency: string
  rating_count: Generated<number>
  // bigint columns arrive as strings from pg
  rating_sum: ColumnType<string, number | string | undefined, number | string>
  rating_version: ColumnType<string, number | string | undefined, number | string>
  readonly created_at: ColumnType<Date, Date | undefined, never>
}

export interface CatalogDatabase {
  products: ProductTable
}

export type ProductRow = Selectable<ProductTable>
export type NewProduct = Insertable<ProductTable>
export type ProductUpdate = Updateable<ProductTable>
