import { uuid4 } from '@temporalio/workflow'
import { scenario } from './progress'
import { comments } from './services'
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
  return scenario(input.authorId, ['checkSubject', 'createComment', 'invalidateCommentPages'], async (run) => {
    await checkSubject(run, input.subject)
    await run.step('createComment', comments, (a) => a.createComment({ id: commentId, ...input }))
    // the answer means "the next read shows it": cached pages of the subject (or parent) go first
    await run.step('invalidateCommentPages', comments, (a) =>
      a.invalidateCommentPages({ subject: input.subject, parentId: input.parentId }),
    )
    return { commentId }
  })
}
