import { uuid4 } from '@temporalio/workflow'
import { scenario } from './progress'
import { reviews } from './services'
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
  return scenario(input.authorId, ['checkSubject', 'createReview'], async (run) => {
    await checkSubject(run, input.subject)
    await run.step('createReview', reviews, (a) => a.createReview({ id: reviewId, ...input }))
    return { reviewId }
  })
}
