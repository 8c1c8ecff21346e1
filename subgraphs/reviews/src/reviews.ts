import type { Kysely } from 'kysely'
import {
  createTablePageLoader,
  isModerator,
  tablePage,
  type Caller,
  type Connection,
  type Order,
  type PageRequest,
} from '@marketplace/service-template'
import type { ReviewRow, ReviewStatus, ReviewsDatabase } from './database'

export type Review = ReviewRow

/** The contract's visibility rule: a review not yet PUBLISHED is its author's and moderators' only. */
export const canSee = (caller: Caller, review: Review): boolean =>
  review.status === 'PUBLISHED' || review.authorId === caller.userId || isModerator(caller)

/** The reviews in one status, whatever their subject (the moderation queue); lists of a parent use reviewListLoaders. */
export function reviewsPage(
  db: Kysely<ReviewsDatabase>,
  status: ReviewStatus,
  order: Order,
  request: PageRequest,
): Promise<Connection<Review>> {
  return tablePage(request, order, () => db.selectFrom('reviews').where('status', '=', status))
}

/**
 * The lists of reviews that belong to a parent. Per request: a level of a nested query (the
 * reviews of 20 products, of 50 authors) costs one SQL query for its pages and one for its counts.
 */
export function reviewListLoaders(db: Kysely<ReviewsDatabase>, batch = true) {
  const published = () => db.selectFrom('reviews').where('status', '=', 'PUBLISHED')
  const byAuthor = (from: () => ReturnType<typeof published>) =>
    createTablePageLoader<ReviewsDatabase, Review>({ db, parent: { authorId: 'uuid' }, order: 'newest-first', from, batch })
  return {
    /** a product's or store's PUBLISHED reviews, newest first */
    publishedBySubject: createTablePageLoader<ReviewsDatabase, Review>({
      db,
      parent: { subjectType: 'text', subjectId: 'uuid' },
      order: 'newest-first',
      from: published,
      batch,
    }),
    /** an author's PUBLISHED reviews (what everyone else sees), newest first */
    publishedByAuthor: byAuthor(published),
    /** every review of an author, whatever its status (the author's and moderators' view) */
    allByAuthor: byAuthor(() => db.selectFrom('reviews')),
  }
}
