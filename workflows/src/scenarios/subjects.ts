import type { ScenarioRun } from './progress'
import { catalog, merchants, reviews } from './services'

import type { SubjectType } from './types'

/** Asks the service that owns the subject whether it exists (a review: whether it is published). */
export function checkSubject(run: ScenarioRun, subject: { readonly type: SubjectType; readonly id: string }): Promise<unknown> {
  switch (subject.type) {
    case 'PRODUCT':
      return run.step('checkSubject', catalog, (a) => a.checkProductExists({ productId: subject.id }))
    case 'MERCHANT':
      return run.step('checkSubject', merchants, (a) => a.checkMerchantExists({ merchantId: subject.id }))
    case 'REVIEW':
      return run.step('checkSubject', reviews, (a) => a.checkReviewPublished({ reviewId: subject.id }))
  }
}
