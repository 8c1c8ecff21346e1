import type { Role } from '../../../packages/service-template/src/auth'

/** Who asked for the change, as the gateway vouched for it. */
export interface Actor {
  readonly userId: string
  readonly role: Role
}

export type SubjectType = 'PRODUCT' | 'MERCHANT' | 'REVIEW'
