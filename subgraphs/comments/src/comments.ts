import type { Expression, Kysely, SqlBool } from 'kysely'
import { createTablePageLoader, type PageLoader, type ParentKey } from '@marketplace/service-template'
import type { CommentRow, CommentSubjectType, CommentsDatabase } from './database'

/** A comment as stored; a deleted one's body is shown empty by the resolver. */
export type Comment = CommentRow

export interface Subject {
  readonly type: CommentSubjectType
  readonly id: string
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
    bySubject: createTablePageLoader<CommentsDatabase, Comment>({
      db,
      parent: { subjectType: 'text', subjectId: 'uuid' },
      order: 'newest-first',
      from: () => db.selectFrom('comments').where('parentId', 'is', null),
      counts: (subjects) => topLevelCounts(db, subjects),
      batch,
    }),
    /** a comment's replies, oldest first */
    replies: createTablePageLoader<CommentsDatabase, Comment>({
      db,
      parent: { parentId: 'uuid' },
      order: 'oldest-first',
      from: () => db.selectFrom('comments'),
      batch,
    }),
    /**
     * Everything a user wrote (replies too), newest first, of what the caller may read (`readable`:
     * a condition on `comments`, null for everything). The caller is the request's: one loader.
     */
    byAuthor: (readable: Expression<SqlBool> | null) =>
      (byAuthor ??= createTablePageLoader<CommentsDatabase, Comment>({
        db,
        parent: { authorId: 'uuid' },
        order: 'newest-first',
        from: () => (readable ? db.selectFrom('comments').where(readable) : db.selectFrom('comments')),
        batch,
      })),
  }
}

// a subject's top-level count is kept by the writes (see subject_comment_counts): one indexed
// lookup per subject, all subjects of a level in one query
async function topLevelCounts(db: Kysely<CommentsDatabase>, subjects: readonly ParentKey[]): Promise<number[]> {
  const rows = await db
    .selectFrom('subjectCommentCounts')
    .select(['subjectType', 'subjectId', 'topLevel'])
    .where('subjectType', '=', (eb) => eb.fn.any(eb.val([...new Set(subjects.map((s) => s.subjectType as CommentSubjectType))])))
    .where('subjectId', '=', (eb) => eb.fn.any(eb.val(subjects.map((s) => s.subjectId as string))))
    .execute()
  const counts = new Map(rows.map((row) => [`${row.subjectType}:${row.subjectId}`, row.topLevel]))
  return subjects.map((s) => counts.get(`${s.subjectType}:${s.subjectId}`) ?? 0)
}
