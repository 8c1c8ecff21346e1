import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely'

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
  moderation_run_id: ColumnType<string | null, string | null | undefined, string | null>
}

export interface SubjectVersionTable {
  subject_type: ReviewSubjectType
  subject_id: string
  // bigint: a string from pg
  version: ColumnType<string, number | string, number | string>
}

export interface ModerationEventTable {
  readonly id: Generated<string>
  review_id: string
  run_id: string
  kind: 'PUBLICATION_UNDONE'
  moderator_id: string | null
  reason: string
  readonly created_at: ColumnType<Date, Date | undefined, never>
}

export interface ReviewsDatabase {
  reviews: ReviewTable
  subject_versions: SubjectVersionTable
  moderation_events: ModerationEventTable
}

export type ModerationEventRow = Selectable<ModerationEventTable>

export type ReviewRow = Selectable<ReviewTable>
export type NewReview = Insertable<ReviewTable>
export type ReviewUpdate = Updateable<ReviewTable>
