import { createCache, invalidateResponses, type Cache, type GuardedEntry } from '../../../packages/service-template/src/cache'
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

describe('the memory cache: gateway responses', () => {
  const gzipped = (text: string): Buffer => Buffer.from(text, 'utf8')

  it('answers no body and epoch "0" for an unknown key', async () => {
    await expect(memoryCache().getResponse('nope')).resolves.toEqual({ body: null, epoch: '0' })
  })

  it('stores a response at the current epoch and answers the same bytes', async () => {
    const cache = memoryCache()
    const body = Buffer.from([0x1f, 0x8b, 0x00, 0xff, 0x10, 0x80])
    await expect(cache.putResponse('k', body, ['User:a'], '0', 60)).resolves.toBe(true)
    const found = await cache.getResponse('k')
    expect(found?.epoch).toBe('0')
    expect(found?.body?.equals(body)).toBe(true)
    expect(await cache.getResponse('other')).toEqual({ body: null, epoch: '0' })
  })

  it('bounds a tag set like Redis does: full → not stored, until expired members are pruned', async () => {
    const cache = memoryCache()
    const now = jest.spyOn(Date, 'now').mockReturnValue(1_000_000)
    try {
      await cache.putResponse('short', gzipped('s'), ['User:hot'], '0', 1, 2)
      await cache.putResponse('long', gzipped('l'), ['User:hot'], '0', 60, 2)
      await expect(cache.putResponse('more', gzipped('m'), ['User:hot'], '0', 60, 2)).resolves.toBe(false)
      expect((await cache.getResponse('more'))?.body).toBeNull()
      now.mockReturnValue(1_000_000 + 2_000) // "short" has expired
      await expect(cache.putResponse('more', gzipped('m'), ['User:hot'], '0', 60, 2)).resolves.toBe(true)
      await cache.invalidateResponses(['User:hot'])
      expect((await cache.getResponse('long'))?.body).toBeNull()
      expect((await cache.getResponse('more'))?.body).toBeNull()
    } finally {
      now.mockRestore()
    }
  })

  it('overwrites a response stored again under the same key', async () => {
    const cache = memoryCache()
    await cache.putResponse('k', gzipped('one'), ['User:a'], '0', 60)
    await cache.putResponse('k', gzipped('two'), ['User:a'], '0', 60)
    expect((await cache.getResponse('k'))?.body?.toString('utf8')).toBe('two')
  })

  it('every invalidation moves the epoch (1, 2, ...), even of tags nothing is stored under', async () => {
    const cache = memoryCache()
    await cache.invalidateResponses(['User:nobody'])
    expect((await cache.getResponse('k'))?.epoch).toBe('1')
    await cache.invalidateResponses(['User:nobody', 'Comment:none'])
    expect((await cache.getResponse('k'))?.epoch).toBe('2')
  })

  it('refuses a response computed before an invalidation of one of its tags, and stores nothing', async () => {
    const cache = memoryCache()
    const { epoch } = (await cache.getResponse('k')) ?? { epoch: '' }
    await cache.invalidateResponses(['User:a'])
    await expect(cache.putResponse('k', gzipped('stale'), ['Comment:c', 'User:a'], epoch, 60)).resolves.toBe(false)
    expect(await cache.getResponse('k')).toEqual({ body: null, epoch: '1' })
    // the stale store left no tag behind: an invalidation of its tag drops nothing stored since
    await expect(cache.putResponse('j', gzipped('fresh'), ['User:b'], '1', 60)).resolves.toBe(true)
    await cache.invalidateResponses(['Comment:c'])
    expect((await cache.getResponse('j'))?.body?.toString('utf8')).toBe('fresh')
    // an epoch from the future is refused too
    await expect(cache.putResponse('k', gzipped('x'), ['User:a'], '99', 60)).resolves.toBe(false)
  })

  it('stores a response computed while only other tags were invalidated', async () => {
    const cache = memoryCache()
    const { epoch } = (await cache.getResponse('k')) ?? { epoch: '' }
    await cache.invalidateResponses(['User:someone-else'])
    await expect(cache.putResponse('k', gzipped('fine'), ['User:a'], epoch, 60)).resolves.toBe(true)
    expect((await cache.getResponse('k'))?.body?.toString('utf8')).toBe('fine')
  })

  it('an invalidation drops exactly the responses stored under its tags', async () => {
    const cache = memoryCache()
    await cache.putResponse('alice-page', gzipped('A'), ['User:alice', 'comments:PRODUCT:p'], '0', 60)
    await cache.putResponse('bob-page', gzipped('B'), ['User:bob', 'comments:PRODUCT:q'], '0', 60)
    await cache.putResponse('both-page', gzipped('AB'), ['User:alice', 'User:bob'], '0', 60)
    await cache.invalidateResponses(['User:alice'])
    expect((await cache.getResponse('alice-page'))?.body).toBeNull()
    expect((await cache.getResponse('both-page'))?.body).toBeNull()
    expect((await cache.getResponse('bob-page'))?.body?.toString('utf8')).toBe('B')
    // any one of a response's tags drops it
    await cache.invalidateResponses(['comments:PRODUCT:q'])
    expect((await cache.getResponse('bob-page'))?.body).toBeNull()
  })

  it('a tag is emptied by its invalidation: a response stored under it later is dropped only by a later one', async () => {
    const cache = memoryCache()
    await cache.putResponse('k', gzipped('old'), ['User:a'], '0', 60)
    await cache.invalidateResponses(['User:a'])
    await cache.putResponse('k', gzipped('new'), ['User:a'], '1', 60)
    expect((await cache.getResponse('k'))?.body?.toString('utf8')).toBe('new')
    await cache.invalidateResponses(['User:a'])
    expect((await cache.getResponse('k'))?.body).toBeNull()
  })

  it('responses expire after their TTL', async () => {
    const cache = memoryCache()
    const now = jest.spyOn(Date, 'now')
    try {
      now.mockReturnValue(2_000_000)
      await cache.putResponse('k', gzipped('v'), ['User:a'], '0', 10)
      now.mockReturnValue(2_000_000 + 9_999)
      expect((await cache.getResponse('k'))?.body?.toString('utf8')).toBe('v')
      now.mockReturnValue(2_000_000 + 10_000)
      expect(await cache.getResponse('k')).toEqual({ body: null, epoch: '0' })
    } finally {
      now.mockRestore()
    }
  })

  it('never evicts (the response cache may use it)', async () => {
    await expect(memoryCache().evictionPolicy()).resolves.toBe('noeviction')
  })

  it('close drops every response', async () => {
    const cache = memoryCache()
    await cache.putResponse('k', gzipped('v'), ['User:a'], '0', 60)
    await cache.close()
    expect((await cache.getResponse('k'))?.body).toBeNull()
  })
})

describe('invalidateResponses', () => {
  /** A cache whose invalidateResponses is a mock (the rest does nothing). */
  function fakeCache(invalidate: (tags: readonly string[]) => Promise<void>): Cache {
    return {
      kind: 'redis',
      healthy: true,
      getMany: async (keys) => keys.map(() => null),
      put: async () => undefined,
      setIfUnchanged: async () => undefined,
      invalidate: async () => undefined,
      broadcast: async () => undefined,
      subscribe: () => undefined,
      getResponse: async () => ({ body: null, epoch: '0' }),
      putResponse: async () => true,
      invalidateResponses: invalidate,
      evictionPolicy: async () => 'noeviction',
      hit: async () => ({ count: 1, ttl: 1 }),
      close: async () => undefined,
    }
  }

  it("hands the tags to the cache's invalidateResponses, once, and nothing for no tags", async () => {
    const invalidate = jest.fn(async (_tags: readonly string[]): Promise<void> => undefined)
    const cache = fakeCache(invalidate)
    await invalidateResponses(cache, [])
    expect(invalidate).not.toHaveBeenCalled()
    await invalidateResponses(cache, ['User:abc', 'Comment:def'])
    expect(invalidate).toHaveBeenCalledTimes(1)
    expect(invalidate).toHaveBeenCalledWith(['User:abc', 'Comment:def'])
  })

  it('resolves only once the cache has applied it, and passes its failure on (the scenario retries)', async () => {
    let applied = false
    await invalidateResponses(
      fakeCache(async () => {
        await new Promise((resolve) => setTimeout(resolve, 5))
        applied = true
      }),
      ['User:abc'],
    )
    expect(applied).toBe(true)
    await expect(
      invalidateResponses(
        fakeCache(() => Promise.reject(new Error('redis is down'))),
        ['User:abc'],
      ),
    ).rejects.toThrow('redis is down')
  })

  it('drops the tagged responses of the memory cache', async () => {
    const cache = memoryCache()
    await cache.putResponse('k', Buffer.from('v'), ['User:abc'], '0', 60)
    await cache.putResponse('j', Buffer.from('w'), ['User:xyz'], '0', 60)
    await invalidateResponses(cache, ['User:abc'])
    expect(await cache.getResponse('k')).toEqual({ body: null, epoch: '1' })
    expect((await cache.getResponse('j'))?.body?.toString()).toBe('w')
  })
})
