import { patched } from '@temporalio/workflow'
import { scenario } from './progress'
import { comments, WRITE_STEP_INVALIDATES_PATCH } from './services'
import type { Actor } from './types'

/** The author, a moderator or an admin removes a comment's text (soft delete). */
export async function deleteComment(input: { actor: Actor; commentId: string }): Promise<{ commentId: string }> {
  const { actor, commentId } = input
  // the write step drops the pages showing the comment itself (runs from before the patch: a step of their own)
  const merged = patched(WRITE_STEP_INVALIDATES_PATCH)
  return scenario(actor.userId, merged ? ['deleteComment'] : ['deleteComment', 'invalidateCommentPages'], async (run) => {
    await run.step('deleteComment', comments, (a) => a.deleteComment({ commentId, actor, ...(merged ? { invalidate: true } : {}) }))
    if (!merged) await run.step('invalidateCommentPages', comments, (a) => a.invalidateCommentPages({ commentId }))
    return { commentId }
  })
}
