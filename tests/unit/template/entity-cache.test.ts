import { createCache, type Cache, type GuardedEntry } from '../../../packages/service-template/src/cache'
import { EntityCache, type EntityCacheOptions } from '../../../packages/service-template/src/entity-cache'
import { createLogger } from '../../../packages/service-template/src/logger'
import { Metrics } from '../../../packages/service-template/src/metrics'

const A = 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa'
const B = 'bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb'
const C = 'cccccccc-cccc-4ccc-8ccc-cccccccccccc'
const MISSING = 'dddddddd-dddd-4ddd-8ddd-dddddddddddd'

interface User {
  readonly id: string
  readonly name: string
  readonly createdAt: Date
}

const user = (id: string, name: string): User => ({ id, name, createdAt: new Date('2024-01-02T03:04:05.000Z') })

/** The database: a mutable table; rows come back in reversed table order, not in the order asked. */
function fakeDatabase(rows: readonly User[] = [user(A, 'a'), user(B, 'b'), user(C, 'c')]) {
  const table = new Map(rows.map((r) => [r.id, r]))
  const fetch = jest.fn(async (ids: readonly string[]): Promise<readonly User[]> =>
    [...table.values()].reverse().filter((r) => ids.includes(r.id)),
  )
  return { table, fetch }
}

const fromJson = (json: Record<string, unknown>): unknown => ({ ...json, createdAt: new Date(json.createdAt as string) })

function options(overrides: Partial<EntityCacheOptions> = {}): EntityCacheOptions {
  return { name: 'user', ttlSeconds: 60, localEntries: 100, localTtlSeconds: 60, fromJson, ...overrides }
}

/**
 * The in-memory shared cache behind a wrapper that spies on its calls (a wrapper, so that the
 * memory cache's own internal reads are not counted as the caller's).
 */
function spiedMemoryCache() {
  const inner = createCache(undefined, createLogger('test', 'silent'), new Metrics())
  const getMany = jest.fn((keys: readonly string[]) => inner.getMany(keys))
  const setIfUnchanged = jest.fn((entries: readonly GuardedEntry[], ttlSeconds: number) => inner.setIfUnchanged(entries, ttlSeconds))
  const invalidate = jest.fn((entries: readonly { readonly key: string; readonly guardKey: string }[]) => inner.invalidate(entries))
  const broadcast = jest.fn((channel: string, message: unknown) => inner.broadcast(channel, message))
  const cache: Cache = {
    kind: inner.kind,
    get healthy() {
      return inner.healthy
    },
    getMany,
    put: (key, value, ttl) => inner.put(key, value, ttl),
    setIfUnchanged,
    invalidate,
    broadcast,
    subscribe: (channel, onMessage, onReset) => inner.subscribe(channel, onMessage, onReset),
    getResponse: (key) => inner.getResponse(key),
    putResponse: (key, gzipped, tags, epoch, ttl) => inner.putResponse(key, gzipped, tags, epoch, ttl),
    invalidateResponses: (tags) => inner.invalidateResponses(tags),
    evictionPolicy: () => inner.evictionPolicy(),
    hit: (key, windowSeconds, by) => inner.hit(key, windowSeconds, by),
    close: () => inner.close(),
  }
  return { cache, getMany, setIfUnchanged, invalidate, broadcast }
}

function setup(overrides: Partial<EntityCacheOptions> = {}) {
  const shared = spiedMemoryCache()
  const metrics = new Metrics()
  const entities = new EntityCache<User>(shared.cache, metrics, options(overrides))
  const db = fakeDatabase()
  const counters = () => ({
    local: metrics.get('user_cache_local_hits_total'),
    shared: metrics.get('user_cache_shared_hits_total'),
    misses: metrics.get('user_cache_misses_total'),
  })
  return { ...shared, metrics, entities, db, counters }
}

/**
 * A Cache whose health can be switched and whose subscription callbacks are kept (a stand-in for
 * Redis). Several may share one store (`values`) and hear each other's broadcasts, as the users
 * processes behind one Redis do: a `frozen` one queues what it is sent (SIGSTOPped: it neither
 * handles nor acknowledges it until `resume`), a `deaf` one loses it (a subscription that dropped
 * without anyone noticing, e.g. resubscribing after ioredis already reported ready).
 */
class FakeCache implements Cache {
  readonly kind = 'redis'
  healthy = true
  frozen = false
  deaf = false
  private readonly inbox: { channel: string; message: unknown }[] = []
  readonly handlers = new Map<string, { onMessage: (message: unknown) => void; onReset: () => void }>()
  readonly getMany = jest.fn(async (keys: readonly string[]): Promise<(string | null)[]> => keys.map((k) => this.values.get(k) ?? null))
  readonly setIfUnchanged = jest.fn(async (entries: readonly GuardedEntry[]): Promise<void> => {
    for (const e of entries) if ((this.values.get(e.guardKey) ?? '') === e.guardValue) this.values.set(e.key, e.value)
  })
  readonly invalidate = jest.fn(
    async (entries: readonly { readonly key: string; readonly guardKey: string }[], epochKey?: string): Promise<number | void> => {
      for (const { key, guardKey } of entries) {
        this.values.delete(key)
        this.values.set(guardKey, String(Number(this.values.get(guardKey) ?? 0) + 1))
      }
      if (epochKey === undefined) return
      const epoch = Number(this.values.get(epochKey) ?? 0) + 1
      this.values.set(epochKey, String(epoch))
      return epoch
    },
  )
  readonly broadcast = jest.fn(async (channel: string, message: unknown): Promise<void> => {
    for (const process of this.peers) process.receive(channel, message)
  })

  constructor(
    readonly values = new Map<string, string>(),
    private readonly peers: FakeCache[] = [],
  ) {
    peers.push(this)
  }

  /** Another process on the same store, hearing this one's broadcasts (and it hears theirs). */
  peer(): FakeCache {
    return new FakeCache(this.values, this.peers)
  }

  private receive(channel: string, message: unknown): void {
    if (this.deaf) return
    if (this.frozen) this.inbox.push({ channel, message })
    else this.handlers.get(channel)?.onMessage(message)
  }

  /** SIGCONT: what was sent while frozen is handled now, in order. */
  resume(): void {
    this.frozen = false
    for (const { channel, message } of this.inbox.splice(0)) this.handlers.get(channel)?.onMessage(message)
  }

  subscribe(channel: string, onMessage: (message: unknown) => void, onReset: () => void): void {
    this.handlers.set(channel, { onMessage, onReset })
  }
  async put(key: string, value: string): Promise<void> {
    this.values.set(key, value)
  }
  // the response cache's methods are not the entity cache's business
  async getResponse(): Promise<null> {
    return null
  }
  async putResponse(): Promise<boolean> {
    return false
  }
  async invalidateResponses(): Promise<void> {}
  async evictionPolicy(): Promise<string> {
    return 'noeviction'
  }
  async hit(): Promise<{ count: number; ttl: number }> {
    return { count: 1, ttl: 1 }
  }
  async close(): Promise<void> {}
}

const EPOCH_KEY = 'user:epoch'

/** The reads of entity values (and versions) a FakeCache saw: not its reads of the invalidation epoch alone. */
const valueReads = (cache: FakeCache): (readonly string[])[] =>
  cache.getMany.mock.calls.map(([keys]) => keys).filter((keys) => !(keys.length === 1 && keys[0] === EPOCH_KEY))

/** A promise settled from the outside. */
function deferred<T>() {
  let resolve!: (value: T) => void
  const promise = new Promise<T>((r) => (resolve = r))
  return { promise, resolve }
}

/** Waits (a bounded number of microtasks) until the load has reached `fetch`. */
async function untilCalled(fetch: jest.Mock): Promise<void> {
  for (let i = 0; i < 100 && fetch.mock.calls.length === 0; i++) await Promise.resolve()
  if (fetch.mock.calls.length === 0) throw new Error('the load never reached fetch')
}

describe('EntityCache.load', () => {
  it('answers in the caller order, null for unknown ids, fetching the misses once', async () => {
    const { entities, db, getMany } = setup()
    const result = await entities.load([C, MISSING, A], db.fetch)
    expect(result.map((u) => u?.name ?? null)).toEqual(['c', null, 'a'])
    expect(db.fetch).toHaveBeenCalledTimes(1)
    expect(db.fetch).toHaveBeenCalledWith([C, MISSING, A])
    // one round trip: the values, then their versions
    expect(getMany).toHaveBeenCalledTimes(1)
    expect(getMany).toHaveBeenCalledWith([`user:${C}`, `user:${MISSING}`, `user:${A}`, `user:v:${C}`, `user:v:${MISSING}`, `user:v:${A}`])
  })

  it('fetches exactly the ids neither layer has', async () => {
    const { entities, db } = setup()
    await entities.load([A], db.fetch)
    db.fetch.mockClear()
    const result = await entities.load([B, A, C], db.fetch)
    expect(result.map((u) => u?.name)).toEqual(['b', 'a', 'c'])
    expect(db.fetch).toHaveBeenCalledTimes(1)
    expect(db.fetch).toHaveBeenCalledWith([B, C])
  })

  it('does not fetch (nor read the shared cache) for an empty list', async () => {
    const { entities, db, getMany } = setup()
    expect(await entities.load([], db.fetch)).toEqual([])
    expect(db.fetch).not.toHaveBeenCalled()
    expect(getMany).not.toHaveBeenCalled()
  })

  it('answers a second load of the same ids from the local layer: no fetch, no shared read', async () => {
    const { entities, db, getMany, counters } = setup()
    await entities.load([A, B], db.fetch)
    db.fetch.mockClear()
    getMany.mockClear()
    const result = await entities.load([B, A], db.fetch)
    expect(result.map((u) => u?.name)).toEqual(['b', 'a'])
    expect(db.fetch).not.toHaveBeenCalled()
    expect(getMany).not.toHaveBeenCalled()
    expect(counters()).toEqual({ local: 2, shared: 0, misses: 2 })
  })

  it('with localEntries 0 never uses the local layer: every load reads the shared cache', async () => {
    const { entities, db, getMany, counters } = setup({ localEntries: 0 })
    await entities.load([A, B], db.fetch)
    db.fetch.mockClear()
    getMany.mockClear()
    const result = await entities.load([A, B], db.fetch)
    expect(result.map((u) => u?.name)).toEqual(['a', 'b'])
    expect(db.fetch).not.toHaveBeenCalled()
    expect(getMany).toHaveBeenCalledTimes(1)
    expect(getMany).toHaveBeenCalledWith([`user:${A}`, `user:${B}`, `user:v:${A}`, `user:v:${B}`])
    expect(counters()).toEqual({ local: 0, shared: 2, misses: 2 })
  })

  it('with localEntries 0 a value removed from the shared cache behind its back is fetched again (no local copy)', async () => {
    const { cache, entities, db } = setup({ localEntries: 0 })
    await entities.load([A], db.fetch)
    await cache.invalidate([{ key: `user:${A}`, guardKey: `user:v:${A}` }]) // another process's invalidation, without our broadcast
    db.table.set(A, user(A, 'a2'))
    db.fetch.mockClear()
    expect((await entities.load([A], db.fetch))[0]?.name).toBe('a2')
    expect(db.fetch).toHaveBeenCalledTimes(1)
  })

  it('counts local hits, shared hits and misses', async () => {
    const shared = spiedMemoryCache()
    const db = fakeDatabase()
    const writerMetrics = new Metrics()
    // another process filled the shared cache with B
    await new EntityCache<User>(shared.cache, writerMetrics, options()).load([B], db.fetch)
    const metrics = new Metrics()
    const entities = new EntityCache<User>(shared.cache, metrics, options())
    await entities.load([A], db.fetch) // miss
    await entities.load([A, B, C, MISSING], db.fetch) // A local, B shared, C and MISSING misses
    expect(metrics.get('user_cache_local_hits_total')).toBe(1)
    expect(metrics.get('user_cache_shared_hits_total')).toBe(1)
    expect(metrics.get('user_cache_misses_total')).toBe(3)
  })

  it('stores fetched rows in the shared cache as JSON, guarded by the version read', async () => {
    const { cache, entities, db, setIfUnchanged } = setup()
    await entities.load([A, MISSING], db.fetch)
    expect(setIfUnchanged).toHaveBeenCalledTimes(1)
    expect(setIfUnchanged).toHaveBeenCalledWith(
      [{ key: `user:${A}`, value: JSON.stringify(user(A, 'a')), guardKey: `user:v:${A}`, guardValue: '' }],
      60,
    )
    expect(await cache.getMany([`user:${A}`, `user:${MISSING}`])).toEqual([JSON.stringify(user(A, 'a')), null])
  })

  it('applies fromJson to values read from the shared cache (Dates revived), not to fetched rows', async () => {
    const shared = spiedMemoryCache()
    const db = fakeDatabase()
    const revive = jest.fn(fromJson)
    const first = new EntityCache<User>(shared.cache, new Metrics(), options({ fromJson: revive }))
    const fetched = await first.load([A], db.fetch)
    expect(revive).not.toHaveBeenCalled()
    expect(fetched[0]?.createdAt).toBeInstanceOf(Date)
    // another process (or localEntries 0) reads it from the shared cache
    const second = new EntityCache<User>(shared.cache, new Metrics(), options({ fromJson: revive }))
    const [hit] = await second.load([A], db.fetch)
    expect(db.fetch).toHaveBeenCalledTimes(1)
    expect(revive).toHaveBeenCalledTimes(1)
    expect(hit?.createdAt).toBeInstanceOf(Date)
    expect(hit).toEqual(user(A, 'a'))
  })
})

describe('EntityCache.invalidate', () => {
  it.each([100, 0])('makes the next load fetch again and answer the new value (localEntries %i)', async (localEntries) => {
    const { entities, db } = setup({ localEntries })
    expect((await entities.load([A, B], db.fetch)).map((u) => u?.name)).toEqual(['a', 'b'])
    db.table.set(A, user(A, 'a2'))
    await entities.invalidate([A])
    db.fetch.mockClear()
    expect((await entities.load([A, B], db.fetch)).map((u) => u?.name)).toEqual(['a2', 'b'])
    expect(db.fetch).toHaveBeenCalledTimes(1)
    expect(db.fetch).toHaveBeenCalledWith([A])
  })

  it('deletes the shared value, bumps its version and broadcasts the ids on invalidate:<name>', async () => {
    const { cache, entities, db, broadcast } = setup()
    await entities.load([A], db.fetch)
    await entities.invalidate([A])
    expect(await cache.getMany([`user:${A}`, `user:v:${A}`])).toEqual([null, '1'])
    expect(broadcast).toHaveBeenCalledWith('invalidate:user', { ids: [A] })
  })

  it('drops the local copies of every process listening on the channel', async () => {
    const { cache } = spiedMemoryCache()
    const db = fakeDatabase()
    const here = new EntityCache<User>(cache, new Metrics(), options())
    const there = new EntityCache<User>(cache, new Metrics(), options())
    await there.load([A], db.fetch)
    db.table.set(A, user(A, 'a2'))
    await here.invalidate([A])
    db.fetch.mockClear()
    expect((await there.load([A], db.fetch))[0]?.name).toBe('a2')
    expect(db.fetch).toHaveBeenCalledTimes(1)
  })

  it.each([100, 0])(
    'a slow load that fetched the OLD value before an invalidation leaves it neither in the shared cache nor locally (localEntries %i)',
    async (localEntries) => {
      const { cache, entities, db } = setup({ localEntries })
      const slow = deferred<readonly User[]>()
      const slowFetch = jest.fn(() => slow.promise)
      const loading = entities.load([A], slowFetch)
      // wait until the load reached the database (it has read the version already)
      await untilCalled(slowFetch)
      db.table.set(A, user(A, 'a2'))
      await entities.invalidate([A])
      slow.resolve([user(A, 'a-old')])
      expect((await loading)[0]?.name).toBe('a-old') // that caller began before the write: fine
      expect(await cache.getMany([`user:${A}`])).toEqual([null])
      // the next load sees the new value (it had to go to the database)
      expect((await entities.load([A], db.fetch))[0]?.name).toBe('a2')
      expect(db.fetch).toHaveBeenCalledTimes(1)
      // and keeps answering it
      expect((await entities.load([A], db.fetch))[0]?.name).toBe('a2')
      expect(db.fetch).toHaveBeenCalledTimes(1)
    },
  )

  it('a slow OLD fill finishing after a fresh load does not overwrite the fresh value', async () => {
    const { cache, entities, db } = setup()
    const slow = deferred<readonly User[]>()
    const slowFetch = jest.fn(() => slow.promise)
    const loading = entities.load([A], slowFetch)
    await untilCalled(slowFetch)
    db.table.set(A, user(A, 'a2'))
    await entities.invalidate([A])
    expect((await entities.load([A], db.fetch))[0]?.name).toBe('a2') // fills both layers with a2
    slow.resolve([user(A, 'a-old')])
    await loading
    expect(await cache.getMany([`user:${A}`])).toEqual([JSON.stringify(user(A, 'a2'))])
    db.fetch.mockClear()
    expect((await entities.load([A], db.fetch))[0]?.name).toBe('a2')
    expect(db.fetch).not.toHaveBeenCalled()
  })
})

describe('EntityCache local layer', () => {
  it('keeps at most localEntries: loading 3 ids with room for 2 evicts the oldest', async () => {
    const { entities, db, getMany } = setup({ localEntries: 2 })
    await entities.load([A, B, C], db.fetch)
    getMany.mockClear()
    await entities.load([B, C], db.fetch) // both still local
    expect(getMany).not.toHaveBeenCalled()
    await entities.load([A], db.fetch) // evicted: read from the shared cache (no fetch)
    expect(getMany).toHaveBeenCalledTimes(1)
    expect(getMany).toHaveBeenCalledWith([`user:${A}`, `user:v:${A}`])
    expect(db.fetch).toHaveBeenCalledTimes(1)
  })

  // Oldest-first, not LRU: moving every hit to the back of a 100,000-entry Map was the users
  // subgraph's largest cost under load (bench --users-only --profile).
  it('evicts the oldest entry; a local hit does not move it', async () => {
    const { entities, db, getMany } = setup({ localEntries: 2 })
    await entities.load([A], db.fetch)
    await entities.load([B], db.fetch)
    await entities.load([A], db.fetch) // a local hit: A stays the oldest
    await entities.load([C], db.fetch) // evicts A
    getMany.mockClear()
    await entities.load([B, C], db.fetch)
    expect(getMany).not.toHaveBeenCalled()
    await entities.load([A], db.fetch)
    expect(getMany).toHaveBeenCalledWith([`user:${A}`, `user:v:${A}`])
  })

  it('a local hit is not written back to the local layer', async () => {
    const { entities, db } = setup({ localEntries: 10 })
    await entities.load([A, B], db.fetch)
    const local = (entities as unknown as { local: Map<string, unknown> }).local
    const set = jest.spyOn(local, 'set')
    await entities.load([A, B], db.fetch)
    expect(set).not.toHaveBeenCalled()
    await entities.load([A, C], db.fetch)
    expect(set).toHaveBeenCalledTimes(1) // C only
  })

  it('is not used while the cache is unhealthy (neither read nor filled)', async () => {
    const cache = new FakeCache()
    const metrics = new Metrics()
    const entities = new EntityCache<User>(cache, metrics, options())
    const db = fakeDatabase()
    cache.healthy = false
    await entities.load([A], db.fetch)
    await entities.load([A], db.fetch)
    expect(valueReads(cache)).toHaveLength(2)
    expect(metrics.get('user_cache_local_hits_total')).toBe(0)
    expect(metrics.get('user_cache_shared_hits_total')).toBe(1)
    cache.healthy = true
    await entities.load([A], db.fetch) // nothing was kept locally while unhealthy
    expect(valueReads(cache)).toHaveLength(3)
  })

  it('is not read while the cache is unhealthy, even if it holds a copy', async () => {
    const cache = new FakeCache()
    const entities = new EntityCache<User>(cache, new Metrics(), options())
    const db = fakeDatabase()
    await entities.load([A], db.fetch) // local copy kept
    cache.getMany.mockClear()
    cache.healthy = false
    cache.values.clear() // the shared copy is gone (e.g. Redis restarted)
    db.table.set(A, user(A, 'a2'))
    expect((await entities.load([A], db.fetch))[0]?.name).toBe('a2')
    expect(valueReads(cache)).toHaveLength(1)
  })

  it('subscribes to invalidate:<name>, and the reset callback clears the local layer', async () => {
    const cache = new FakeCache()
    const entities = new EntityCache<User>(cache, new Metrics(), options())
    const db = fakeDatabase()
    const handler = cache.handlers.get('invalidate:user')
    expect(handler).toBeDefined()
    await entities.load([A, B], db.fetch)
    cache.getMany.mockClear()
    await entities.load([A, B], db.fetch)
    expect(valueReads(cache)).toHaveLength(0)
    handler?.onReset()
    await entities.load([A, B], db.fetch)
    expect(valueReads(cache)).toHaveLength(1)
  })

  it('a reset during a load keeps that load from filling the local layer', async () => {
    const cache = new FakeCache()
    const entities = new EntityCache<User>(cache, new Metrics(), options())
    const slow = deferred<readonly User[]>()
    const slowFetch = jest.fn(() => slow.promise)
    const loading = entities.load([A], slowFetch)
    await untilCalled(slowFetch)
    cache.handlers.get('invalidate:user')?.onReset()
    slow.resolve([user(A, 'a')])
    await loading
    cache.getMany.mockClear()
    await entities.load([A], fakeDatabase().fetch)
    expect(valueReads(cache)).toHaveLength(1)
  })

  it('a message on the channel drops only the ids it names', async () => {
    const cache = new FakeCache()
    const entities = new EntityCache<User>(cache, new Metrics(), options())
    const db = fakeDatabase()
    await entities.load([A, B], db.fetch)
    cache.getMany.mockClear()
    cache.handlers.get('invalidate:user')?.onMessage({ ids: [A] })
    await entities.load([A, B], db.fetch)
    expect(valueReads(cache)).toContainEqual([`user:${A}`, `user:v:${A}`])
  })
})

describe('EntityCache across users processes: a replica that misses an invalidation', () => {
  /** Two users processes on one Redis: `here` runs the invalidation, `there` holds local copies. */
  function twoProcesses() {
    const hereCache = new FakeCache()
    const thereCache = hereCache.peer()
    const here = new EntityCache<User>(hereCache, new Metrics(), options())
    const there = new EntityCache<User>(thereCache, new Metrics(), options())
    return { hereCache, thereCache, here, there, db: fakeDatabase() }
  }

  it('every invalidation moves the epoch in Redis, in the same call as the delete', async () => {
    const { hereCache, here } = twoProcesses()
    await here.invalidate([A])
    await here.invalidate([B])
    expect(hereCache.invalidate).toHaveBeenLastCalledWith([{ key: `user:${B}`, guardKey: `user:v:${B}` }], EPOCH_KEY)
    expect(hereCache.values.get(EPOCH_KEY)).toBe('2')
  })

  it('a replica that heard the invalidation drops that id only: its other copies stay local', async () => {
    const { thereCache, here, there, db } = twoProcesses()
    await there.load([A, B], db.fetch)
    db.table.set(A, user(A, 'a2'))
    await here.invalidate([A])
    thereCache.getMany.mockClear()
    expect((await there.load([A, B], db.fetch)).map((u) => u?.name)).toEqual(['a2', 'b'])
    expect(valueReads(thereCache)).toEqual([[`user:${A}`, `user:v:${A}`]])
  })

  it('a replica whose subscription lost the message does not serve its copy once the invalidation returned', async () => {
    const { thereCache, here, there, db } = twoProcesses()
    await there.load([A], db.fetch)
    thereCache.deaf = true // no reset either: it does not know it missed anything
    db.table.set(A, user(A, 'a2'))
    await here.invalidate([A])
    expect((await there.load([A], db.fetch))[0]?.name).toBe('a2')
    expect((await there.load([A], db.fetch))[0]?.name).toBe('a2')
  })

  it('a frozen replica: the invalidation returns without it, and once resumed it never serves its stale copy', async () => {
    const { thereCache, here, there, db } = twoProcesses()
    await there.load([A, B], db.fetch)
    thereCache.frozen = true
    db.table.set(A, user(A, 'a2'))
    await here.invalidate([A])
    // resumed: a request is answered before the queued invalidation is handled...
    expect((await there.load([A], db.fetch))[0]?.name).toBe('a2')
    // ...and after it
    thereCache.resume()
    expect((await there.load([A, B], db.fetch)).map((u) => u?.name)).toEqual(['a2', 'b'])
  })

  it('a replica that found a gap in the invalidations it heard drops its local layer, then uses it again', async () => {
    const { thereCache, here, there, db } = twoProcesses()
    await there.load([A, B], db.fetch)
    thereCache.deaf = true
    await here.invalidate([C]) // missed: it cannot know which ids changed
    thereCache.deaf = false
    thereCache.getMany.mockClear()
    await there.load([A, B], db.fetch)
    expect(valueReads(thereCache)).toEqual([[`user:${A}`, `user:${B}`, `user:v:${A}`, `user:v:${B}`]])
    thereCache.getMany.mockClear()
    await there.load([A, B], db.fetch)
    expect(valueReads(thereCache)).toEqual([])
  })

  it('a replica whose epoch read fails serves from Redis, not from its copies', async () => {
    const { thereCache, here, there, db } = twoProcesses()
    await there.load([A], db.fetch)
    thereCache.deaf = true
    db.table.set(A, user(A, 'a2'))
    await here.invalidate([A])
    // Redis does not answer (a timeout reads as a miss): not a confirmation
    const values = thereCache.getMany.getMockImplementation()
    thereCache.getMany.mockImplementation(async (keys) => keys.map(() => null))
    expect((await there.load([A], db.fetch))[0]?.name).toBe('a2')
    thereCache.getMany.mockImplementation(values)
  })
})

describe('EntityCache local layer in time', () => {
  afterEach(() => jest.useRealTimers())

  it('reads the epoch at most once per lease while every id is a local hit', async () => {
    jest.useFakeTimers()
    const cache = new FakeCache()
    const entities = new EntityCache<User>(cache, new Metrics(), options())
    const db = fakeDatabase()
    await entities.load([A, B], db.fetch)
    cache.getMany.mockClear()
    for (let i = 0; i < 50; i++) await entities.load([A, B], db.fetch)
    expect(cache.getMany).not.toHaveBeenCalled()
    jest.advanceTimersByTime(10_000)
    for (let i = 0; i < 50; i++) await entities.load([A, B], db.fetch)
    expect(cache.getMany).toHaveBeenCalledTimes(1)
    expect(cache.getMany).toHaveBeenCalledWith([EPOCH_KEY])
  })

  it('local entries expire after localTtlSeconds, even without any invalidation', async () => {
    jest.useFakeTimers()
    const cache = new FakeCache()
    const entities = new EntityCache<User>(cache, new Metrics(), options({ localTtlSeconds: 30 }))
    const db = fakeDatabase()
    await entities.load([A], db.fetch)
    cache.getMany.mockClear()
    jest.advanceTimersByTime(29_000)
    await entities.load([A], db.fetch)
    expect(valueReads(cache)).toEqual([])
    jest.advanceTimersByTime(1_001)
    await entities.load([A], db.fetch)
    expect(valueReads(cache)).toEqual([[`user:${A}`, `user:v:${A}`]])
  })
})
