import { patched, workflowInfo } from '@temporalio/workflow'
import { scenario } from './progress'
import { comments, CONDITIONAL_WRITES_PATCH, WRITE_STEP_INVALIDATES_PATCH } from './services'
import type { Actor } from './types'

/** The comment's author changes its text. */
export async function editComment(input: { actor: Actor; commentId: string; body: string }): Promise<{ commentId: string }> {
  const { actor, commentId, body } = input
  // the edit's version is the run's start: a late attempt of an older edit never overwrites a newer one
  const version = patched(CONDITIONAL_WRITES_PATCH) ? workflowInfo().startTime.getTime() : undefined
  // the write step drops the pages showing the comment itself (runs from before the patch: a step of their own)
  const merged = patched(WRITE_STEP_INVALIDATES_PATCH)
  return scenario(actor.userId, merged ? ['editComment'] : ['editComment', 'invalidateCommentPages'], async (run) => {
    await run.step('editComment', comments, (a) =>
      a.editComment({
        commentId,
        authorId: actor.userId,
        body,
        ...(version === undefined ? {} : { version }),
        ...(merged ? { invalidate: true } : {}),
      }),
    )
    if (!merged) await run.step('invalidateCommentPages', comments, (a) => a.invalidateCommentPages({ commentId }))
    return { commentId }
  })
}
