import type { Kysely } from 'kysely'
import { tablePage, type Connection, type Order, type PageRequest } from '@marketplace/service-template'
import type { CommentRow, CommentSubjectType, CommentsDatabase } from './database'

export interface Comment {
  readonly id: string
  readonly subjectType: CommentSubjectType
  readonly subjectId: string
  readonly parentId: string | null
  readonly authorId: string
  readonly body: string
  readonly deleted: boolean
  readonly replyCount: number
  readonly createdAt: Date
  readonly editedAt: Date | null
}

export function toComment(row: CommentRow): Comment {
  return {
    id: row.id,
    subjectType: row.subject_type,
    subjectId: row.subject_id,
    parentId: row.parent_id,
    authorId: row.author_id,
    body: row.deleted ? '' : row.body,
    deleted: row.deleted,
    replyCount: row.reply_count,
    createdAt: row.created_at,
    editedAt: row.edited_at,
  }
}

export interface Subject {
  readonly type: CommentSubjectType
  readonly id: string
}

export async function commentsByIds(db: Kysely<CommentsDatabase>, ids: readonly string[]): Promise<Comment[]> {
  const rows = await db.selectFrom('comments').selectAll().where('id', '=', (eb) => eb.fn.any(eb.val([...ids]))).execute()
  return rows.map(toComment)
}

export type CommentList =
  | { readonly kind: 'subject'; readonly subject: Subject } // top-level comments of a subject
  | { readonly kind: 'replies'; readonly parentId: string }
  | { readonly kind: 'author'; readonly authorId: string }

const ORDER: Readonly<Record<CommentList['kind'], Order>> = {
  subject: 'newest-first',
  replies: 'oldest-first',
  author: 'newest-first',
}

/** One page of a list of comments, each served by its own index (see the migration). */
export function commentsPage(db: Kysely<CommentsDatabase>, list: CommentList, request: PageRequest): Promise<Connection<Comment>> {
  const base = () => {
    const query = db.selectFrom('comments')
    switch (list.kind) {
      case 'subject':
        return query
          .where('subject_type', '=', list.subject.type)
          .where('subject_id', '=', list.subject.id)
          .where('parent_id', 'is', null)
      case 'replies':
        return query.where('parent_id', '=', list.parentId)
      case 'author':
        return query.where('author_id', '=', list.authorId)
    }
  }
  const page = tablePage(request, ORDER[list.kind], base, toComment)
  if (list.kind !== 'subject') return page
  // a subject's top-level count is kept by the writes (see subject_comment_counts)
  const { subject } = list
  return page.then((connection) => ({
    ...connection,
    totalCount: async () =>
      (
        await db
          .selectFrom('subject_comment_counts')
          .select('top_level')
          .where('subject_type', '=', subject.type)
          .where('subject_id', '=', subject.id)
          .executeTakeFirst()
      )?.top_level ?? 0,
  }))
}
