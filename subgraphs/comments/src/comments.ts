import type { Expression, Kysely, SqlBool } from 'kysely'
import { createTablePageLoader, type PageLoader, type ParentKey } from '@marketplace/service-template'
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
  const rows = await db
    .selectFrom('comments')
    .selectAll()
    .where('id', '=', (eb) => eb.fn.any(eb.val([...ids])))
    .execute()
  return rows.map(toComment)
}

/**
 * The lists of comments that belong to a parent, each served by its own index (see the
 * migrations). Per request: a level of a nested query (the replies of 100 comments, the comments
 * of 20 products) costs one SQL query for its pages and one for its counts.
 */
export function commentListLoaders(db: Kysely<CommentsDatabase>, batch = true) {
  let byAuthor: PageLoader<ParentKey, Comment> | undefined
  return {
    /** a subject's top-level comments, newest first (the comments page) */
    bySubject: createTablePageLoader<CommentsDatabase, CommentRow, Comment>({
      db,
      parent: { subject_type: 'text', subject_id: 'uuid' },
      order: 'newest-first',
      from: () => db.selectFrom('comments').where('parent_id', 'is', null),
      toNode: toComment,
      counts: (subjects) => topLevelCounts(db, subjects),
      batch,
    }),
    /** a comment's replies, oldest first */
    replies: createTablePageLoader<CommentsDatabase, CommentRow, Comment>({
      db,
      parent: { parent_id: 'uuid' },
      order: 'oldest-first',
      from: () => db.selectFrom('comments'),
      toNode: toComment,
      batch,
    }),
    /**
     * Everything a user wrote (replies too), newest first, of what the caller may read (`readable`:
     * a condition on `comments`, null for everything). The caller is the request's: one loader.
     */
    byAuthor: (readable: Expression<SqlBool> | null) =>
      (byAuthor ??= createTablePageLoader<CommentsDatabase, CommentRow, Comment>({
        db,
        parent: { author_id: 'uuid' },
        order: 'newest-first',
        from: () => (readable ? db.selectFrom('comments').where(readable) : db.selectFrom('comments')),
        toNode: toComment,
        batch,
      })),
  }
}

// a subject's top-level count is kept by the writes (see subject_comment_counts): one indexed
// lookup per subject, all subjects of a level in one query
async function topLevelCounts(db: Kysely<CommentsDatabase>, subjects: readonly ParentKey[]): Promise<number[]> {
  const rows = await db
    .selectFrom('subject_comment_counts')
    .select(['subject_type', 'subject_id', 'top_level'])
    .where('subject_type', '=', (eb) => eb.fn.any(eb.val([...new Set(subjects.map((s) => s.subject_type as CommentSubjectType))])))
    .where('subject_id', '=', (eb) => eb.fn.any(eb.val(subjects.map((s) => s.subject_id as string))))
    .execute()
  const counts = new Map(rows.map((row) => [`${row.subject_type}:${row.subject_id}`, row.top_level]))
  return subjects.map((s) => counts.get(`${s.subject_type}:${s.subject_id}`) ?? 0)
}
