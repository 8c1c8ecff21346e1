import { spawn, type ChildProcess } from 'node:child_process'
import { tmpdir } from 'node:os'
import { gunzipSync, gzipSync } from 'node:zlib'
import Redis from 'ioredis'
import { TAG_MARK_TTL_SECONDS, createCache, type Cache } from '../../../packages/service-template/src/cache'
import { createLogger } from '../../../packages/service-template/src/logger'
import { Metrics } from '../../../packages/service-template/src/metrics'
import { freePort, waitFor } from '../../../scripts/lib/ports'
import { findRedisServer } from '../../../scripts/lib/prerequisites'
import { leashed } from '../../../scripts/lib/processes'

// The Redis side of the gateway's response cache (RedisCache's getResponse, putResponse,
// invalidateResponses and evictionPolicy), against a real redis-server started here
// (REDIS_SERVER_PATH, else on PATH: `npm test` installs it first, see scripts/test-prerequisites.ts).

jest.setTimeout(20_000)

interface RedisServer {
  readonly url: string
  readonly process: ChildProcess
  /** a plain client, to look at the keys and change the configuration */
  readonly raw: Redis
  stop(): Promise<void>
}

/** Starts a throwaway redis-server (no persistence), on a free port unless told; resolves once it answers PING. */
async function startRedis(port?: number): Promise<RedisServer> {
  port ??= await freePort()
  const binary = findRedisServer()
  if (!binary)
    throw new Error('redis-server not found: set REDIS_SERVER_PATH or put it on PATH (`npx tsx scripts/test-prerequisites.ts` installs it)')
  // leashed: the server dies with this process even when jest's worker is killed, never orphaned
  const [command, args] = leashed(binary, [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--save',
    '',
    '--appendonly',
    'no',
    '--dir',
    tmpdir(),
  ])
  const child = spawn(command, args, { stdio: 'ignore' })
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  const failed = new Promise<never>((_, reject) => child.once('error', reject))
  const raw = new Redis(port, '127.0.0.1', { maxRetriesPerRequest: 1, retryStrategy: () => 50 })
  raw.on('error', () => undefined) // refused until the server listens
  // once only: ioredis keeps a 2 s timer alive when a client whose socket is already closed is disconnected
  let stopped: Promise<void> | undefined
  const stop = (): Promise<void> =>
    (stopped ??= (async () => {
      raw.disconnect()
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGKILL')
        await exited
      }
    })())
  try {
    await Promise.race([failed, waitFor('redis-server', async () => (await raw.ping()) === 'PONG', { timeoutMs: 10_000, intervalMs: 50 })])
  } catch (err) {
    await stop()
    throw err
  }
  return { url: `redis://127.0.0.1:${port}`, process: child, raw, stop }
}

/** A RedisCache on `url` (silent logger), once it is healthy. */
async function connect(url: string): Promise<Cache> {
  const cache = createCache(url, createLogger('test', 'silent'), new Metrics())
  await waitFor('the cache to be healthy', async () => cache.healthy, { timeoutMs: 10_000, intervalMs: 20 })
  return cache
}

/** What a gateway stores: a gzipped JSON body. */
const gzippedJson = (value: unknown): Buffer => gzipSync(JSON.stringify(value))
const bodyOf = async (cache: Cache, key: string): Promise<Buffer | null | undefined> => (await cache.getResponse(key))?.body

let server: RedisServer
let cache: Cache

beforeAll(async () => {
  server = await startRedis()
  cache = await connect(server.url)
})

afterAll(async () => {
  await cache?.close()
  await server?.stop()
})

beforeEach(async () => {
  await server.raw.flushall()
})

describe('RedisCache: gateway responses', () => {
  it('is the redis kind, and healthy once connected', () => {
    expect(cache.kind).toBe('redis')
    expect(cache.healthy).toBe(true)
  })

  it('answers no body and epoch "0" for an unknown key', async () => {
    await expect(cache.getResponse('unknown')).resolves.toEqual({ body: null, epoch: '0' })
  })

  it('stores a response and answers exactly the same bytes', async () => {
    const data = { data: { comment: { id: 'c1', body: 'crème brûlée ✓ 日本語' } } }
    const gzipped = gzippedJson(data)
    await expect(cache.putResponse('k', gzipped, ['Comment:c1'], '0', 60)).resolves.toBe(true)
    const found = await cache.getResponse('k')
    expect(found?.epoch).toBe('0')
    expect(Buffer.isBuffer(found?.body)).toBe(true)
    expect(found?.body?.equals(gzipped)).toBe(true)
    expect(found?.body && JSON.parse(gunzipSync(found.body).toString('utf8'))).toEqual(data)
  })

  it('is binary safe: every byte value, NULs and invalid UTF-8 survive', async () => {
    const bytes = Buffer.from(Array.from({ length: 512 }, (_, i) => (i * 7) % 256))
    await cache.putResponse('bin', bytes, ['User:a'], '0', 60)
    const body = await bodyOf(cache, 'bin')
    expect(body?.length).toBe(512)
    expect(body?.equals(bytes)).toBe(true)
  })

  it('bounds a tag set: at the cap a new response is not stored, until members whose response is gone are pruned', async () => {
    for (const key of ['a', 'b', 'c'])
      await expect(cache.putResponse(key, gzippedJson({ key }), ['User:hot', `Comment:${key}`], '0', 60, 3)).resolves.toBe(true)
    // full: the fourth is refused, and nothing of it is written
    await expect(cache.putResponse('d', gzippedJson({}), ['User:hot'], '0', 60, 3)).resolves.toBe(false)
    expect(await bodyOf(cache, 'd')).toBeNull()
    expect(await server.raw.scard('resp:t:User:hot')).toBe(3)
    // a tag below its cap is not held back by another tag's set
    await expect(cache.putResponse('e', gzippedJson({}), ['User:cold'], '0', 60, 3)).resolves.toBe(true)
    // once a listed response has expired (here: deleted), its member is pruned and the store goes through
    await server.raw.del('resp:b:b')
    await expect(cache.putResponse('d', gzippedJson({}), ['User:hot'], '0', 60, 3)).resolves.toBe(true)
    expect((await server.raw.smembers('resp:t:User:hot')).sort()).toEqual(['resp:b:a', 'resp:b:c', 'resp:b:d'])
    // every live response is still listed: an invalidation of the tag drops all of them
    await cache.invalidateResponses(['User:hot'])
    for (const key of ['a', 'c', 'd']) expect(await bodyOf(cache, key)).toBeNull()
  })

  it('keeps the response and its tag sets under the resp: prefix, with the TTL', async () => {
    await cache.putResponse('k', gzippedJson({}), ['User:a', 'comments:PRODUCT:p'], '0', 60)
    expect((await server.raw.keys('*')).sort()).toEqual(['resp:b:k', 'resp:t:User:a', 'resp:t:comments:PRODUCT:p'])
    expect(await server.raw.smembers('resp:t:User:a')).toEqual(['resp:b:k'])
    for (const key of ['resp:b:k', 'resp:t:User:a', 'resp:t:comments:PRODUCT:p']) {
      const ttl = await server.raw.ttl(key)
      expect(ttl).toBeGreaterThan(55)
      expect(ttl).toBeLessThanOrEqual(60)
    }
  })

  it('each store pushes the expiry of its tag sets out', async () => {
    await cache.putResponse('old', gzippedJson(1), ['User:a'], '0', 30)
    await cache.putResponse('new', gzippedJson(2), ['User:a'], '0', 600)
    expect(await server.raw.ttl('resp:t:User:a')).toBeGreaterThan(590)
    expect((await server.raw.smembers('resp:t:User:a')).sort()).toEqual(['resp:b:new', 'resp:b:old'])
  })

  it('every invalidation moves the epoch by one; the first starts a generation at the server time (ms × 10^6); it never expires', async () => {
    const [seconds, micros] = await server.raw.time()
    const ms = Number(seconds) * 1000 + Math.floor(Number(micros) / 1000)
    await cache.invalidateResponses(['User:nobody'])
    const first = (await cache.getResponse('k'))?.epoch ?? ''
    expect(first).toMatch(/^\d{19}$/)
    expect(Math.abs(Number(first.slice(0, 13)) - ms)).toBeLessThan(2_000)
    expect(first.slice(13)).toBe('000001')
    await cache.invalidateResponses(['User:nobody', 'Comment:none'])
    expect((await cache.getResponse('k'))?.epoch).toBe(String(BigInt(first) + 1n))
    expect(await server.raw.ttl('resp:epoch')).toBe(-1)
  })

  it('marks each invalidated tag with the epoch, for TAG_MARK_TTL_SECONDS', async () => {
    await cache.invalidateResponses(['User:a', 'Comment:b'])
    const epoch = (await cache.getResponse('k'))?.epoch
    expect(await server.raw.get('resp:m:User:a')).toBe(epoch)
    expect(await server.raw.get('resp:m:Comment:b')).toBe(epoch)
    expect(await server.raw.ttl('resp:m:User:a')).toBeGreaterThan(TAG_MARK_TTL_SECONDS - 5)
    expect(await server.raw.ttl('resp:m:User:a')).toBeLessThanOrEqual(TAG_MARK_TTL_SECONDS)
  })

  it('refuses a response computed before an invalidation of one of its tags, and stores nothing', async () => {
    await cache.invalidateResponses(['User:earlier']) // an epoch to start from
    const before = (await cache.getResponse('k'))?.epoch ?? ''
    await cache.invalidateResponses(['User:a'])
    await expect(cache.putResponse('k', gzippedJson('stale'), ['Comment:c', 'User:a'], before, 60)).resolves.toBe(false)
    expect((await cache.getResponse('k'))?.body).toBeNull()
    // not the response, nor its tag sets
    expect(await server.raw.keys('resp:b:*')).toEqual([])
    expect(await server.raw.keys('resp:t:*')).toEqual([])
    // a response computed after it, at the new epoch, is stored
    const after = (await cache.getResponse('k'))?.epoch ?? ''
    await expect(cache.putResponse('k', gzippedJson('fresh'), ['Comment:c', 'User:a'], after, 60)).resolves.toBe(true)
    expect(await bodyOf(cache, 'k')).not.toBeNull()
  })

  it('stores a response computed while only other tags were invalidated', async () => {
    await cache.invalidateResponses(['User:a'])
    const before = (await cache.getResponse('k'))?.epoch ?? ''
    await cache.invalidateResponses(['User:someone-else', 'comments:PRODUCT:other'])
    await expect(cache.putResponse('k', gzippedJson('fine'), ['User:a', 'comments:PRODUCT:p'], before, 60)).resolves.toBe(true)
    expect(await bodyOf(cache, 'k')).not.toBeNull()
  })

  it('refuses a response looked up before Redis lost its data, even once later invalidations moved the epoch past it', async () => {
    await cache.invalidateResponses(['User:x'])
    const before = (await cache.getResponse('k'))?.epoch ?? ''
    await cache.invalidateResponses(['User:a']) // its mark is lost with the data
    await server.raw.flushall()
    await new Promise((resolve) => setTimeout(resolve, 5)) // the next generation starts at a later millisecond
    for (let i = 0; i < 3; i++) await cache.invalidateResponses(['User:b'])
    const now = (await cache.getResponse('k'))?.epoch ?? ''
    expect(BigInt(now)).toBeGreaterThan(BigInt(before))
    await expect(cache.putResponse('k', gzippedJson('stale'), ['User:a'], before, 60)).resolves.toBe(false)
    // and before any invalidation since the loss (no epoch at all)
    await server.raw.flushall()
    await expect(cache.putResponse('k', gzippedJson('stale'), ['User:a'], before, 60)).resolves.toBe(false)
    expect(await bodyOf(cache, 'k')).toBeNull()
  })

  it('refuses a response whose epoch was never current ("0" after a move, or one from the future)', async () => {
    await expect(cache.putResponse('k', gzippedJson('x'), ['User:a'], '5', 60)).resolves.toBe(false)
    await cache.invalidateResponses(['User:a'])
    await expect(cache.putResponse('k', gzippedJson('x'), ['User:a'], '0', 60)).resolves.toBe(false)
    expect(await bodyOf(cache, 'k')).toBeNull()
  })

  it('an invalidation of one tag drops exactly the responses stored under it', async () => {
    await cache.putResponse('alice-1', gzippedJson('a1'), ['User:alice'], '0', 60)
    await cache.putResponse('alice-2', gzippedJson('a2'), ['User:alice', 'comments:PRODUCT:p'], '0', 60)
    await cache.putResponse('bob', gzippedJson('b'), ['User:bob', 'comments:PRODUCT:q'], '0', 60)
    await cache.invalidateResponses(['User:alice'])
    expect(await bodyOf(cache, 'alice-1')).toBeNull()
    expect(await bodyOf(cache, 'alice-2')).toBeNull()
    expect((await bodyOf(cache, 'bob'))?.equals(gzippedJson('b'))).toBe(true)
    expect(await server.raw.exists('resp:t:User:bob', 'resp:t:comments:PRODUCT:q')).toBe(2)
  })

  it('a response under several tags is dropped by any one of them', async () => {
    const tags = ['comments:PRODUCT:p', 'Comment:c1', 'User:alice']
    for (const tag of tags) {
      await server.raw.flushall()
      await cache.putResponse('page', gzippedJson('page'), tags, '0', 60)
      await cache.putResponse('unrelated', gzippedJson('other'), ['User:bob'], '0', 60)
      await cache.invalidateResponses([tag])
      expect(await bodyOf(cache, 'page')).toBeNull()
      expect(await bodyOf(cache, 'unrelated')).not.toBeNull()
    }
  })

  it('an invalidation of several tags drops the responses of each', async () => {
    await cache.putResponse('a', gzippedJson('a'), ['User:a'], '0', 60)
    await cache.putResponse('b', gzippedJson('b'), ['User:b'], '0', 60)
    await cache.putResponse('c', gzippedJson('c'), ['User:c'], '0', 60)
    await cache.invalidateResponses(['User:a', 'User:b', 'User:nobody'])
    expect(await bodyOf(cache, 'a')).toBeNull()
    expect(await bodyOf(cache, 'b')).toBeNull()
    expect(await bodyOf(cache, 'c')).not.toBeNull()
    expect((await cache.getResponse('c'))?.epoch?.slice(13)).toBe('000001') // one move for the whole invalidation
  })

  it('an invalidation deletes the tag sets it emptied', async () => {
    await cache.putResponse('k', gzippedJson('k'), ['User:a', 'Comment:c'], '0', 60)
    expect(await server.raw.exists('resp:t:User:a')).toBe(1)
    await cache.invalidateResponses(['User:a'])
    expect(await server.raw.exists('resp:t:User:a')).toBe(0)
    // a response stored later under the tag is dropped only by a later invalidation
    await cache.putResponse('k', gzippedJson('again'), ['User:a'], (await cache.getResponse('k'))?.epoch ?? '', 60)
    expect(await server.raw.smembers('resp:t:User:a')).toEqual(['resp:b:k'])
  })

  it('a shorter TTL never shortens a tag set under a response that lives longer (gateways with different TTLs)', async () => {
    await cache.putResponse('long', gzippedJson('long'), ['User:a'], '0', 600)
    await cache.putResponse('short', gzippedJson('short'), ['User:a'], '0', 1)
    expect(await server.raw.ttl('resp:t:User:a')).toBeGreaterThan(590)
    await new Promise((resolve) => setTimeout(resolve, 1_500))
    await cache.invalidateResponses(['User:a'])
    expect(await bodyOf(cache, 'long')).toBeNull()
  })

  it('responses and tag sets expire after their TTL', async () => {
    await cache.putResponse('k', gzippedJson('k'), ['User:a'], '0', 1)
    expect(await bodyOf(cache, 'k')).not.toBeNull()
    await new Promise((resolve) => setTimeout(resolve, 1_500))
    expect(await cache.getResponse('k')).toEqual({ body: null, epoch: '0' })
    expect(await server.raw.exists('resp:b:k', 'resp:t:User:a')).toBe(0)
  })

  it("reads Redis' eviction policy: noeviction by default, and what CONFIG SET made it", async () => {
    await expect(cache.evictionPolicy()).resolves.toBe('noeviction')
    await server.raw.config('SET', 'maxmemory-policy', 'allkeys-lru')
    try {
      await expect(cache.evictionPolicy()).resolves.toBe('allkeys-lru')
    } finally {
      await server.raw.config('SET', 'maxmemory-policy', 'noeviction')
    }
    await expect(cache.evictionPolicy()).resolves.toBe('noeviction')
  })
})

describe('RedisCache responses without Redis', () => {
  const elapsed = async <T>(run: () => Promise<T>): Promise<{ value: T; ms: number }> => {
    const start = Date.now()
    const value = await run()
    return { value, ms: Date.now() - start }
  }

  /** A read answers null (a miss) and a store answers false, each within a second: no request waits on the cache. */
  async function expectMissesFast(cache: Cache, key: string): Promise<void> {
    const read = await elapsed(() => cache.getResponse(key))
    expect(read.value).toBeNull()
    expect(read.ms).toBeLessThan(1_000)
    const write = await elapsed(() => cache.putResponse(key, gzippedJson('y'), ['User:a'], '0', 60))
    expect(write.value).toBe(false)
    expect(write.ms).toBeLessThan(1_000)
  }

  it('nothing listening: reads answer null at once, stores false, invalidations reject', async () => {
    const cache = createCache(`redis://127.0.0.1:${await freePort()}`, createLogger('test', 'silent'), new Metrics())
    try {
      expect(cache.healthy).toBe(false)
      await expectMissesFast(cache, 'k')
      await expect(cache.invalidateResponses(['User:a'])).rejects.toThrow()
      // not "CONFIG is disabled" (null, taken as safe for good): the gateway asks again later
      await expect(cache.evictionPolicy()).rejects.toThrow()
    } finally {
      await cache.close()
    }
  })

  it('the server stopped: reads answer null at once, stores false, invalidations reject; back when it is', async () => {
    const own = await startRedis()
    const port = Number(new URL(own.url).port)
    const cache = await connect(own.url)
    let again: RedisServer | undefined
    try {
      await expect(cache.putResponse('k', gzippedJson('x'), ['User:a'], '0', 60)).resolves.toBe(true)
      await own.stop()
      await waitFor('the cache to notice', async () => !cache.healthy, { timeoutMs: 5_000, intervalMs: 10 })
      await expectMissesFast(cache, 'k')
      await expect(cache.invalidateResponses(['User:a'])).rejects.toThrow()
      // back once a server listens again (an empty one: nothing survived)
      again = await startRedis(port)
      await waitFor('the cache to reconnect', async () => cache.healthy, { timeoutMs: 10_000, intervalMs: 20 })
      await expect(cache.getResponse('k')).resolves.toEqual({ body: null, epoch: '0' })
      await expect(cache.putResponse('k', gzippedJson('z'), ['User:a'], '0', 60)).resolves.toBe(true)
      await expect(cache.invalidateResponses(['User:a'])).resolves.toBeUndefined()
    } finally {
      // closed once, while connected: ioredis keeps a 2 s timer alive for a client closed while reconnecting
      await cache.close()
      await own.stop()
      await again?.stop()
    }
  })

  it('the server hung (SIGSTOP): reads answer null within the command timeout, stores false', async () => {
    const own = await startRedis()
    const cache = await connect(own.url)
    try {
      await expect(cache.putResponse('k', gzippedJson('x'), ['User:a'], '0', 60)).resolves.toBe(true)
      own.process.kill('SIGSTOP')
      try {
        await expectMissesFast(cache, 'k')
        // a timeout is not an answer: an evicting Redis must not pass for a safe one
        await expect(cache.evictionPolicy()).rejects.toThrow()
      } finally {
        own.process.kill('SIGCONT')
      }
      // answers again once the server does
      await waitFor('a read to answer', async () => (await cache.getResponse('k'))?.body != null, { timeoutMs: 5_000, intervalMs: 20 })
    } finally {
      await cache.close()
      await own.stop()
    }
  })
})

describe("RedisCache: the entity caches' invalidation channel", () => {
  it('invalidate with an epoch key deletes, bumps the version and moves the epoch together, answering the new epoch', async () => {
    await server.raw.set('user:a', 'cached')
    await expect(cache.invalidate([{ key: 'user:a', guardKey: 'user:v:a' }], 'user:epoch')).resolves.toBe(1)
    await expect(cache.invalidate([{ key: 'user:b', guardKey: 'user:v:b' }], 'user:epoch')).resolves.toBe(2)
    expect(await server.raw.mget('user:a', 'user:v:a', 'user:v:b', 'user:epoch')).toEqual([null, '1', '1', '2'])
    expect(await server.raw.ttl('user:epoch')).toBe(-1) // never expires: a reset would read as a gap
  })

  it('broadcast waits a bounded time for acknowledgements: a subscriber that never answers does not fail it', async () => {
    const listener = await connect(server.url)
    const mute = new Redis(server.url) // subscribed, never acknowledges (a frozen process)
    try {
      const heard = jest.fn()
      listener.subscribe('invalidate:test', heard, () => undefined)
      await mute.subscribe('invalidate:test')
      await waitFor('both subscribers', async () => (await server.raw.pubsub('NUMSUB', 'invalidate:test'))[1] === 2, {
        timeoutMs: 5_000,
        intervalMs: 10,
      })
      await expect(cache.broadcast('invalidate:test', { ids: ['a'] })).resolves.toBeUndefined()
      expect(heard).toHaveBeenCalledWith({ ids: ['a'] })
    } finally {
      mute.disconnect()
      await listener.close()
    }
  })
})
