import type { Cache } from '@marketplace/service-template'

// larger documents are not registered: the client keeps sending their text, as the protocol allows
const MAX_PERSISTED_QUERY_BYTES = 32 * 1024

/**
 * Automatic persisted queries, kept in the shared cache (Redis) so that a hash registered through
 * one gateway process is known to all of them. Apollo Server registers a query here only after it
 * parsed and validated; the gateway's response cache reads it to serve hash-only requests.
 * Implements Apollo's KeyValueCache<string> (Apollo prefixes its keys with "apq:").
 */
export class PersistedQueryStore {
  constructor(
    private readonly cache: Cache,
    private readonly ttlSeconds: number,
  ) {}

  async get(key: string): Promise<string | undefined> {
    const [value] = await this.cache.getMany([key])
    return value ?? undefined
  }

  async set(key: string, value: string, options?: { ttl?: number | null }): Promise<void> {
    if (Buffer.byteLength(value) > MAX_PERSISTED_QUERY_BYTES) return
    await this.cache.put(key, value, options?.ttl ?? this.ttlSeconds)
  }

  async delete(_key: string): Promise<boolean> {
    return false // registrations expire; nothing deletes one early
  }

  /** The query text registered under a sha256 hash (hex), if any. */
  queryOf(sha256Hash: string): Promise<string | undefined> {
    return this.get(`apq:${sha256Hash}`)
  }
}
