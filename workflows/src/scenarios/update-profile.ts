import { patched, workflowInfo } from '@temporalio/workflow'
import { scenario } from './progress'
import { CONDITIONAL_WRITES_PATCH, WRITE_STEP_INVALIDATES_PATCH, users } from './services'

export interface UpdateProfileInput {
  readonly userId: string
  readonly username?: string | null
  readonly displayName?: string | null
  readonly avatarUrl?: string | null
}

/**
 * The caller's own profile. The run ends only after every cache that could serve the old
 * username or avatar is invalidated, so the mutation's answer means "the next read is fresh".
 */
export async function updateProfile(input: UpdateProfileInput): Promise<{ userId: string }> {
  // the change's version is the run's start: a late attempt of an older change never undoes a newer one
  const change = patched(CONDITIONAL_WRITES_PATCH) ? { ...input, version: workflowInfo().startTime.getTime() } : input
  // the write step drops every cache layer holding the user itself (runs from before the patch: a step of their own)
  const merged = patched(WRITE_STEP_INVALIDATES_PATCH)
  return scenario(input.userId, merged ? ['updateUser'] : ['updateUser', 'invalidateUserCache'], async (run) => {
    await run.step('updateUser', users, (a) => a.updateProfile(merged ? { ...change, invalidate: true } : change))
    if (!merged) await run.step('invalidateUserCache', users, (a) => a.invalidateUserCache({ userId: input.userId }))
    return { userId: input.userId }
  })
}
