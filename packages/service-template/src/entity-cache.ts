import { setTimeout as sleep } from 'node:timers/promises'
import type { Cache } from './cache'
import type { CounterCell, Metrics } from './metrics'

/**
 * How long one reading of the shared invalidation epoch lets a process use its local copies.
 * Every invalidation returns only once this long (and a margin) has passed since its write, so a
 * process that did not drop its copy by then (frozen, slow, its subscription interrupted) reads
 * the epoch again before it serves one, sees the invalidation it missed and drops its local layer.
 */
export const LOCAL_LEASE_MS = 50
// timers may fire a millisecond early against performance.now, and two processes' clocks tick apart
const LEASE_MARGIN_MS = 10
// an invalidation's message arrives just after its epoch moved: a gap is looked at twice, this far apart
const GAP_RECHECK_MS = 5
// the epoch key set when absent (a new or emptied Redis): a later reset reads as a gap, which is safe
const EPOCH_TTL_SECONDS = 365 * 24 * 3600
// epochs heard out of order that are kept while waiting for the ones below them
const MAX_AHEAD = 1_000

export interface EntityCacheOptions {
  /** the key prefix, e.g. "user" → user:<id> (value), user:v:<id> (version), user:epoch (invalidations so far) */
  readonly name: string
  readonly ttlSeconds: number
  /** entries kept in this process in front of Redis; 0 turns the in-process layer off */
  readonly localEntries: number
  /** the longest a local copy is served, invalidated or not (a safety net under the exact invalidation) */
  readonly localTtlSeconds: number
  /** the entity back from its JSON (e.g. Dates from ISO strings) */
  readonly fromJson: (json: Record<string, unknown>) => unknown
}

interface LocalCopy<T> {
  readonly value: T
  /** performance.now() after which it is not served */
  readonly until: number
}

/**
 * Entities by id through two cache layers: this process's memory and the shared cache (one MGET
 * per batch), then `fetch` for the misses only. Invalidation is exact: it deletes the shared copy,
 * bumps its version so that loads begun earlier cannot put the old value back, and moves the
 * shared epoch (user:epoch), all in one transaction; it tells every process to drop its own copy
 * and waits for them a bounded time. With Redis, local copies are served only by a process that
 * confirmed, less than LOCAL_LEASE_MS ago, that it had heard every invalidation up to the epoch:
 * one that missed any drops its local layer, and the invalidation outlasts the lease, so no read
 * that starts after it returned is served a copy it dropped, whichever replica is sick.
 */
export class EntityCache<T extends { readonly id: string }> {
  private readonly local = new Map<string, LocalCopy<T>>()
  // bumped by every drop of local copies: a load that saw it change does not fill the local layer
  private generation = 0
  private readonly channel: string
  private readonly epochKey: string
  // other processes share the cache (Redis): local copies need the epoch lease
  private readonly leased: boolean
  // the epoch this process heard every invalidation up to (null: not read yet)
  private heard: number | null = null
  // epochs heard above `heard` with one missing below them (two invalidations published out of order)
  private readonly ahead = new Set<number>()
  // when the last reading of the epoch that found nothing missed was sent
  private confirmedAt = -Infinity
  private confirming: Promise<void> | null = null
  // <name>_cache_…_total, looked up once (hit ratio: (local + shared) / (local + shared + misses))
  private readonly counted: {
    readonly localHits: CounterCell
    readonly sharedHits: CounterCell
    readonly misses: CounterCell
    readonly resets: CounterCell
  }

  constructor(
    private readonly cache: Cache,
    metrics: Metrics,
    private readonly options: EntityCacheOptions,
  ) {
    this.channel = `invalidate:${options.name}`
    this.epochKey = `${options.name}:epoch`
    this.leased = cache.kind === 'redis'
    this.counted = {
      localHits: metrics.counter(`${options.name}_cache_local_hits_total`),
      sharedHits: metrics.counter(`${options.name}_cache_shared_hits_total`),
      misses: metrics.counter(`${options.name}_cache_misses_total`),
      resets: metrics.counter(`${options.name}_cache_local_resets_total`),
    }
    cache.subscribe(
      this.channel,
      (message) => {
        const { ids, epoch } = message as { ids: string[]; epoch?: number }
        this.forget(ids)
        if (typeof epoch === 'number') this.hear(epoch)
      },
      () => {
        this.forgetAll()
        this.confirmedAt = -Infinity
      },
    )
  }

  private key = (id: string) => `${this.options.name}:${id}`
  private guardKey = (id: string) => `${this.options.name}:v:${id}`

  async load(ids: readonly string[], fetch: (ids: readonly string[]) => Promise<readonly T[]>): Promise<(T | null)[]> {
    const { counted } = this
    const found = new Map<string, T>()
    const keepLocal = this.options.localEntries > 0 && this.cache.healthy
    let readLocal = keepLocal
    let now = performance.now()
    if (readLocal && this.leased && ids.length > 0) {
      const age = now - this.confirmedAt
      if (age >= LOCAL_LEASE_MS) {
        await this.confirm()
        now = performance.now()
        readLocal = this.cache.healthy && now - this.confirmedAt < LOCAL_LEASE_MS
      } else if (age >= LOCAL_LEASE_MS / 2) void this.confirm() // renewed before it runs out, off the hot path
    }
    const generation = this.generation
    let wanted = ids
    if (readLocal) {
      wanted = ids.filter((id) => {
        const hit = this.local.get(id)
        if (!hit || hit.until <= now) return true
        found.set(id, hit.value)
        return false
      })
      counted.localHits.inc(ids.length - wanted.length)
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
      counted.sharedHits.inc(wanted.length - missing.length)
      counted.misses.inc(missing.length)
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
    // a fill is safe without the lease: it was read after every drop since `generation`, and a
    // missed invalidation is found by the next reading of the epoch, which drops it
    if (keepLocal && this.generation === generation) {
      const until = performance.now() + this.options.localTtlSeconds * 1000
      for (const [id, value] of loaded) this.remember(id, value, until)
    }
    return ids.map((id) => found.get(id) ?? null)
  }

  /**
   * Drops every cached copy of these entities before it returns: the shared one, this process's,
   * and every other process's (the ones that did not answer in time stop serving their copies).
   */
  async invalidate(ids: readonly string[]): Promise<void> {
    const epoch = await this.cache.invalidate(
      ids.map((id) => ({ key: this.key(id), guardKey: this.guardKey(id) })),
      this.leased ? this.epochKey : undefined,
    )
    const written = performance.now()
    this.forget(ids)
    if (typeof epoch === 'number') this.hear(epoch)
    await this.cache.broadcast(this.channel, { ids, epoch })
    // outlast every lease confirmed before the write: from now on a process serves local copies
    // only after reading this epoch, i.e. after it dropped this copy (or its whole local layer)
    const rest = written + LOCAL_LEASE_MS + LEASE_MARGIN_MS - performance.now()
    if (this.leased && rest > 0) await sleep(Math.ceil(rest))
  }

  private remember(id: string, value: T, until: number): void {
    this.local.delete(id) // a reload goes to the back of the queue
    this.local.set(id, { value, until })
    if (this.local.size > this.options.localEntries) {
      const oldest = this.local.keys().next().value
      if (oldest !== undefined) this.local.delete(oldest)
    }
  }

  private forget(ids: readonly string[]): void {
    this.generation++
    for (const id of ids) this.local.delete(id)
  }

  private forgetAll(): void {
    this.generation++
    this.local.clear()
  }

  /** An invalidation's message was handled (its ids dropped): `heard` moves up while it is contiguous. */
  private hear(epoch: number): void {
    if (this.heard === null || epoch <= this.heard) return
    if (this.ahead.size >= MAX_AHEAD) this.ahead.clear() // the next reading finds the gap
    this.ahead.add(epoch)
    while (this.ahead.delete(this.heard + 1)) this.heard++
  }

  /** One reading of the epoch at a time, shared by the loads that wait for it. */
  private confirm(): Promise<void> {
    this.confirming ??= this.readEpoch()
      .catch(() => undefined)
      .finally(() => (this.confirming = null))
    return this.confirming
  }

  private async readEpoch(): Promise<void> {
    let initialised = false
    let rechecked = false
    for (;;) {
      const sentAt = performance.now()
      const [raw] = await this.cache.getMany([this.epochKey])
      if (raw == null) {
        // unset (a new or emptied Redis), or Redis did not answer (that reads as a miss too): not
        // a confirmation; set it to 0 if it is absent (its own guard: written only when unset)
        if (initialised) return
        initialised = true
        await this.cache.setIfUnchanged([{ key: this.epochKey, value: '0', guardKey: this.epochKey, guardValue: '' }], EPOCH_TTL_SECONDS)
        continue
      }
      const epoch = Number(raw)
      if (epoch === this.heard) {
        this.confirmedAt = Math.max(this.confirmedAt, sentAt)
        return
      }
      if (!rechecked && this.heard !== null) {
        rechecked = true
        await sleep(GAP_RECHECK_MS)
        continue
      }
      // missed (or never heard) some invalidation up to `epoch`, and not which ids: drop them all
      if (this.heard !== null) this.counted.resets.inc()
      this.forgetAll()
      this.heard = epoch
      for (const e of this.ahead) if (e <= epoch) this.ahead.delete(e)
      while (this.ahead.delete(this.heard + 1)) this.heard++
      this.confirmedAt = sentAt
      return
    }
  }
}
