import { patched, uuid4 } from '@temporalio/workflow'
import { scenario } from './progress'
import { comments, WRITE_STEP_INVALIDATES_PATCH } from './services'
import { checkSubject } from './subjects'
import type { SubjectType } from './types'

export interface PostCommentInput {
  readonly authorId: string
  readonly subject: { readonly type: SubjectType; readonly id: string }
  readonly parentId: string | null
  readonly body: string
}

/** A signed-in user comments on a subject, or replies to a comment on the same subject. */
export async function postComment(input: PostCommentInput): Promise<{ commentId: string }> {
  const commentId = uuid4()
  // the answer means "the next read shows it": cached pages of the subject (or parent) go first,
  // dropped by the write step itself (runs from before the patch: by a step of their own)
  const merged = patched(WRITE_STEP_INVALIDATES_PATCH)
  const steps = merged ? ['checkSubject', 'createComment'] : ['checkSubject', 'createComment', 'invalidateCommentPages']
  return scenario(input.authorId, steps, async (run) => {
    await checkSubject(run, input.subject)
    await run.step('createComment', comments, (a) => a.createComment({ id: commentId, ...input, ...(merged ? { invalidate: true } : {}) }))
    if (!merged)
      await run.step('invalidateCommentPages', comments, (a) =>
        a.invalidateCommentPages({ subject: input.subject, parentId: input.parentId }),
      )
    return { commentId }
  })
}
