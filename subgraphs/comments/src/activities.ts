import { sql } from 'kysely'
import {
  badUserInput,
  conflict,
  forbidden,
  invalidateResponses,
  isModerator,
  notFound,
  rules,
  type Caller,
  type ContextDependencies,
} from '@marketplace/service-template'
import type { CommentSubjectType, CommentsDatabase } from './database'
import { recordReviewVisibility, reviewDiscussionTags } from './review-visibility'
import { commentBody } from './rules'

/** A review's visibility as a scenario decided it; `version` orders decisions (later wins). */
export interface ReviewVisibilityInput {
  readonly reviewId: string
  readonly authorId?: string | null
  readonly version: number
}

export interface NewCommentInput {
  readonly id: string
  readonly authorId: string
  readonly subject: { readonly type: CommentSubjectType; readonly id: string }
  readonly parentId?: string | null
  readonly body: string
  /** drop the cached pages the comment changes once it is stored (runs from before the merge invalidated in a step of their own) */
  readonly invalidate?: boolean
}

/** What a write changed, as the cached pages that show it are tagged. */
export interface PagesChange {
  readonly subject?: { readonly type: CommentSubjectType; readonly id: string }
  readonly parentId?: string | null
  readonly commentId?: string
}

/** The comments service's writes, run by scenarios on the `comments` task queue. All idempotent. */
export function createActivities({ db, cache }: ContextDependencies<CommentsDatabase>) {
  const existing = async (commentId: string) => {
    const comment = await db
      .selectFrom('comments')
      .select(['id', 'authorId', 'deleted'])
      .where('id', '=', rules.id(commentId, 'The comment'))
      .executeTakeFirst()
    if (!comment) throw notFound('The comment')
    return comment
  }
  const setReviewVisibility = async (input: ReviewVisibilityInput, visible: boolean): Promise<void> => {
    const reviewId = rules.id(input.reviewId, 'The review')
    const authorId = input.authorId == null ? null : rules.id(input.authorId, 'The author')
    // a retry, or a decision older than the stored one, changes nothing; the pages are dropped
    // every time all the same (a retry after a failed invalidation must still drop them)
    await recordReviewVisibility(db, { reviewId, authorId, visible, version: input.version })
    await invalidateResponses(cache, await reviewDiscussionTags(db, reviewId))
  }
  /**
   * Drops the cached pages that show what a write changed: the subject's list for a new
   * top-level comment, the parent (its replyCount) for a reply, the comment itself for an edit.
   */
  const dropPages = async (change: PagesChange): Promise<void> => {
    const tags = [
      ...(change.subject && !change.parentId ? [`comments:${change.subject.type}:${change.subject.id}`] : []),
      ...(change.parentId ? [`Comment:${change.parentId}`] : []),
      ...(change.commentId ? [`Comment:${change.commentId}`] : []),
    ]
    await invalidateResponses(cache, tags)
  }
  const storeEdit = async (
    id: string,
    authorId: string,
    text: string,
    version: number | undefined,
  ): Promise<{ id: string; changed: boolean }> => {
    let update = db
      .updateTable('comments')
      .set({ body: text, editedAt: new Date(), ...(version === undefined ? {} : { editVersion: version }) })
      .where('id', '=', id)
      .where('authorId', '=', authorId)
      .where('deleted', '=', false)
    if (version !== undefined) update = update.where('editVersion', '<', String(version))
    const updated = await update.returning('id').executeTakeFirst()
    if (updated) return { id, changed: true }
    // nothing stored: say why (these checks only explain; the update above decided)
    const comment = await db.selectFrom('comments').select(['authorId', 'deleted', 'editVersion']).where('id', '=', id).executeTakeFirst()
    if (!comment) throw notFound('The comment')
    if (comment.authorId !== authorId) throw forbidden('Only the author can edit this comment.')
    const applied = version !== undefined && BigInt(comment.editVersion) >= BigInt(version)
    if (comment.deleted && !applied) throw conflict('This comment was deleted and can no longer be edited.')
    return { id, changed: false }
  }

  return {
    /**
     * Stores a comment (a retry stores nothing more). With `invalidate`, its write step also drops
     * the pages it changes, after the commit and on every attempt: one activity instead of two.
     */
    async createComment(input: NewCommentInput): Promise<{ id: string }> {
      const row = {
        id: rules.id(input.id, 'The comment'),
        authorId: rules.id(input.authorId, 'The author'),
        subjectType: input.subject.type,
        subjectId: rules.id(input.subject.id, 'The subject'),
        parentId: input.parentId == null ? null : rules.id(input.parentId, 'The parent comment'),
        body: commentBody(input.body),
      }
      await db.transaction().execute(async (trx) => {
        if (row.parentId) {
          const parent = await trx
            .selectFrom('comments')
            .select(['subjectType', 'subjectId'])
            .where('id', '=', row.parentId)
            .executeTakeFirst()
          if (!parent) throw notFound('The parent comment')
          if (parent.subjectType !== row.subjectType || parent.subjectId !== row.subjectId) {
            throw badUserInput('parentId', 'A reply must have the same subject as the comment it answers.')
          }
        }
        const inserted = await trx
          .insertInto('comments')
          .values(row)
          .onConflict((oc) => oc.column('id').doNothing())
          .returning('id')
          .executeTakeFirst()
        // only the insert that happened counts: a retry adds nothing
        if (inserted && row.parentId) {
          await trx
            .updateTable('comments')
            .set({ replyCount: sql`reply_count + 1` })
            .where('id', '=', row.parentId)
            .execute()
        } else if (inserted) {
          await trx
            .insertInto('subjectCommentCounts')
            .values({ subjectType: row.subjectType, subjectId: row.subjectId, topLevel: 1 })
            .onConflict((oc) =>
              oc.columns(['subjectType', 'subjectId']).doUpdateSet({ topLevel: sql`subject_comment_counts.top_level + 1` }),
            )
            .execute()
        }
      })
      if (input.invalidate) await dropPages({ subject: input.subject, parentId: row.parentId })
      return { id: row.id }
    },

    /**
     * Stores the new text in one statement that also checks the author, that the comment is not
     * deleted and that this edit (`version`: its run's start, ms) is newer than the stored one. A
     * late, older edit — or a retry of this one — changes nothing and succeeds; an edit of a
     * deleted comment is a CONFLICT (unless this edit, or a newer one, landed before the delete).
     * Runs from before versions (no `version`) only check author and deletion, as they did.
     */
    async editComment({
      commentId,
      authorId,
      body,
      version,
      invalidate,
    }: {
      commentId: string
      authorId: string
      body: string
      version?: number
      /** drop the pages showing the comment afterwards, whether this attempt changed it or an earlier one did */
      invalidate?: boolean
    }): Promise<{ id: string; changed: boolean }> {
      const text = commentBody(body)
      const id = rules.id(commentId, 'The comment')
      const stored = await storeEdit(id, authorId, text, version)
      if (invalidate) await dropPages({ commentId: id })
      return stored
    },

    /** Drops the pages a write changed (runs from before the write steps invalidated themselves). */
    async invalidateCommentPages(change: PagesChange): Promise<void> {
      await dropPages(change)
    },

    /**
     * The review left (or has not yet reached) PUBLISHED: its discussion is readable only by its
     * author and moderators from now on, and every cached page showing it is dropped.
     */
    async hideReviewComments(input: ReviewVisibilityInput): Promise<void> {
      await setReviewVisibility(input, false)
    },

    /** The review is PUBLISHED: its discussion is public (cached "hidden" answers are dropped). */
    async showReviewComments(input: ReviewVisibilityInput): Promise<void> {
      await setReviewVisibility(input, true)
    },

    /** Soft delete: the body becomes "" and the thread keeps its shape. */
    async deleteComment({
      commentId,
      actor,
      invalidate,
    }: {
      commentId: string
      actor: Caller
      invalidate?: boolean
    }): Promise<{ id: string }> {
      const comment = await existing(commentId)
      if (comment.authorId !== actor.userId && !isModerator(actor)) {
        throw forbidden('Only the author, a moderator or an admin can delete this comment.')
      }
      if (!comment.deleted) await db.updateTable('comments').set({ body: '', deleted: true }).where('id', '=', comment.id).execute()
      if (invalidate) await dropPages({ commentId: comment.id })
      return { id: comment.id }
    },
  }
}

export type CommentsActivities = ReturnType<typeof createActivities>
