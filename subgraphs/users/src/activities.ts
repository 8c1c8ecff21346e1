import { conflict, invalidateResponses, notFound, rules, uniqueViolation, type ContextDependencies } from '@marketplace/service-template'
import type { UserUpdate, UsersDatabase } from './database'
import { avatarUrl, displayName, username as usernameRule } from './rules'
import { userCache } from './user-cache'

export interface NewUserInput {
  readonly id: string
  readonly username: string
  readonly passwordHash: string
  readonly displayName?: string | null
  readonly avatarUrl?: string | null
}

export interface ProfileChange {
  readonly userId: string
  readonly username?: string | null
  // null clears the field; absent leaves it as it is
  readonly displayName?: string | null
  readonly avatarUrl?: string | null
  /** orders changes (the run's start, ms): an older one arriving late is not stored */
  readonly version?: number
}

const usernameTaken = () => conflict('That username is taken.', 'username')

/** The users service's writes, run by scenarios on the `users` task queue. All idempotent. */
export function createActivities(deps: ContextDependencies<UsersDatabase>) {
  const { db } = deps
  const storeProfile = async (change: ProfileChange): Promise<{ id: string; changed: boolean }> => {
    const id = rules.id(change.userId, 'The user')
    const values: UserUpdate = { updatedAt: new Date() }
    if (change.username != null) values.username = usernameRule(change.username)
    if (change.displayName !== undefined) values.displayName = change.displayName === null ? null : displayName(change.displayName)
    if (change.avatarUrl !== undefined) values.avatarUrl = change.avatarUrl === null ? null : avatarUrl(change.avatarUrl)
    if (change.version !== undefined) values.profileVersion = change.version
    try {
      let update = db.updateTable('users').set(values).where('id', '=', id)
      if (change.version !== undefined) update = update.where('profileVersion', '<', String(change.version))
      const result = await update.executeTakeFirst()
      if (result.numUpdatedRows > 0n) return { id, changed: true }
    } catch (err) {
      if (uniqueViolation(err) === 'users_username_key') throw usernameTaken()
      throw err
    }
    const user = await db.selectFrom('users').select('id').where('id', '=', id).executeTakeFirst()
    if (!user) throw notFound('The user')
    return { id, changed: false }
  }
  /** Every cache layer that can hold the user: the users service's own, and the responses showing them. */
  const dropUser = async (userId: string): Promise<void> => {
    await userCache(deps)?.invalidate([userId])
    await invalidateResponses(deps.cache, [`User:${userId}`])
  }
  return {
    async createUser(input: NewUserInput): Promise<{ id: string }> {
      const username = usernameRule(input.username)
      const row = {
        id: rules.id(input.id, 'The user'),
        username,
        passwordHash: input.passwordHash,
        displayName: input.displayName == null ? null : displayName(input.displayName),
        avatarUrl: input.avatarUrl == null ? null : avatarUrl(input.avatarUrl),
        role: 'CUSTOMER' as const,
      }
      try {
        // a retry of the same run finds its own row: no second effect
        await db
          .insertInto('users')
          .values(row)
          .onConflict((oc) => oc.column('id').doNothing())
          .execute()
      } catch (err) {
        if (uniqueViolation(err) === 'users_username_key') throw usernameTaken()
        throw err
      }
      const stored = await db.selectFrom('users').select(['id', 'username']).where('id', '=', row.id).executeTakeFirst()
      if (stored?.username !== username) throw usernameTaken()
      return { id: row.id }
    },

    /**
     * Stores the change only if it is newer (`version`: its run's start, ms) than the last one
     * stored: a late retry of an older change changes nothing and succeeds. Runs from before
     * versions (no `version`) write as they did. With `invalidate`, the write step also
     * drops every cache layer that can hold the user (after the write, on every attempt, whether
     * this attempt or an earlier one stored it): one activity instead of two.
     */
    async updateProfile(change: ProfileChange & { invalidate?: boolean }): Promise<{ id: string; changed: boolean }> {
      const stored = await storeProfile(change)
      if (change.invalidate) await dropUser(stored.id)
      return stored
    },

    /** A CUSTOMER who opens a store becomes a MERCHANT; moderators and admins keep their role. */
    async grantMerchantRole({ userId }: { userId: string }): Promise<{ id: string }> {
      const user = await db.selectFrom('users').select(['id', 'role']).where('id', '=', rules.id(userId, 'The user')).executeTakeFirst()
      if (!user) throw notFound('The user')
      if (user.role === 'CUSTOMER') {
        await db
          .updateTable('users')
          .set({ role: 'MERCHANT', updatedAt: new Date() })
          .where('id', '=', user.id)
          .where('role', '=', 'CUSTOMER')
          .execute()
      }
      return { id: user.id }
    },

    /**
     * Drops every cached copy of the user — Redis, each users process's memory, and every gateway
     * response that shows them — so that the next read shows the new profile.
     */
    async invalidateUserCache({ userId }: { userId: string }): Promise<void> {
      await dropUser(userId)
    },
  }
}

export type UsersActivities = ReturnType<typeof createActivities>
