import type { Cache } from './cache'
import type { Metrics } from './metrics'

export interface EntityCacheOptions {
  /** the key prefix, e.g. "user" → user:<id> (value) and user:v:<id> (version) */
  readonly name: string
  readonly ttlSeconds: number
  /** entries kept in this process in front of Redis; 0 turns the in-process layer off */
  readonly localEntries: number
  /** the entity back from its JSON (e.g. Dates from ISO strings) */
  readonly fromJson: (json: Record<string, unknown>) => unknown
}

/**
 * Entities by id through two cache layers: this process's memory (only while the invalidation
 * channel is up) and the shared cache (one MGET per batch), then `fetch` for the misses only.
 * Invalidation is exact: it deletes the shared copy, bumps its version so that loads begun
 * earlier cannot put the old value back, and returns once every process dropped its own copy.
 */
export class EntityCache<T extends { readonly id: string }> {
  private readonly local = new Map<string, T>()
  // bumped by every invalidation heard: a load that saw it change does not fill the local layer
  private epoch = 0
  private readonly channel: string

  constructor(
    private readonly cache: Cache,
    private readonly metrics: Metrics,
    private readonly options: EntityCacheOptions,
  ) {
    this.channel = `invalidate:${options.name}`
    cache.subscribe(
      this.channel,
      (message) => this.forget((message as { ids: string[] }).ids),
      () => this.forgetAll(),
    )
  }

  private key = (id: string) => `${this.options.name}:${id}`
  private guardKey = (id: string) => `${this.options.name}:v:${id}`

  async load(ids: readonly string[], fetch: (ids: readonly string[]) => Promise<readonly T[]>): Promise<(T | null)[]> {
    const { metrics } = this
    const epoch = this.epoch
    const found = new Map<string, T>()
    const useLocal = this.options.localEntries > 0 && this.cache.healthy
    let wanted = ids
    if (useLocal) {
      wanted = ids.filter((id) => {
        const hit = this.local.get(id)
        if (hit) found.set(id, hit)
        return !hit
      })
      metrics.increment(`${this.options.name}_cache_local_hits_total`, ids.length - wanted.length)
    }
    // what this load adds to the local layer: not its local hits (re-inserting each hit to keep an
    // LRU order made a 100,000-entry Map the users subgraph's largest cost; eviction is oldest-first)
    const loaded = new Map<string, T>()
    if (wanted.length > 0) {
      // values and their versions in one round trip
      const raw = await this.cache.getMany([...wanted.map(this.key), ...wanted.map(this.guardKey)])
      const missing: { id: string; version: string }[] = []
      wanted.forEach((id, i) => {
        const value = raw[i]
        if (value) {
          const entity = this.options.fromJson(JSON.parse(value) as Record<string, unknown>) as T
          found.set(id, entity)
          loaded.set(id, entity)
        } else missing.push({ id, version: raw[wanted.length + i] ?? '' })
      })
      metrics.increment(`${this.options.name}_cache_shared_hits_total`, wanted.length - missing.length)
      metrics.increment(`${this.options.name}_cache_misses_total`, missing.length)
      if (missing.length > 0) {
        const rows = await fetch(missing.map((m) => m.id))
        const byId = new Map(rows.map((row) => [row.id, row]))
        const fills = missing.flatMap(({ id, version }) => {
          const row = byId.get(id)
          if (!row) return []
          found.set(id, row)
          loaded.set(id, row)
          return [{ key: this.key(id), value: JSON.stringify(row), guardKey: this.guardKey(id), guardValue: version }]
        })
        await this.cache.setIfUnchanged(fills, this.options.ttlSeconds)
      }
    }
    if (useLocal && this.epoch === epoch) for (const [id, value] of loaded) this.remember(id, value)
    return ids.map((id) => found.get(id) ?? null)
  }

  /** Drops every cached copy of these entities, everywhere, before it returns. */
  async invalidate(ids: readonly string[]): Promise<void> {
    await this.cache.invalidate(ids.map((id) => ({ key: this.key(id), guardKey: this.guardKey(id) })))
    this.forget(ids)
    await this.cache.broadcast(this.channel, { ids })
  }

  private remember(id: string, value: T): void {
    this.local.delete(id) // a reload goes to the back of the queue
    this.local.set(id, value)
    if (this.local.size > this.options.localEntries) {
      const oldest = this.local.keys().next().value
      if (oldest !== undefined) this.local.delete(oldest)
    }
  }

  private forget(ids: readonly string[]): void {
    this.epoch++
    for (const id of ids) this.local.delete(id)
  }

  private forgetAll(): void {
    this.epoch++
    this.local.clear()
  }
}
