import { createCache, invalidateResponses, RESPONSE_INVALIDATION_CHANNEL, type Cache, type GuardedEntry } from '../../../packages/service-template/src/cache'
import { createLogger } from '../../../packages/service-template/src/logger'
import { Metrics } from '../../../packages/service-template/src/metrics'

/** The in-memory cache (no REDIS_URL), with a silent logger. */
function memoryCache(): Cache {
  return createCache(undefined, createLogger('test', 'silent'), new Metrics())
}

const entry = (key: string, value: string, guardValue: string): GuardedEntry => ({ key, value, guardKey: `${key}:v`, guardValue })

describe('createCache without REDIS_URL (in-memory)', () => {
  it('is the memory kind, always healthy, and warns that it is not shared', () => {
    const warn = jest.fn()
    const log = { ...createLogger('test', 'silent'), warn }
    const cache = createCache(undefined, log, new Metrics())
    expect(cache.kind).toBe('memory')
    expect(cache.healthy).toBe(true)
    expect(warn).toHaveBeenCalledTimes(1)
  })

  it('getMany answers null for unknown keys, in the order asked', async () => {
    const cache = memoryCache()
    expect(await cache.getMany([])).toEqual([])
    expect(await cache.getMany(['a', 'b'])).toEqual([null, null])
    await cache.setIfUnchanged([entry('b', 'B', '')], 60)
    expect(await cache.getMany(['a', 'b', 'a'])).toEqual([null, 'B', null])
  })

  it("setIfUnchanged writes when the guard was never set and '' was read", async () => {
    const cache = memoryCache()
    await cache.setIfUnchanged([entry('k', 'v1', '')], 60)
    expect(await cache.getMany(['k'])).toEqual(['v1'])
  })

  it("setIfUnchanged refuses when the guard value does not match ('1' read but never set)", async () => {
    const cache = memoryCache()
    await cache.setIfUnchanged([entry('k', 'v1', '1')], 60)
    expect(await cache.getMany(['k'])).toEqual([null])
  })

  it('setIfUnchanged decides each entry on its own guard', async () => {
    const cache = memoryCache()
    await cache.invalidate([{ key: 'b', guardKey: 'b:v' }]) // b's guard is now "1"
    await cache.setIfUnchanged([entry('a', 'A', ''), entry('b', 'B-stale', ''), entry('c', 'C', '')], 60)
    expect(await cache.getMany(['a', 'b', 'c'])).toEqual(['A', null, 'C'])
    await cache.setIfUnchanged([entry('b', 'B-fresh', '1')], 60)
    expect(await cache.getMany(['b'])).toEqual(['B-fresh'])
  })

  it('setIfUnchanged overwrites an existing value while the guard still matches', async () => {
    const cache = memoryCache()
    await cache.setIfUnchanged([entry('k', 'v1', '')], 60)
    await cache.setIfUnchanged([entry('k', 'v2', '')], 60)
    expect(await cache.getMany(['k'])).toEqual(['v2'])
  })

  it('values expire after their TTL', async () => {
    const cache = memoryCache()
    const now = jest.spyOn(Date, 'now')
    try {
      now.mockReturnValue(1_000_000)
      await cache.setIfUnchanged([entry('k', 'v', '')], 10)
      now.mockReturnValue(1_000_000 + 9_999)
      expect(await cache.getMany(['k'])).toEqual(['v'])
      now.mockReturnValue(1_000_000 + 10_000)
      expect(await cache.getMany(['k'])).toEqual([null])
    } finally {
      now.mockRestore()
    }
  })

  it('invalidate deletes the value and bumps the guard (1, 2, ...)', async () => {
    const cache = memoryCache()
    await cache.setIfUnchanged([entry('k', 'v', '')], 60)
    await cache.invalidate([{ key: 'k', guardKey: 'k:v' }])
    expect(await cache.getMany(['k', 'k:v'])).toEqual([null, '1'])
    await cache.invalidate([{ key: 'k', guardKey: 'k:v' }])
    expect(await cache.getMany(['k', 'k:v'])).toEqual([null, '2'])
  })

  it('a fill that read the guard before an invalidation is refused (no stale fill)', async () => {
    const cache = memoryCache()
    const [guard] = await cache.getMany(['k:v']) // the loader reads the version, then the database...
    await cache.invalidate([{ key: 'k', guardKey: 'k:v' }]) // ...a write invalidates meanwhile...
    await cache.setIfUnchanged([entry('k', 'old', guard ?? '')], 60) // ...and the old row comes back
    expect(await cache.getMany(['k'])).toEqual([null])
    // the next load reads the new version and may fill
    const [next] = await cache.getMany(['k:v'])
    await cache.setIfUnchanged([entry('k', 'new', next ?? '')], 60)
    expect(await cache.getMany(['k'])).toEqual(['new'])
  })

  it('invalidate with no entries is harmless', async () => {
    const cache = memoryCache()
    await expect(cache.invalidate([])).resolves.toBeUndefined()
  })

  it('broadcast delivers to every subscriber of the channel before it resolves, and only to them', async () => {
    const cache = memoryCache()
    const first = jest.fn()
    const second = jest.fn()
    const other = jest.fn()
    cache.subscribe('ch', first, () => undefined)
    cache.subscribe('ch', second, () => undefined)
    cache.subscribe('other', other, () => undefined)
    const message = { ids: ['a'] }
    const done = cache.broadcast('ch', message)
    // synchronous: already delivered before the promise is even awaited
    expect(first).toHaveBeenCalledWith(message)
    expect(second).toHaveBeenCalledWith(message)
    await done
    expect(other).not.toHaveBeenCalled()
  })

  it('broadcast on a channel nobody listens to resolves', async () => {
    await expect(memoryCache().broadcast('nobody', { x: 1 })).resolves.toBeUndefined()
  })

  it('close drops every value', async () => {
    const cache = memoryCache()
    await cache.setIfUnchanged([entry('k', 'v', '')], 60)
    await cache.close()
    expect(await cache.getMany(['k'])).toEqual([null])
  })
})

describe('invalidateResponses', () => {
  it('does nothing without Redis (the memory cache): no broadcast on the response channel', async () => {
    const cache = memoryCache()
    const listener = jest.fn()
    cache.subscribe(RESPONSE_INVALIDATION_CHANNEL, listener, () => undefined)
    await invalidateResponses(cache, ['User:abc'])
    expect(listener).not.toHaveBeenCalled()
  })

  it('broadcasts the tags on the response channel with Redis, and nothing for no tags', async () => {
    const broadcast = jest.fn(async (_channel: string, _message: unknown): Promise<void> => undefined)
    const fake: Cache = {
      kind: 'redis',
      healthy: true,
      getMany: async (keys) => keys.map(() => null),
      setIfUnchanged: async () => undefined,
      invalidate: async () => undefined,
      broadcast,
      subscribe: () => undefined,
      close: async () => undefined,
    }
    await invalidateResponses(fake, [])
    expect(broadcast).not.toHaveBeenCalled()
    await invalidateResponses(fake, ['User:abc', 'Comment:def'])
    expect(broadcast).toHaveBeenCalledTimes(1)
    expect(broadcast).toHaveBeenCalledWith(RESPONSE_INVALIDATION_CHANNEL, { tags: ['User:abc', 'Comment:def'] })
  })

  it('uses the channel name the gateways subscribe to', () => {
    expect(RESPONSE_INVALIDATION_CHANNEL).toBe('invalidate:responses')
  })
})
