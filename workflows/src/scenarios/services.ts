// The five services as scenarios see them: activities on task queues named after each service.
import type { CatalogActivities } from '../../../subgraphs/catalog/src/activities'
import type { CommentsActivities } from '../../../subgraphs/comments/src/activities'
import type { MerchantsActivities } from '../../../subgraphs/merchants/src/activities'
import type { ReviewsActivities } from '../../../subgraphs/reviews/src/activities'
import type { UsersActivities } from '../../../subgraphs/users/src/activities'
import type { Duration } from '@temporalio/common'
import { service } from './progress'

// Writes retry until they succeed or fail for good (a client mistake is non-retryable):
// a service that is down only delays its step.
export const writes = {
  startToCloseTimeout: '10s',
  retry: { initialInterval: '500ms', backoffCoefficient: 2, maximumInterval: '30s' },
} as const

export const users = service<UsersActivities>('users', writes)
export const merchants = service<MerchantsActivities>('merchants', writes)
export const catalog = service<CatalogActivities>('catalog', writes)
export const reviews = service<ReviewsActivities>('reviews', writes)
export const comments = service<CommentsActivities>('comments', writes)

/** The rating step: retried with back-off until `deadline` (e.g. '6h'), then given up. */
export const ratingWrites = (deadline: Duration) =>
  ({
    startToCloseTimeout: '10s',
    scheduleToCloseTimeout: deadline,
    retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '5m' },
  }) as const

/**
 * The patch that made scenarios tell the comments service whether a review's discussion is public
 * (hideReviewComments / showReviewComments): runs started before it skip those steps on replay.
 */
export const REVIEW_VISIBILITY_PATCH = 'review-visibility'

/**
 * The patch that made editComment and updateProfile carry a version (the run's start, ms), so the
 * services store only a write newer than the last one: runs started before it replay without it.
 */
export const CONDITIONAL_WRITES_PATCH = 'conditional-writes'

/**
 * The patch that made each write step drop the caches it changes itself (createComment,
 * editComment, deleteComment, updateProfile with `invalidate: true`) instead of a second activity
 * on the same service: one task dispatch and one workflow task fewer per write. Runs started
 * before it replay with their separate invalidation step.
 */
export const WRITE_STEP_INVALIDATES_PATCH = 'write-step-invalidates'
