import { uuid4 } from '@temporalio/workflow'
import { scenario } from './progress'
import { users } from './services'

export interface RegisterUserInput {
  readonly username: string
  /** hashed by the façade: the password itself never enters the run's history */
  readonly passwordHash: string
  readonly displayName: string | null
  readonly avatarUrl: string | null
}

/** Anyone signs up: the users service creates a CUSTOMER. */
export async function registerUser(input: RegisterUserInput): Promise<{ userId: string }> {
  const userId = uuid4()
  return scenario(userId, ['createUser'], async (run) => {
    await run.step('createUser', users, (a) => a.createUser({ id: userId, ...input }))
    return { userId }
  })
}
