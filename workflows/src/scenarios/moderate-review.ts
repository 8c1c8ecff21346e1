import { ApplicationFailure, allHandlersFinished, condition, defineUpdate, patched, setHandler, workflowInfo } from '@temporalio/workflow'
import type { Duration } from '@temporalio/common'
import type { CatalogActivities } from '../../../subgraphs/catalog/src/activities'
import type { MerchantsActivities } from '../../../subgraphs/merchants/src/activities'
import type { ModeratedReview } from '../../../subgraphs/reviews/src/activities'
import { failureMessage, ScenarioRun, service } from './progress'
import { comments, ratingWrites, REVIEW_VISIBILITY_PATCH, reviews } from './services'

export interface ModerationRequest {
  readonly moderatorId: string
  readonly decision: 'APPROVE' | 'REJECT'
  readonly reason: string | null
}

/** The moderator's decision; it returns as soon as the review is PUBLISHED or REJECTED. */
export const moderate = defineUpdate<ModeratedReview, [ModerationRequest]>('moderate')

export interface ModerateReviewInput {
  readonly reviewId: string
  /** how long the rating step may keep retrying before the approval is undone, e.g. '6h' */
  readonly ratingDeadline: Duration
  /** how long the run waits for the decision that started it (an update lost, e.g. Temporal restarted in between) */
  readonly decisionTimeout?: Duration
}

/** The wait for the moderator's decision when the input names none. */
export const DECISION_TIMEOUT: Duration = '10m'
/** The patch that bounded the wait for the decision: runs started before it wait without a timer on replay. */
export const DECISION_TIMEOUT_PATCH = 'moderation-decision-timeout'

/**
 * One run per review (workflow id `moderate-review-<id>`), started by the moderator's update:
 * publish or reject, answer the moderator, then bring the subject's rating up to date. If the
 * rating cannot be written before the deadline, the publication is undone (COMPENSATED).
 */
export async function moderateReview(input: ModerateReviewInput): Promise<{ reviewId: string }> {
  const runId = workflowInfo().runId
  let run: ScenarioRun | undefined
  let request: ModerationRequest | undefined
  let review: ModeratedReview | undefined
  let failure: unknown

  setHandler(
    moderate,
    async (decision) => {
      request = decision
      run = new ScenarioRun(workflowInfo().workflowType, decision.moderatorId, [])
      const stepName = decision.decision === 'APPROVE' ? 'publishReview' : 'rejectReview'
      try {
        review = await run.step(stepName, reviews, (a) => a.moderateReview({ reviewId: input.reviewId, runId, ...decision }))
        return review
      } catch (err) {
        failure = err
        throw err
      }
    },
    {
      // a second decision for the same run: the first one wins, the second is a CONFLICT
      validator: (_decision: ModerationRequest) => {
        if (request)
          throw ApplicationFailure.create({ type: 'CONFLICT', message: 'This review has already been moderated.', nonRetryable: true })
      },
    },
  )

  if (patched(DECISION_TIMEOUT_PATCH)) {
    // the run starts with its decision (Update-with-Start); if that update never arrives, the run
    // ends FAILED having changed nothing, and the review may be moderated again under the same id
    const decided = await condition(() => request !== undefined, input.decisionTimeout ?? DECISION_TIMEOUT)
    if (!decided) {
      const reason = `No moderation decision arrived within ${String(input.decisionTimeout ?? DECISION_TIMEOUT)}: nothing was changed.`
      return new ScenarioRun(workflowInfo().workflowType, null, []).fail(
        ApplicationFailure.create({ type: 'NO_DECISION', message: reason, nonRetryable: true }),
      )
    }
  }
  // a decision arrived: its step retries until the reviews service answers (a service down only delays it)
  await condition(() => review !== undefined || failure !== undefined)
  await condition(allHandlersFinished)
  if (!run || !request) throw ApplicationFailure.nonRetryable('the run ended without a decision')
  if (failure || !review) return run.fail(failure)
  if (request.decision === 'REJECT') return { reviewId: input.reviewId } // its discussion stays hidden

  const visibility = { reviewId: input.reviewId, authorId: review.authorId ?? null }
  // patched: earlier runs did not tell the comments service
  if (patched(REVIEW_VISIBILITY_PATCH)) {
    await run.step('showReviewComments', comments, (a) => a.showReviewComments({ ...visibility, version: Date.now() }))
  }
  const subject = review.subject
  const ratingStep = subject.type === 'PRODUCT' ? 'updateProductRating' : 'updateMerchantRating'
  run.plan('subjectStats', ratingStep)
  try {
    const stats = await run.step('subjectStats', reviews, (a) => a.subjectStats(subject))
    const write = { id: subject.id, ...stats }
    if (subject.type === 'PRODUCT') {
      await run.step(ratingStep, service<CatalogActivities>('catalog', ratingWrites(input.ratingDeadline)), (a) =>
        a.setProductRating(write),
      )
    } else {
      await run.step(ratingStep, service<MerchantsActivities>('merchants', ratingWrites(input.ratingDeadline)), (a) =>
        a.setMerchantRating(write),
      )
    }
  } catch (err) {
    const reason = `The rating could not be updated: ${failureMessage(err)}`
    await run.compensate('publishReview', 'unpublishReview', reviews, (a) => a.unpublishReview({ reviewId: input.reviewId, runId }))
    // no longer PUBLISHED: its discussion is hidden again and dropped from every cache
    if (patched(REVIEW_VISIBILITY_PATCH)) {
      await run.step('hideReviewComments', comments, (a) => a.hideReviewComments({ ...visibility, version: Date.now() }))
    }
    await run.step('recordModerationEvent', reviews, (a) =>
      a.recordModerationEvent({ reviewId: input.reviewId, runId, moderatorId: request?.moderatorId ?? null, reason }),
    )
    run.markCompensated(reason)
    // ends failed for Temporal, so that a later moderation of the (again PENDING) review may start
    // a new run under the same id (patched: earlier runs ended completed)
    if (patched('compensated-moderation-fails'))
      throw ApplicationFailure.create({ type: 'COMPENSATED', message: reason, nonRetryable: true })
  }
  return { reviewId: input.reviewId }
}
