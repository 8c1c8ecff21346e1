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
import type { ReviewRow, ReviewStatus, ReviewSubjectType, ReviewsDatabase } from './database'

export interface Review {
  readonly id: string
  readonly authorId: string
  readonly subjectType: ReviewSubjectType
  readonly subjectId: string
  readonly rating: number
  readonly body: string
  readonly status: ReviewStatus
  readonly createdAt: Date
  readonly moderatedAt: Date | null
  readonly moderatorId: string | null
  readonly rejectionReason: string | null
}

export function toReview(row: ReviewRow): Review {
  return {
    id: row.id,
    authorId: row.author_id,
    subjectType: row.subject_type,
    subjectId: row.subject_id,
    rating: row.rating,
    body: row.body,
    status: row.status,
    createdAt: row.created_at,
    moderatedAt: row.moderated_at,
    moderatorId: row.moderator_id,
    rejectionReason: row.rejection_reason,
  }
}

/** The contract's visibility rule: a review not yet PUBLISHED is its author's and moderators' only. */
export const canSee = (caller: Caller, review: Review): boolean =>
  review.status === 'PUBLISHED' || review.authorId === caller.userId || isModerator(caller)

export async function reviewsByIds(db: Kysely<ReviewsDatabase>, ids: readonly string[]): Promise<Review[]> {
  const rows = await db
    .selectFrom('reviews')
    .selectAll()
    .where('id', '=', (eb) => eb.fn.any(eb.val([...ids])))
    .execute()
  return rows.map(toReview)
}

/** The reviews in one status, whatever their subject (the moderation queue); lists of a parent use reviewListLoaders. */
export function reviewsPage(
  db: Kysely<ReviewsDatabase>,
  status: ReviewStatus,
  order: Order,
  request: PageRequest,
): Promise<Connection<Review>> {
  return tablePage(request, order, () => db.selectFrom('reviews').where('status', '=', status), toReview)
}

/**
 * The lists of reviews that belong to a parent. Per request: a level of a nested query (the
 * reviews of 20 products, of 50 authors) costs one SQL query for its pages and one for its counts.
 */
export function reviewListLoaders(db: Kysely<ReviewsDatabase>, batch = true) {
  const published = () => db.selectFrom('reviews').where('status', '=', 'PUBLISHED')
  const byAuthor = (from: () => ReturnType<typeof published>) =>
    createTablePageLoader<ReviewsDatabase, ReviewRow, Review>({
      db,
      parent: { author_id: 'uuid' },
      order: 'newest-first',
      from,
      toNode: toReview,
      batch,
    })
  return {
    /** a product's or store's PUBLISHED reviews, newest first */
    publishedBySubject: createTablePageLoader<ReviewsDatabase, ReviewRow, Review>({
      db,
      parent: { subject_type: 'text', subject_id: 'uuid' },
      order: 'newest-first',
      from: published,
      toNode: toReview,
      batch,
    }),
    /** an author's PUBLISHED reviews (what everyone else sees), newest first */
    publishedByAuthor: byAuthor(published),
    /** every review of an author, whatever its status (the author's and moderators' view) */
    allByAuthor: byAuthor(() => db.selectFrom('reviews')),
  }
}
