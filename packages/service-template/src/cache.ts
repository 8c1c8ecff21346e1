import Redis from 'ioredis'
import type { Logger } from './logger'

/** Shared cache of serialised values: Redis when REDIS_URL is set, else this process's memory. */
export interface Cache {
  readonly kind: 'redis' | 'memory'
  getMany(keys: readonly string[]): Promise<(string | null)[]>
  setMany(entries: readonly (readonly [key: string, value: string])[], ttlSeconds: number): Promise<void>
  delete(keys: readonly string[]): Promise<void>
  close(): Promise<void>
}

class MemoryCache implements Cache {
  readonly kind = 'memory'
  private readonly entries = new Map<string, { value: string; expires: number }>()

  async getMany(keys: readonly string[]): Promise<(string | null)[]> {
    const now = Date.now()
    return keys.map((key) => {
      const entry = this.entries.get(key)
      if (!entry || entry.expires <= now) return null
      return entry.value
    })
  }

  async setMany(entries: readonly (readonly [string, string])[], ttlSeconds: number): Promise<void> {
    const expires = Date.now() + ttlSeconds * 1000
    for (const [key, value] of entries) this.entries.set(key, { value, expires })
  }

  async delete(keys: readonly string[]): Promise<void> {
    for (const key of keys) this.entries.delete(key)
  }

  async close(): Promise<void> {
    this.entries.clear()
  }
}

class RedisCache implements Cache {
  readonly kind = 'redis'
  constructor(private readonly redis: Redis) {}

  async getMany(keys: readonly string[]): Promise<(string | null)[]> {
    return keys.length === 0 ? [] : this.redis.mget(...keys)
  }

  async setMany(entries: readonly (readonly [string, string])[], ttlSeconds: number): Promise<void> {
    if (entries.length === 0) return
    const pipeline = this.redis.pipeline()
    for (const [key, value] of entries) pipeline.set(key, value, 'EX', ttlSeconds)
    await pipeline.exec()
  }

  async delete(keys: readonly string[]): Promise<void> {
    if (keys.length > 0) await this.redis.del(...keys)
  }

  async close(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect())
  }
}

export function createCache(redisUrl: string | undefined, log: Logger): Cache {
  if (!redisUrl) {
    log.warn('REDIS_URL is not set: caching is in-process only (not shared between processes)')
    return new MemoryCache()
  }
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1, enableOfflineQueue: false, lazyConnect: false })
  redis.on('error', (err: Error) => log.warn('redis error', { error: err.message }))
  return new RedisCache(redis)
}
