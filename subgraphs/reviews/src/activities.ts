import { sql, type Kysely, type Transaction } from 'kysely'
import { conflict, notFound, rules, uniqueViolation, type ContextDependencies } from '@marketplace/service-template'
import type { ReviewRow, ReviewStatus, ReviewSubjectType, ReviewsDatabase } from './database'
import { rejectionReason, reviewBody, reviewRating } from './rules'

export interface NewReviewInput {
  readonly id: string
  readonly authorId: string
  readonly subject: { readonly type: ReviewSubjectType; readonly id: string }
  readonly rating: number
  readonly body: string
}

export interface ModerationInput {
  readonly reviewId: string
  readonly decision: 'APPROVE' | 'REJECT'
  readonly moderatorId: string
  readonly reason?: string | null
  /** the scenario run moderating: its retries are no-ops, any other run finds a CONFLICT */
  readonly runId: string
}

export interface ModeratedReview {
  readonly id: string
  readonly status: ReviewStatus
  readonly subject: { readonly type: ReviewSubjectType; readonly id: string }
  /** who may still read the review (and its discussion) while it is not PUBLISHED */
  readonly authorId: string
}

export interface SubjectStats {
  readonly count: number
  readonly sum: number
  readonly version: number
}

async function bumpSubjectVersion(trx: Transaction<ReviewsDatabase>, type: ReviewSubjectType, id: string): Promise<void> {
  await trx
    .insertInto('subjectVersions')
    .values({ subjectType: type, subjectId: id, version: 1 })
    .onConflict((oc) => oc.columns(['subjectType', 'subjectId']).doUpdateSet({ version: sql`subject_versions.version + 1` }))
    .execute()
}

async function lockedReview(trx: Transaction<ReviewsDatabase> | Kysely<ReviewsDatabase>, reviewId: string) {
  const review = await trx
    .selectFrom('reviews')
    .select(['id', 'status', 'subjectType', 'subjectId', 'authorId', 'moderationRunId'])
    .where('id', '=', rules.id(reviewId, 'The review'))
    .forUpdate()
    .executeTakeFirst()
  if (!review) throw notFound('The review')
  return review
}

// exactly these fields: the scenario's history records them
const moderated = (r: Pick<ReviewRow, 'id' | 'status' | 'subjectType' | 'subjectId' | 'authorId'>): ModeratedReview => ({
  id: r.id,
  status: r.status,
  subject: { type: r.subjectType, id: r.subjectId },
  authorId: r.authorId,
})

/** The reviews service's writes and reads for scenarios, on the `reviews` task queue. All idempotent. */
export function createActivities({ db }: ContextDependencies<ReviewsDatabase>) {
  return {
    async createReview(input: NewReviewInput): Promise<{ id: string }> {
      const row = {
        id: rules.id(input.id, 'The review'),
        authorId: rules.id(input.authorId, 'The author'),
        subjectType: input.subject.type,
        subjectId: rules.id(input.subject.id, 'The subject'),
        rating: reviewRating(input.rating),
        body: reviewBody(input.body),
      }
      try {
        await db
          .insertInto('reviews')
          .values(row)
          .onConflict((oc) => oc.column('id').doNothing())
          .execute()
      } catch (err) {
        if (uniqueViolation(err) === 'reviews_one_per_author_subject') {
          throw conflict('You have already reviewed this. One review per author and subject.', 'subject')
        }
        throw err
      }
      return { id: row.id }
    },

    async moderateReview(input: ModerationInput): Promise<ModeratedReview> {
      const status: ReviewStatus = input.decision === 'APPROVE' ? 'PUBLISHED' : 'REJECTED'
      const reason = input.decision === 'REJECT' ? rejectionReason(input.reason ?? '') : null
      return db.transaction().execute(async (trx) => {
        const review = await lockedReview(trx, input.reviewId)
        if (review.status !== 'PENDING') {
          if (review.moderationRunId === input.runId) return moderated(review) // our own retry
          throw conflict(`This review is not pending: it is already ${review.status}.`)
        }
        await trx
          .updateTable('reviews')
          .set({
            status,
            moderatedAt: new Date(),
            moderatorId: input.moderatorId,
            rejectionReason: reason,
            moderationRunId: input.runId,
          })
          .where('id', '=', review.id)
          .execute()
        if (status === 'PUBLISHED') await bumpSubjectVersion(trx, review.subjectType, review.subjectId)
        return moderated({ ...review, status })
      })
    },

    /** Compensation of an approval: the review returns to PENDING, only if this run published it. */
    async unpublishReview({ reviewId, runId }: { reviewId: string; runId: string }): Promise<ModeratedReview> {
      return db.transaction().execute(async (trx) => {
        const review = await lockedReview(trx, reviewId)
        if (review.status !== 'PUBLISHED' || review.moderationRunId !== runId) return moderated(review)
        await trx
          .updateTable('reviews')
          .set({ status: 'PENDING', moderatedAt: null, moderatorId: null, moderationRunId: null })
          .where('id', '=', review.id)
          .execute()
        await bumpSubjectVersion(trx, review.subjectType, review.subjectId)
        return moderated({ ...review, status: 'PENDING' })
      })
    },

    /** Count and sum of the subject's PUBLISHED ratings, with the version they were read at (one snapshot). */
    async subjectStats({ type, id }: { type: ReviewSubjectType; id: string }): Promise<SubjectStats> {
      const row = await db
        .selectNoFrom((eb) => [
          eb
            .selectFrom('reviews')
            .select((e) => e.fn.countAll<string>().as('c'))
            .where('subjectType', '=', type)
            .where('subjectId', '=', id)
            .where('status', '=', 'PUBLISHED')
            .as('count'),
          eb
            .selectFrom('reviews')
            .select((e) => e.fn.coalesce(e.fn.sum<string>('rating'), sql<string>`0`).as('s'))
            .where('subjectType', '=', type)
            .where('subjectId', '=', id)
            .where('status', '=', 'PUBLISHED')
            .as('sum'),
          eb.selectFrom('subjectVersions').select('version').where('subjectType', '=', type).where('subjectId', '=', id).as('version'),
        ])
        .executeTakeFirstOrThrow()
      return { count: Number(row.count ?? 0), sum: Number(row.sum ?? 0), version: Number(row.version ?? 0) }
    },

    /** Something a moderator should hear about, e.g. an approval undone because the rating never updated. */
    async recordModerationEvent(event: { reviewId: string; runId: string; moderatorId: string | null; reason: string }): Promise<void> {
      await db
        .insertInto('moderationEvents')
        .values({
          reviewId: event.reviewId,
          runId: event.runId,
          kind: 'PUBLICATION_UNDONE',
          moderatorId: event.moderatorId,
          reason: event.reason,
        })
        .onConflict((oc) => oc.columns(['runId', 'kind']).doNothing())
        .execute()
    },

    /** Comments may only be posted under a published review. */
    async checkReviewPublished({ reviewId }: { reviewId: string }): Promise<{ id: string }> {
      const review = await db
        .selectFrom('reviews')
        .select(['id', 'status'])
        .where('id', '=', rules.id(reviewId, 'The review'))
        .executeTakeFirst()
      if (!review || review.status !== 'PUBLISHED') throw notFound('The review')
      return { id: review.id }
    },
  }
}

export type ReviewsActivities = ReturnType<typeof createActivities>
