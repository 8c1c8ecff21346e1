import type { ColumnType, Insertable, Selectable, Updateable } from 'kysely'
import type { RatingColumns } from '@marketplace/reviews/src/rating'

// the rating columns: a versioned copy of the reviews service's statistics, written by the moderation scenario
export interface ProductTable extends RatingColumns {
  readonly id: string
  merchantId: string
  name: string
  description: string | null
  priceAmount: number
  priceCurrency: string
  readonly createdAt: ColumnType<Date, Date | undefined, never>
}

export interface CatalogDatabase {
  products: ProductTable
}

export type ProductRow = Selectable<ProductTable>
export type NewProduct = Insertable<ProductTable>
export type ProductUpdate = Updateable<ProductTable>
