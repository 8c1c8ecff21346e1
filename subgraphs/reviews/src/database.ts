import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely'

export type ReviewSubjectType = 'PRODUCT' | 'MERCHANT'
export type ReviewStatus = 'PENDING' | 'PUBLISHED' | 'REJECTED'

export interface ReviewTable {
  readonly id: string
  authorId: string
  subjectType: ReviewSubjectType
  subjectId: string
  rating: number
  body: string
  status: ColumnType<ReviewStatus, ReviewStatus | undefined, ReviewStatus>
  readonly createdAt: ColumnType<Date, Date | undefined, never>
  moderatedAt: Date | null
  moderatorId: string | null
  rejectionReason: string | null
  moderationRunId: ColumnType<string | null, string | null | undefined, string | null>
}

export interface SubjectVersionTable {
  subjectType: ReviewSubjectType
  subjectId: string
  // bigint: a string from pg
  version: ColumnType<string, number | string, number | string>
}

export interface ModerationEventTable {
  readonly id: Generated<string>
  reviewId: string
  runId: string
  kind: 'PUBLICATION_UNDONE'
  moderatorId: string | null
  reason: string
  readonly createdAt: ColumnType<Date, Date | undefined, never>
}

export interface ReviewsDatabase {
  reviews: ReviewTable
  subjectVersions: SubjectVersionTable
  moderationEvents: ModerationEventTable
}

export type ModerationEventRow = Selectable<ModerationEventTable>

export type ReviewRow = Selectable<ReviewTable>
export type NewReview = Insertable<ReviewTable>
export type ReviewUpdate = Updateable<ReviewTable>
