import { EntityCache, type Cache, type ContextDependencies } from '@marketplace/service-template'
import type { UsersDatabase } from './database'
import type { User } from './users'

const caches = new WeakMap<Cache, EntityCache<User>>()

/** This process's cache of users (authors on the comments page), or null when ENTITY_CACHE=off. */
export function userCache({ cache, config, metrics }: ContextDependencies<UsersDatabase>): EntityCache<User> | null {
  if (config.entityCache === 'off') return null
  let users = caches.get(cache)
  if (!users) {
    users = new EntityCache<User>(cache, metrics, {
      name: 'user',
      ttlSeconds: 3600,
      localEntries: config.entityCache === 'full' ? 100_000 : 0,
      // a bound in time under the exact invalidation: a copy that outlived one is gone within this
      localTtlSeconds: 30,
      fromJson: (json) => ({ ...json, createdAt: new Date(json.createdAt as string) }),
    })
    caches.set(cache, users)
  }
  return users
}
