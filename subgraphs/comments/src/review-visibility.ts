// A review's discussion follows the review: public while it is PUBLISHED, otherwise readable only
// by the review's author and by moderators and admins (as `Query.review` in the reviews service).
// This service never asks the reviews service: the scenarios tell it (review_visibility table).
import { sql, type Expression, type Kysely, type SqlBool } from 'kysely'
import { createByIdLoader, isId, isModerator, type Caller } from '@marketplace/service-template'
import type { CommentsDatabase, ReviewVisibilityRow } from './database'

export interface ReviewVisibilityChange {
  readonly reviewId: string
  /** the review's author, when the scenario knows it (kept when a later write does not) */
  readonly authorId?: string | null
  readonly visible: boolean
  /** orders the writes (the scenario's time of decision): a write older than the stored one is ignored */
  readonly version: number
}

/** Records the change unless a newer one is stored; true when it was applied (idempotent). */
export async function recordReviewVisibility(db: Kysely<CommentsDatabase>, change: ReviewVisibilityChange): Promise<boolean> {
  const applied = await db
    .insertInto('reviewVisibility')
    .values({ reviewId: change.reviewId, authorId: change.authorId ?? null, visible: change.visible, version: change.version })
    .onConflict((oc) =>
      oc
        .column('reviewId')
        .doUpdateSet({
          visible: (eb) => eb.ref('excluded.visible'),
          version: (eb) => eb.ref('excluded.version'),
          authorId: sql`coalesce(excluded.author_id, review_visibility.author_id)`,
        })
        .where('reviewVisibility.version', '<', (eb) => eb.ref('excluded.version')),
    )
    .returning('reviewId')
    .executeTakeFirst()
  return applied !== undefined
}

export async function reviewVisibilities(db: Kysely<CommentsDatabase>, ids: readonly string[]): Promise<ReviewVisibilityRow[]> {
  return db
    .selectFrom('reviewVisibility')
    .selectAll()
    .where('reviewId', '=', (eb) => eb.fn.any(eb.val([...ids])))
    .execute()
}

export type ReviewVisibility = ReviewVisibilityRow & { readonly id: string }
export type ReviewVisibilityLoader = ReturnType<typeof createReviewVisibilityLoader>

/** Per request: one query for every review a response asks about. */
export function createReviewVisibilityLoader(db: Kysely<CommentsDatabase>) {
  return createByIdLoader<ReviewVisibility>(async (ids) => (await reviewVisibilities(db, ids)).map((row) => ({ ...row, id: row.reviewId })))
}

/** A review without a row (not yet recorded, or unknown) is hidden: the safe side. */
export function mayReadReviewDiscussion(caller: Caller, review: ReviewVisibilityRow | null): boolean {
  if (review?.visible) return true
  if (isModerator(caller)) return true
  return review !== null && caller.userId !== null && review.authorId === caller.userId
}

/** Whether `caller` may read the comments under review `reviewId`. */
export async function canReadReviewDiscussion(loader: ReviewVisibilityLoader, caller: Caller, reviewId: string): Promise<boolean> {
  if (!isId(reviewId)) return false
  if (isModerator(caller)) return true
  return mayReadReviewDiscussion(caller, await loader.load(reviewId))
}

/**
 * SQL for lists that mix subjects (a user's comments): a comment under a review counts only if
 * `caller` may read that review's discussion. Null when the caller may read every one.
 */
export function readableByCaller(caller: Caller): Expression<SqlBool> | null {
  if (isModerator(caller)) return null
  const author = caller.userId ? sql` or v.author_id = ${caller.userId}` : sql``
  return sql<SqlBool>`(comments.subject_type <> 'REVIEW' or exists (select 1 from review_visibility v where v.review_id = comments.subject_id and (v.visible${author})))`
}

/** The cached responses that show a review's discussion: its comments page and each of its comments. */
export async function reviewDiscussionTags(db: Kysely<CommentsDatabase>, reviewId: string): Promise<string[]> {
  // every comment of the review: its top-level ones, then replies down the threads (a reply has its
  // parent's subject), each level by an index; filtering all comments by subject scanned the table
  const rows = await db
    .withRecursive('thread(id)', (qb) =>
      qb
        .selectFrom('comments')
        .select('id')
        .where('subjectType', '=', 'REVIEW')
        .where('subjectId', '=', reviewId)
        .where('parentId', 'is', null)
        .unionAll((next) =>
          next
            .selectFrom('comments')
            .innerJoin('thread', 'thread.id', 'comments.parentId')
            .select('comments.id')
            .where('comments.parentId', 'is not', null),
        ),
    )
    .selectFrom('thread')
    .select('id')
    .execute()
  return [`comments:REVIEW:${reviewId}`, ...rows.map((row) => `Comment:${row.id}`)]
}

/** The comment if `caller` may read it (a comment under a hidden review answers like an unknown one). */
export async function readableComment<C extends { readonly subjectType: string; readonly subjectId: string }>(
  loader: ReviewVisibilityLoader,
  caller: Caller,
  comment: C | null,
): Promise<C | null> {
  if (!comment || comment.subjectType !== 'REVIEW') return comment
  return (await canReadReviewDiscussion(loader, caller, comment.subjectId)) ? comment : null
}
