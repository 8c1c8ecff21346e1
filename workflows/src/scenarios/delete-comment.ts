import { scenario } from './progress'
import { comments } from './services'
import type { Actor } from './types'

/** The author, a moderator or an admin removes a comment's text (soft delete). */
export async function deleteComment(input: { actor: Actor; commentId: string }): Promise<{ commentId: string }> {
  const { actor, commentId } = input
  return scenario(actor.userId, ['deleteComment', 'invalidateCommentPages'], async (run) => {
    await run.step('deleteComment', comments, (a) => a.deleteComment({ commentId, actor }))
    await run.step('invalidateCommentPages', comments, (a) => a.invalidateCommentPages({ commentId }))
    return { commentId }
  })
}
