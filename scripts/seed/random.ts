// Deterministic randomness for the seed: a sequential PRNG (mulberry32) for decisions that
// depend on earlier ones, and counter-based hashing so any row's id or text can be rebuilt
// from (seed, table, index) alone, which lets the big tables stream in chunks.

export interface Random {
  /** A float in [0, 1). */
  next(): number
  /** An unsigned 32-bit integer. */
  uint32(): number
  /** An integer in [min, max], both inclusive. */
  int(min: number, max: number): number
  chance(probability: number): boolean
  pick<T>(items: readonly T[]): T
}

export function createRandom(seed: number): Random {
  let state = seed >>> 0
  const uint32 = (): number => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return (t ^ (t >>> 14)) >>> 0
  }
  const next = (): number => uint32() / 4294967296
  return {
    next,
    uint32,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    chance: (probability) => next() < probability,
    pick: <T>(items: readonly T[]): T => {
      if (items.length === 0) throw new Error('pick from an empty list')
      return items[Math.floor(next() * items.length)] as T
    },
  }
}

/** murmur3's finalizer: a bijection on 32-bit integers with good avalanche. */
export function fmix32(value: number): number {
  let h = value >>> 0
  h ^= h >>> 16
  h = Math.imul(h, 0x85ebca6b)
  h ^= h >>> 13
  h = Math.imul(h, 0xc2b2ae35)
  h ^= h >>> 16
  return h >>> 0
}

export function hash32(...parts: readonly number[]): number {
  let h = 0x811c9dc5
  for (const part of parts) h = fmix32((h ^ fmix32((part >>> 0) + 0x9e3779b9)) + 0x7f4a7c15)
  return h
}

/** FNV-1a: turns a table name into a key for hash32. */
export function stringHash(text: string): number {
  let h = 0x811c9dc5
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193)
  return h >>> 0
}

/** A generator for one row's content, independent of every other row. */
export function rowRandom(seed: number, tableKey: number, index: number): Random {
  return createRandom(hash32(seed, tableKey, index, 0x5eed))
}

function hex(value: number, digits: number): string {
  return (value >>> 0).toString(16).padStart(digits, '0')
}

/**
 * A version-4 UUID for row `index` of a table. The first 32 bits are a bijection of the index,
 * so ids never collide within a table; the other bits also depend on the table.
 */
export function uuidFor(seed: number, tableKey: number, index: number): string {
  const key = hash32(seed, tableKey)
  const w0 = fmix32((index ^ key) >>> 0)
  const w1 = fmix32((w0 ^ 0x85ebca6b ^ key) >>> 0)
  const w2 = fmix32((w1 + 0xc2b2ae35 + key) >>> 0)
  const w3 = fmix32((w2 ^ 0x27d4eb2f ^ fmix32(key)) >>> 0)
  return (
    `${hex(w0, 8)}-${hex(w1 >>> 16, 4)}-4${hex(w1 & 0xfff, 3)}-` +
    `${hex(0x8000 | ((w2 >>> 16) & 0x3fff), 4)}-${hex(w2 & 0xffff, 4)}${hex(w3, 8)}`
  )
}

/** An index in [0, n) that favours small indexes: power 1 is uniform, larger is more skewed. */
export function skewedIndex(random: Random, n: number, power: number): number {
  return Math.min(n - 1, Math.floor(n * random.next() ** power))
}

/** Samples ranks in [0, n) with probability proportional to 1 / (rank + 1)^exponent. */
export function zipfSampler(n: number, exponent: number): (random: Random) => number {
  if (n <= 0) return () => 0 // never called: callers draw only from non-empty lists
  const cdf = new Float64Array(n)
  let total = 0
  for (let rank = 0; rank < n; rank++) {
    total += 1 / (rank + 1) ** exponent
    cdf[rank] = total
  }
  return (random) => {
    const target = random.next() * total
    let low = 0
    let high = n - 1
    while (low < high) {
      const mid = (low + high) >>> 1
      if ((cdf[mid] as number) <= target) low = mid + 1
      else high = mid
    }
    return low
  }
}

/** A random permutation of 0..n-1 (Fisher–Yates). */
export function permutation(random: Random, n: number): Int32Array {
  const order = new Int32Array(n)
  for (let i = 0; i < n; i++) order[i] = i
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random.next() * (i + 1))
    const swap = order[i] as number
    order[i] = order[j] as number
    order[j] = swap
  }
  return order
}
