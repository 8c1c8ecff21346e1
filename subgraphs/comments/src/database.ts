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
}

export interface SubjectCommentCountTable {
  subject_type: CommentSubjectType
  subject_id: string
  top_level: number
}

export interface CommentsDatabase {
  comments: CommentTable
  subject_comment_counts: SubjectCommentCountTable
}

export type CommentRow = Selectable<CommentTable>
export type NewComment = Insertable<CommentTable>
export type CommentUpdate = Updateable<CommentTable>
