// A subject's rating: the reviews service's statistics of its PUBLISHED reviews. The services
// that show a rating (catalog, merchants) keep a versioned copy of them, in these columns.
import type { ColumnType, Generated, Kysely } from 'kysely'
import { writeIfNewer } from '@marketplace/service-template'

/** The contract's RatingSummary: the exact mean (not rounded), null when there is no rating. */
export const ratingSummary = (count: number, sum: number | string): { average: number | null; count: number } => ({
  // sum: a bigint column, a string from pg
  average: count > 0 ? Number(sum) / count : null,
  count,
})

/** The rating columns of a table that keeps a versioned copy of the reviews service's statistics. */
export interface RatingColumns {
  ratingCount: Generated<number>
  // bigint columns arrive as strings from pg
  ratingSum: ColumnType<string, number | string | undefined, number | string>
  ratingVersion: ColumnType<string, number | string | undefined, number | string>
}

export interface RatingWrite {
  readonly id: string
  readonly count: number
  readonly sum: number
  /** the reviews service's version of the subject's statistics */
  readonly version: number
}

/**
 * Stores a subject's rating unless a newer version is already there: a late, stale computation
 * changes nothing. `applied` says whether this write won.
 */
export function writeRating<DB>(
  db: Kysely<DB>,
  table: { [T in keyof DB & string]: DB[T] extends RatingColumns ? T : never }[keyof DB & string],
  write: RatingWrite,
): Promise<{ applied: boolean }> {
  return writeIfNewer(db, table, write.id, 'ratingVersion', write.version, {
    ratingCount: write.count,
    ratingSum: write.sum,
    ratingVersion: write.version,
  })
}
