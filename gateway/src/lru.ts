export interface LruOptions<V> {
  /** at most this many entries */
  readonly maxEntries: number
  /** at most this many (approximate) bytes, as `sizeOf` counts them */
  readonly maxBytes: number
  /** an entry's approximate size in bytes; an entry larger than maxBytes is not kept */
  readonly sizeOf: (value: V) => number
}

/**
 * A least-recently-used map bounded by entry count and by bytes: whatever the input, a per-query
 * cache keyed by a digest cannot grow past both limits.
 */
export class Lru<K, V> {
  // a Map iterates in insertion order: the first key is the least recently used
  private readonly entries = new Map<K, { readonly value: V; readonly bytes: number }>()
  private totalBytes = 0

  constructor(private readonly options: LruOptions<V>) {}

  get size(): number {
    return this.entries.size
  }

  get bytes(): number {
    return this.totalBytes
  }

  get(key: K): V | undefined {
    const entry = this.entries.get(key)
    if (!entry) return undefined
    this.entries.delete(key)
    this.entries.set(key, entry)
    return entry.value
  }

  has(key: K): boolean {
    return this.entries.has(key)
  }

  set(key: K, value: V): void {
    this.delete(key)
    const bytes = Math.max(0, this.options.sizeOf(value))
    if (bytes > this.options.maxBytes || this.options.maxEntries < 1) return
    this.entries.set(key, { value, bytes })
    this.totalBytes += bytes
    for (const [oldest, entry] of this.entries) {
      if (this.entries.size <= this.options.maxEntries && this.totalBytes <= this.options.maxBytes) break
      this.entries.delete(oldest)
      this.totalBytes -= entry.bytes
    }
  }

  delete(key: K): boolean {
    const entry = this.entries.get(key)
    if (!entry) return false
    this.entries.delete(key)
    this.totalBytes -= entry.bytes
    return true
  }

  clear(): void {
    this.entries.clear()
    this.totalBytes = 0
  }
}

/**
 * An `Lru` behind Apollo's KeyValueCache interface: Apollo Server's document store and the
 * gateway's query-plan store, keyed by a digest of the query, bounded by count and bytes (sized
 * as JSON, times 4 for the objects' overhead: about what a parsed document costs on the heap).
 */
export class BoundedKeyValueCache<V> {
  private readonly lru: Lru<string, V>

  constructor(maxEntries: number, maxBytes: number) {
    this.lru = new Lru({ maxEntries, maxBytes, sizeOf: (value) => (JSON.stringify(value)?.length ?? 0) * 4 })
  }

  async get(key: string): Promise<V | undefined> {
    return this.lru.get(key)
  }

  async set(key: string, value: V): Promise<void> {
    this.lru.set(key, value)
  }

  async delete(key: string): Promise<boolean> {
    return this.lru.delete(key)
  }

  clear(): void {
    this.lru.clear()
  }
}
