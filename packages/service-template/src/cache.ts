import { randomUUID } from 'node:crypto'
import Redis from 'ioredis'
import type { Logger } from './logger'
import type { CounterCell, HistogramLabels, Metrics } from './metrics'

export interface GuardedEntry {
  readonly key: string
  readonly value: string
  /** the key's version key, and the version read before the value was loaded ('' for none) */
  readonly guardKey: string
  readonly guardValue: string
}

/**
 * The shared cache: Redis when REDIS_URL is set, else this process's memory. Reads never fail:
 * on a Redis error or timeout they answer "miss" and the caller reads the database.
 */
export interface Cache {
  readonly kind: 'redis' | 'memory'
  /** false while Redis (or its invalidation channel) is unreachable: in-process copies must not be used */
  readonly healthy: boolean
  getMany(keys: readonly string[]): Promise<(string | null)[]>
  /** Stores one value with a lifetime; a failure is logged, not thrown (the caller can do without it). */
  put(key: string, value: string, ttlSeconds: number): Promise<void>
  /** Stores each entry only if its version is still the one read before the load (no stale fill). */
  setIfUnchanged(entries: readonly GuardedEntry[], ttlSeconds: number): Promise<void>
  /**
   * Deletes the keys and bumps their versions, so that fills begun before now are dropped. With
   * `epochKey`, also increments that counter in the same transaction and answers its new value
   * (a process that did not hear every invalidation up to it knows it missed one).
   */
  invalidate(entries: readonly { readonly key: string; readonly guardKey: string }[], epochKey?: string): Promise<number | void>
  /**
   * Tells every process listening on `channel`; resolves once each has handled it, or after a
   * bounded wait (ACK_TIMEOUT_MS) for those that do not answer: correctness must not depend on it.
   */
  broadcast(channel: string, message: unknown): Promise<void>
  /** `onReset` runs when the channel was interrupted (messages may have been missed). */
  subscribe(channel: string, onMessage: (message: unknown) => void, onReset: () => void): void
  /**
   * A cached gateway response (gzipped) and the response cache's epoch, read together; null when
   * the cache cannot answer (Redis down or slow: the gateway computes the response instead).
   */
  getResponse(key: string): Promise<ResponseLookup | null>
  /**
   * Stores a response under its tags, unless one of those tags was invalidated since `epoch` was
   * read: that invalidation ran while the response was computed, which may show what it dropped.
   * (An invalidation of other tags does not stand in the way.) True if stored.
   */
  putResponse(
    key: string,
    gzipped: Buffer,
    tags: readonly string[],
    epoch: string,
    ttlSeconds: number,
    maxKeysPerTag?: number,
  ): Promise<boolean>
  /** Moves the epoch, marks these tags with it, then drops every response stored under one of them. Throws when not applied. */
  invalidateResponses(tags: readonly string[]): Promise<void>
  /** Redis' maxmemory-policy (null when it cannot be read); the response cache needs "noeviction". */
  evictionPolicy(): Promise<string | null>
  /**
   * Counts one event under `key` in a fixed window of `windowSeconds` (a rate limit's counter,
   * shared by every process through Redis; this process's own count while Redis is unreachable).
   * `count` is this window's total including this event, `ttl` the seconds until the window ends.
   * `by` -1 takes an event back (a counter that reaches 0 is gone).
   */
  hit(key: string, windowSeconds: number, by?: number): Promise<WindowCount>
  /** Resolves when the cache answers (Redis: a PING within the command timeout); /ready asks it. */
  ping?(): Promise<void>
  close(): Promise<void>
}

export interface WindowCount {
  readonly count: number
  readonly ttl: number
}

/** Fixed-window counters in this process's memory: MemoryCache's, and Redis' fallback. */
class WindowCounters {
  private readonly windows = new Map<string, { count: number; until: number }>()

  hit(key: string, windowSeconds: number, by = 1, now = Date.now()): WindowCount {
    let window = this.windows.get(key)
    if (!window || window.until <= now) {
      // expired windows go when the map grows, so a flood of distinct keys cannot keep it growing
      if (this.windows.size >= 100_000) for (const [k, w] of this.windows) if (w.until <= now) this.windows.delete(k)
      if (this.windows.size >= 100_000) this.windows.clear()
      window = { count: 0, until: now + windowSeconds * 1000 }
      this.windows.set(key, window)
    }
    window.count += by
    if (window.count <= 0) {
      this.windows.delete(key)
      return { count: 0, ttl: 0 }
    }
    return { count: window.count, ttl: Math.ceil((window.until - now) / 1000) }
  }
}

export interface ResponseLookup {
  readonly body: Buffer | null
  readonly epoch: string
}

// the response cache's keys: one per response, one set per tag (the responses showing it), one epoch
const RESPONSE_EPOCH_KEY = 'resp:epoch'
// the responses one tag may list: a page of a popular author or subject has many cached variants
export const MAX_KEYS_PER_TAG = 10_000
const responseKey = (key: string): string => `resp:b:${key}`
const responseTagKey = (tag: string): string => `resp:t:${tag}`
/** the epoch at which a tag was last invalidated: a response computed since an earlier epoch may not be stored under it */
const responseTagMarkKey = (tag: string): string => `resp:m:${tag}`
/**
 * How long a tag's mark is kept: far longer than a response takes to compute (the gateway stores
 * nothing it looked up more than STORE_WITHIN_MS ago), so no store can outlive the mark it must see.
 */
export const TAG_MARK_TTL_SECONDS = 600
/** The gateway stores a computed response only within this long of its lookup (a process frozen in between stores nothing). */
export const STORE_WITHIN_MS = 60_000

class MemoryCache implements Cache {
  readonly kind = 'memory'
  readonly healthy = true
  private readonly entries = new Map<string, { value: string; expires: number }>()
  private readonly listeners = new Map<string, ((message: unknown) => void)[]>()

  async getMany(keys: readonly string[]): Promise<(string | null)[]> {
    const now = Date.now()
    return keys.map((key) => {
      const entry = this.entries.get(key)
      return entry && entry.expires > now ? entry.value : null
    })
  }

  async put(key: string, value: string, ttlSeconds: number): Promise<void> {
    this.entries.set(key, { value, expires: Date.now() + ttlSeconds * 1000 })
  }

  async setIfUnchanged(entries: readonly GuardedEntry[], ttlSeconds: number): Promise<void> {
    const guards = await this.getMany(entries.map((e) => e.guardKey))
    const expires = Date.now() + ttlSeconds * 1000
    entries.forEach((e, i) => {
      if ((guards[i] ?? '') === e.guardValue) this.entries.set(e.key, { value: e.value, expires })
    })
  }

  async invalidate(entries: readonly { key: string; guardKey: string }[], epochKey?: string): Promise<number | void> {
    const bump = (key: string): number => {
      const value = Number(this.entries.get(key)?.value ?? 0) + 1
      this.entries.set(key, { value: String(value), expires: Number.MAX_SAFE_INTEGER })
      return value
    }
    for (const { key, guardKey } of entries) {
      this.entries.delete(key)
      bump(guardKey)
    }
    if (epochKey !== undefined) return bump(epochKey)
  }

  // one process: the listeners are all here, and run before this returns
  async broadcast(channel: string, message: unknown): Promise<void> {
    for (const listener of this.listeners.get(channel) ?? []) listener(message)
  }

  subscribe(channel: string, onMessage: (message: unknown) => void): void {
    this.listeners.set(channel, [...(this.listeners.get(channel) ?? []), onMessage])
  }

  // the response cache's data, with the same rules as the Redis scripts below
  private readonly responses = new Map<string, { body: Buffer; expires: number }>()
  private readonly responseTags = new Map<string, Set<string>>()
  /** tag → [epoch of its last invalidation, when]; oldest first (each invalidation re-inserts) */
  private readonly responseTagMarks = new Map<string, [number, number]>()
  private responseEpoch = 0

  async getResponse(key: string): Promise<ResponseLookup> {
    const entry = this.responses.get(key)
    return { body: entry && entry.expires > Date.now() ? entry.body : null, epoch: String(this.responseEpoch) }
  }

  async putResponse(
    key: string,
    gzipped: Buffer,
    tags: readonly string[],
    epoch: string,
    ttlSeconds: number,
    maxKeysPerTag = MAX_KEYS_PER_TAG,
  ): Promise<boolean> {
    const seen = Number(epoch)
    if (!Number.isInteger(seen) || seen > this.responseEpoch) return false
    if (tags.some((tag) => (this.responseTagMarks.get(tag)?.[0] ?? 0) > seen)) return false
    const now = Date.now()
    for (const tag of tags) {
      const keys = this.responseTags.get(tag)
      if (!keys || keys.size < maxKeysPerTag) continue
      for (const member of keys) if (!((this.responses.get(member)?.expires ?? 0) > now)) keys.delete(member)
      if (keys.size >= maxKeysPerTag) return false
    }
    this.responses.set(key, { body: gzipped, expires: now + ttlSeconds * 1000 })
    for (const tag of tags) {
      let keys = this.responseTags.get(tag)
      if (!keys) this.responseTags.set(tag, (keys = new Set()))
      keys.add(key)
    }
    return true
  }

  async invalidateResponses(tags: readonly string[]): Promise<void> {
    this.responseEpoch++
    const now = Date.now()
    for (const [tag, [, at]] of this.responseTagMarks) {
      if (now - at < TAG_MARK_TTL_SECONDS * 1000) break
      this.responseTagMarks.delete(tag)
    }
    for (const tag of tags) {
      this.responseTagMarks.delete(tag)
      this.responseTagMarks.set(tag, [this.responseEpoch, now])
      for (const key of this.responseTags.get(tag) ?? []) this.responses.delete(key)
      this.responseTags.delete(tag)
    }
  }

  async evictionPolicy(): Promise<string> {
    return 'noeviction'
  }

  private readonly counters = new WindowCounters()

  async hit(key: string, windowSeconds: number, by = 1): Promise<WindowCount> {
    return this.counters.hit(key, windowSeconds, by)
  }

  async ping(): Promise<void> {}

  async close(): Promise<void> {
    this.entries.clear()
    this.responses.clear()
    this.responseTags.clear()
  }
}

// stores each value only if its guard (version) key is unchanged since the read
const SET_IF_UNCHANGED = `
local ttl = ARGV[1]
for i = 1, #KEYS / 2 do
  local guard = redis.call('GET', KEYS[2 * i]) or ''
  if guard == ARGV[2 * i + 1] then redis.call('SET', KEYS[2 * i - 1], ARGV[2 * i], 'EX', ttl) end
end
return 1`

// The epoch: one counter for every invalidation, started (when absent: a new or emptied Redis) at
// the server's TIME in milliseconds × 10^6, so that each start is a generation of its own — its
// leading 13 digits — and a response looked up before Redis lost its data is never stored after it. Each
// invalidated tag is marked with the epoch of its last invalidation (resp:m:<tag>).
//
// KEYS: the epoch, the response, its n tag sets, its n tag marks. ARGV: the epoch read before
// computing it, the body, the TTL, the cap of a tag set.
// Refused: a response whose lookup saw another generation, or one of whose tags was invalidated
// since (its mark is past the epoch read; epochs of one generation have as many digits, so they
// compare as strings). An invalidation of other tags does not stand in the way.
// A tag set lives as long as the longest-lived response in it: a store only ever pushes its expiry
// out (gateways with different TTLs must not shorten it under a response that outlives it).
// A tag set is bounded by ARGV[4]: at the cap, members whose response has gone are pruned (a random
// sample), and if it is still full the response is not stored — never dropping a member of a live
// response, which would let that response outlive an invalidation.
const PUT_RESPONSE = `
local seen = ARGV[1]
local now = redis.call('GET', KEYS[1]) or '0'
local n = (#KEYS - 2) / 2
if seen == '0' then
  if now ~= '0' then return 0 end
elseif #now ~= #seen or string.sub(now, 1, -7) ~= string.sub(seen, 1, -7) or now < seen then
  return 0
end
for i = 1, n do
  local mark = redis.call('GET', KEYS[2 + n + i])
  if mark and (seen == '0' or #mark ~= #seen or mark > seen) then return 0 end
end
local ttl = tonumber(ARGV[3])
local cap = tonumber(ARGV[4])
for i = 3, 2 + n do
  if redis.call('SCARD', KEYS[i]) >= cap then
    for _, member in ipairs(redis.call('SRANDMEMBER', KEYS[i], 100)) do
      if redis.call('EXISTS', member) == 0 then redis.call('SREM', KEYS[i], member) end
    end
    if redis.call('SCARD', KEYS[i]) >= cap then return 0 end
  end
end
redis.call('SET', KEYS[2], ARGV[2], 'EX', ttl)
for i = 3, 2 + n do
  redis.call('SADD', KEYS[i], KEYS[2])
  if redis.call('TTL', KEYS[i]) < ttl then redis.call('EXPIRE', KEYS[i], ttl) end
end
return 1`

// KEYS: the epoch, n tag sets, their n marks. ARGV: the marks' TTL. The epoch moves and the tags
// are marked first: if anything after fails, no response computed before this invalidation can be
// stored under these tags any more, and the caller retries.
const INVALIDATE_RESPONSES = `
if redis.call('EXISTS', KEYS[1]) == 0 then
  local t = redis.call('TIME')
  redis.call('SET', KEYS[1], t[1] .. string.format('%03d', math.floor(tonumber(t[2]) / 1000)) .. '000000')
end
redis.call('INCR', KEYS[1])
local epoch = redis.call('GET', KEYS[1])
local n = (#KEYS - 1) / 2
for i = 1, n do redis.call('SET', KEYS[1 + n + i], epoch, 'EX', ARGV[1]) end
for i = 2, 1 + n do
  for _, key in ipairs(redis.call('SMEMBERS', KEYS[i])) do redis.call('DEL', key) end
  redis.call('DEL', KEYS[i])
end
return 1`

// INCRBY, and EXPIRE when the window starts (or when an earlier EXPIRE was lost): one round trip, atomic
const HIT = `
local count = redis.call('INCRBY', KEYS[1], ARGV[2])
if count <= 0 then redis.call('DEL', KEYS[1]) return {0, 0} end
local ttl = redis.call('TTL', KEYS[1])
if ttl < 0 then redis.call('EXPIRE', KEYS[1], ARGV[1]) ttl = tonumber(ARGV[1]) end
return {count, ttl}`

const GUARD_TTL_SECONDS = 24 * 3600
// how long an invalidation waits for every process to drop its copies: one that does not answer
// (frozen, slow) is not waited for, it stops using its copies on its own (EntityCache's epoch lease)
export const ACK_TIMEOUT_MS = 250
const READ_TIMEOUT_MS = 250

// redis_command_duration_seconds' label: one per kind of round trip (a bounded set), made once
const command = (name: string): HistogramLabels<'redis_command_duration_seconds'> => ({ command: name })
const COMMAND = {
  mget: command('mget'),
  set: command('set'),
  setIfUnchanged: command('set_if_unchanged'),
  invalidate: command('invalidate'),
  publish: command('publish'),
  llen: command('llen'),
  del: command('del'),
  getResponse: command('get_response'),
  putResponse: command('put_response'),
  invalidateResponses: command('invalidate_responses'),
  hitWindow: command('hit_window'),
  ping: command('ping'),
  config: command('config'),
  ack: command('ack'),
} as const

class RedisCache implements Cache {
  readonly kind = 'redis'
  private readonly subscriber: Redis
  private readonly handlers = new Map<string, { onMessage: (message: unknown) => void; onReset: () => void }>()
  private subscriberReady = false
  private warned = false
  private readonly commands: CounterCell

  constructor(
    private readonly redis: Redis,
    url: string,
    private readonly log: Logger,
    private readonly metrics: Metrics,
  ) {
    // sent once, then run by its SHA (EVALSHA), not re-sent with every fill
    redis.defineCommand('setIfUnchanged', { lua: SET_IF_UNCHANGED })
    redis.defineCommand('putResponse', { lua: PUT_RESPONSE })
    redis.defineCommand('invalidateResponses', { lua: INVALIDATE_RESPONSES })
    redis.defineCommand('hitWindow', { numberOfKeys: 1, lua: HIT })
    this.commands = metrics.counter('redis_commands_total')
    this.subscriber = new Redis(url, { maxRetriesPerRequest: null, lazyConnect: true })
    this.subscriber.on('error', (err: Error) => this.warn('redis subscriber error', err))
    this.subscriber.on('ready', () => {
      this.subscriberReady = true
    })
    this.subscriber.on('close', () => {
      if (this.subscriberReady) for (const { onReset } of this.handlers.values()) onReset()
      this.subscriberReady = false
    })
    this.subscriber.on('message', (channel: string, raw: string) => void this.deliver(channel, raw))
  }

  get healthy(): boolean {
    return this.redis.status === 'ready' && (this.handlers.size === 0 || this.subscriberReady)
  }

  private warn(message: string, err: Error): void {
    if (this.warned) return
    this.warned = true
    this.log.warn(message, { error: err.message })
    setTimeout(() => (this.warned = false), 30_000).unref()
  }

  private count(commands = 1): void {
    this.commands.inc(commands)
  }

  /** One round trip, observed in redis_command_duration_seconds{command} whether it succeeds or not. */
  private timed<T>(labels: HistogramLabels<'redis_command_duration_seconds'>, roundTrip: () => Promise<T>): Promise<T> {
    const started = performance.now()
    return roundTrip().finally(() => this.metrics.observe('redis_command_duration_seconds', labels, (performance.now() - started) / 1000))
  }

  async getMany(keys: readonly string[]): Promise<(string | null)[]> {
    if (keys.length === 0) return []
    if (this.redis.status !== 'ready') return keys.map(() => null)
    this.count()
    try {
      return await this.timed(COMMAND.mget, () => this.redis.mget(...keys))
    } catch (err) {
      this.warn('redis read failed: reading the database instead', err as Error)
      return keys.map(() => null)
    }
  }

  async put(key: string, value: string, ttlSeconds: number): Promise<void> {
    if (this.redis.status !== 'ready') return
    this.count()
    await this.timed(COMMAND.set, () => this.redis.set(key, value, 'EX', ttlSeconds)).catch((err: Error) =>
      this.warn('redis write failed', err),
    )
  }

  async setIfUnchanged(entries: readonly GuardedEntry[], ttlSeconds: number): Promise<void> {
    if (entries.length === 0 || this.redis.status !== 'ready') return
    const keys = entries.flatMap((e) => [e.key, e.guardKey])
    const args = [String(ttlSeconds), ...entries.flatMap((e) => [e.value, e.guardValue])]
    this.count()
    const scripted = this.redis as unknown as { setIfUnchanged(numberOfKeys: number, ...keysAndArgs: string[]): Promise<unknown> }
    await this.timed(COMMAND.setIfUnchanged, () => scripted.setIfUnchanged(keys.length, ...keys, ...args)).catch((err: Error) =>
      this.warn('redis write failed', err),
    )
  }

  // failures propagate: an invalidation that did not happen must be retried by its scenario
  async invalidate(entries: readonly { key: string; guardKey: string }[], epochKey?: string): Promise<number | void> {
    if (entries.length === 0 && epochKey === undefined) return
    const pipeline = this.redis.multi()
    for (const { key, guardKey } of entries) pipeline.del(key).incr(guardKey).expire(guardKey, GUARD_TTL_SECONDS)
    // in the same transaction: a process that reads this epoch can tell whether it heard this invalidation
    if (epochKey !== undefined) pipeline.incr(epochKey)
    this.count(entries.length * 3 + (epochKey === undefined ? 0 : 1))
    const results = await this.timed(COMMAND.invalidate, () => pipeline.exec())
    const failed = results?.find(([err]) => err)
    if (!results || failed) throw failed?.[0] ?? new Error('redis invalidation was not applied')
    if (epochKey !== undefined) return Number(results[results.length - 1]?.[1])
  }

  async broadcast(channel: string, message: unknown): Promise<void> {
    const id = randomUUID()
    const ackKey = `ack:${id}`
    this.count(2)
    const receivers = await this.timed(COMMAND.publish, () => this.redis.publish(channel, JSON.stringify({ id, message })))
    const deadline = Date.now() + ACK_TIMEOUT_MS
    let acknowledged = 0
    while ((acknowledged = await this.timed(COMMAND.llen, () => this.redis.llen(ackKey))) < receivers) {
      this.count()
      if (Date.now() > deadline) {
        // not an error: the silent ones are frozen or slow, and serve no copy until they catch up
        this.metrics.increment('cache_broadcast_unacknowledged_total', receivers - acknowledged)
        this.log.warn('some processes did not acknowledge an invalidation in time', { channel, receivers, acknowledged })
        break
      }
      await new Promise((r) => setTimeout(r, 2))
    }
    await this.timed(COMMAND.del, () => this.redis.del(ackKey))
  }

  subscribe(channel: string, onMessage: (message: unknown) => void, onReset: () => void): void {
    this.handlers.set(channel, { onMessage, onReset })
    if (this.subscriber.status === 'wait')
      this.subscriber.connect().catch((err: Error) => this.warn('redis subscriber cannot connect', err))
    this.subscriber.subscribe(channel).catch((err: Error) => this.warn('redis subscribe failed', err))
  }

  async getResponse(key: string): Promise<ResponseLookup | null> {
    if (this.redis.status !== 'ready') return null
    this.count()
    try {
      const [epoch, body] = await this.timed(COMMAND.getResponse, () => this.redis.mgetBuffer(RESPONSE_EPOCH_KEY, responseKey(key)))
      return { body: body ?? null, epoch: epoch ? epoch.toString('latin1') : '0' }
    } catch (err) {
      this.warn('redis read failed: computing the response instead', err as Error)
      return null
    }
  }

  async putResponse(
    key: string,
    gzipped: Buffer,
    tags: readonly string[],
    epoch: string,
    ttlSeconds: number,
    maxKeysPerTag = MAX_KEYS_PER_TAG,
  ): Promise<boolean> {
    if (this.redis.status !== 'ready') return false
    this.count()
    const scripted = this.redis as unknown as { putResponse(numberOfKeys: number, ...keysAndArgs: (string | Buffer)[]): Promise<number> }
    const keys = [RESPONSE_EPOCH_KEY, responseKey(key), ...tags.map(responseTagKey), ...tags.map(responseTagMarkKey)]
    try {
      const stored = await this.timed(COMMAND.putResponse, () =>
        scripted.putResponse(keys.length, ...keys, epoch, gzipped, String(ttlSeconds), String(maxKeysPerTag)),
      )
      return stored === 1
    } catch (err) {
      this.warn('redis write failed', err as Error)
      return false
    }
  }

  // failures propagate: an invalidation that did not happen must be retried by its scenario
  async invalidateResponses(tags: readonly string[]): Promise<void> {
    this.count()
    const scripted = this.redis as unknown as { invalidateResponses(numberOfKeys: number, ...keysAndArgs: string[]): Promise<number> }
    const keys = [RESPONSE_EPOCH_KEY, ...tags.map(responseTagKey), ...tags.map(responseTagMarkKey)]
    await this.timed(COMMAND.invalidateResponses, () => scripted.invalidateResponses(keys.length, ...keys, String(TAG_MARK_TTL_SECONDS)))
  }

  // null only when Redis refuses CONFIG (managed services disable it); a timeout or a lost
  // connection rejects, so that the caller asks again later instead of assuming the answer
  async evictionPolicy(): Promise<string | null> {
    try {
      const reply = (await this.timed(COMMAND.config, () => this.redis.config('GET', 'maxmemory-policy'))) as unknown as string[]
      return reply[1] ?? null
    } catch (err) {
      if (/unknown command|NOPERM|no permissions|not allowed/i.test((err as Error).message)) return null
      throw err
    }
  }

  // while Redis is unreachable each process counts on its own: limits hold per process, not open
  private readonly fallbackCounters = new WindowCounters()

  async hit(key: string, windowSeconds: number, by = 1): Promise<WindowCount> {
    if (this.redis.status !== 'ready') return this.fallbackCounters.hit(key, windowSeconds, by)
    this.count()
    const scripted = this.redis as unknown as { hitWindow(key: string, windowSeconds: string, by: string): Promise<[number, number]> }
    try {
      const [count, ttl] = await this.timed(COMMAND.hitWindow, () => scripted.hitWindow(`rl:${key}`, String(windowSeconds), String(by)))
      return { count, ttl }
    } catch (err) {
      this.warn('redis rate-limit counter failed: counting in this process', err as Error)
      return this.fallbackCounters.hit(key, windowSeconds, by)
    }
  }

  // rejects at once while disconnected (no offline queue) and after READ_TIMEOUT_MS when Redis hangs
  async ping(): Promise<void> {
    await this.timed(COMMAND.ping, () => this.redis.ping())
  }

  private async deliver(channel: string, raw: string): Promise<void> {
    const handler = this.handlers.get(channel)
    if (!handler) return
    const { id, message } = JSON.parse(raw) as { id: string; message: unknown }
    handler.onMessage(message)
    // acknowledged only after the local copies are gone: the publisher waits for this
    await this.timed(COMMAND.ack, () => this.redis.multi().rpush(`ack:${id}`, '1').expire(`ack:${id}`, 60).exec()).catch((err: Error) =>
      this.warn('redis ack failed', err),
    )
  }

  async close(): Promise<void> {
    this.subscriber.disconnect()
    await this.redis.quit().catch(() => this.redis.disconnect())
  }
}

/** This process's memory only (e.g. the gateway's rate-limit counters when there is no Redis). */
export const memoryCache = (): Cache => new MemoryCache()

export function createCache(redisUrl: string | undefined, log: Logger, metrics: Metrics): Cache {
  if (!redisUrl) {
    log.warn('REDIS_URL is not set: caching is in-process only (not shared between processes)')
    return new MemoryCache()
  }
  // no offline queue and a command timeout: with Redis down, reads fall back to the database at once
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 0, enableOfflineQueue: false, commandTimeout: READ_TIMEOUT_MS })
  redis.on('error', () => undefined) // reported by the calls that fail
  return new RedisCache(redis, redisUrl, log, metrics)
}

/**
 * Drops every cached gateway response that shows one of these entities (tags like "User:<id>"
 * or "Comment:<id>") or lists ("comments:PRODUCT:<id>"), in Redis where the gateways keep them;
 * returns once it is done. Without Redis no gateway caches responses.
 */
export async function invalidateResponses(cache: Cache, tags: readonly string[]): Promise<void> {
  if (tags.length > 0) await cache.invalidateResponses(tags)
}
