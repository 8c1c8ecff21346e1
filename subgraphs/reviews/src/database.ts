import type { ColumnType, Insertable, Selectable, Updateable } from 'kysely'

export type ReviewSubjectType = 'PRODUCT' | 'MERCHANT'
export type ReviewStatus = 'PENDING' | 'PUBLISHED' | 'REJECTED'

export interface ReviewTable {
  readonly id: string
  author_id: string
  subject_type: ReviewSubjectType
  subject_id: string
  rating: number
  body: string
  status: ColumnType<ReviewStatus, ReviewStatus | undefined, ReviewStatus>
  readonly created_at: ColumnType<Date, Date | undefined, never>
  moderated_at: Date | null
  moderator_id: string | null
  rejection_reason: string | null
}

export interface ReviewsDatabase {
  reviews: ReviewTable
}

export type ReviewRow = Selectable<ReviewTable>
export type NewReview = Insertable<ReviewTable>
export type ReviewUpdate = Updateable<ReviewTable>
