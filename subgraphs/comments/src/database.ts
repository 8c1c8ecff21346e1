import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely'

export type CommentSubjectType = 'PRODUCT' | 'MERCHANT' | 'REVIEW'

export interface CommentTable {
  readonly id: string
  subjectType: CommentSubjectType
  subjectId: string
  parentId: string | null
  authorId: string
  body: string
  deleted: Generated<boolean>
  replyCount: Generated<number>
  readonly createdAt: ColumnType<Date, Date | undefined, never>
  editedAt: Date | null
  /** the newest edit's version (its run's start, ms): an older edit is not stored; bigint: a string from pg */
  editVersion: ColumnType<string, number | string | undefined, number | string>
}

export interface SubjectCommentCountTable {
  subjectType: CommentSubjectType
  subjectId: string
  topLevel: number
}

/** A review's visibility as the scenarios recorded it (see the review-visibility migration). */
export interface ReviewVisibilityTable {
  readonly reviewId: string
  /** null until a scenario that knows the author wrote the row */
  authorId: string | null
  visible: Generated<boolean>
  // bigint: pg returns it as a string
  version: ColumnType<string, number | string, number | string>
}

export interface CommentsDatabase {
  comments: CommentTable
  subjectCommentCounts: SubjectCommentCountTable
  reviewVisibility: ReviewVisibilityTable
}

export type CommentRow = Selectable<CommentTable>
export type NewComment = Insertable<CommentTable>
export type CommentUpdate = Updateable<CommentTable>
export type ReviewVisibilityRow = Selectable<ReviewVisibilityTable>
