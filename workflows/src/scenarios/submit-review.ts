import { patched, uuid4 } from '@temporalio/workflow'
import { scenario } from './progress'
import { comments, reviews, REVIEW_VISIBILITY_PATCH } from './services'
import { checkSubject } from './subjects'

export interface SubmitReviewInput {
  readonly authorId: string
  readonly subject: { readonly type: 'PRODUCT' | 'MERCHANT'; readonly id: string }
  readonly rating: number
  readonly body: string
}

/** A signed-in user reviews a product or a store; the review waits PENDING for a moderator. */
export async function submitReview(input: SubmitReviewInput): Promise<{ reviewId: string }> {
  const reviewId = uuid4()
  // patched: earlier runs did not tell the comments service (a review without a row is hidden there)
  const visibility = patched(REVIEW_VISIBILITY_PATCH)
  return scenario(input.authorId, ['checkSubject', 'createReview', ...(visibility ? ['hideReviewComments'] : [])], async (run) => {
    await checkSubject(run, input.subject)
    await run.step('createReview', reviews, (a) => a.createReview({ id: reviewId, ...input }))
    // its discussion stays with its author and moderators until it is published
    if (visibility) {
      await run.step('hideReviewComments', comments, (a) =>
        a.hideReviewComments({ reviewId, authorId: input.authorId, version: Date.now() }),
      )
    }
    return { reviewId }
  })
}
