import type { ColumnType, Insertable, Selectable, Updateable } from 'kysely'
import type { RatingColumns } from '@marketplace/reviews/src/rating'

// rating_*: a versioned copy of the reviews service's statistics, written by the moderation scenario
export interface ProductTable extends RatingColumns {
  readonly id: string
  merchant_id: string
  name: string
  description: string | null
  price_amount: number
  price_currency: string
  readonly created_at: ColumnType<Date, Date | undefined, never>
}

export interface CatalogDatabase {
  products: ProductTable
}

export type ProductRow = Selectable<ProductTable>
export type NewProduct = Insertable<ProductTable>
export type ProductUpdate = Updateable<ProductTable>
