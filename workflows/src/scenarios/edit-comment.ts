import { scenario } from './progress'
import { comments } from './services'
import type { Actor } from './types'

/** The comment's author changes its text. */
export async function editComment(input: { actor: Actor; commentId: string; body: string }): Promise<{ commentId: string }> {
  const { actor, commentId, body } = input
  return scenario(actor.userId, ['editComment', 'invalidateCommentPages'], async (run) => {
    await run.step('editComment', comments, (a) => a.editComment({ commentId, authorId: actor.userId, body }))
    await run.step('invalidateCommentPages', comments, (a) => a.invalidateCommentPages({ commentId }))
    return { commentId }
  })
}
