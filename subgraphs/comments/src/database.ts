import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely'

export type CommentSubjectType = 'PRODUCT' | 'MERCHANT' | 'REVIEW'

export interface CommentTable {
  readonly id: string
  subject_type: CommentSubjectType
  subject_id: string
  parent_id: string | null
  author_id: string
  body: string
  deleted: Generated<boolean>
  reply_count: Generated<number>
  readonly created_at: ColumnType<Date, Date | undefined, never>
  edited_at: Date | null
  /** the newest edit's version (its run's start, ms): an older edit is not stored; bigint: a string from pg */
  edit_version: ColumnType<string, number | string | undefined, number | string>
}

export interface SubjectCommentCountTable {
  subject_type: CommentSubjectType
  subject_id: string
  top_level: number
}

/** A review's visibility as the scenarios recorded it (see the review-visibility migration). */
export interface ReviewVisibilityTable {
  readonly review_id: string
  /** null until a scenario that knows the author wrote the row */
  author_id: string | null
  visible: Generated<boolean>
  // bigint: pg returns it as a string
  version: ColumnType<string, number | string, number | string>
}

export interface CommentsDatabase {
  comments: CommentTable
  subject_comment_counts: SubjectCommentCountTable
  review_visibility: ReviewVisibilityTable
}

export type CommentRow = Selectable<CommentTable>
export type NewComment = Insertable<CommentTable>
export type CommentUpdate = Updateable<CommentTable>
export type ReviewVisibilityRow = Selectable<ReviewVisibilityTable>
