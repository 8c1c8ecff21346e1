// Which page the next request reads: a subject by Zipf over its rank, then a page uniformly.

/** The benchmark's popularity of subjects: P(rank k) ∝ 1/k. */
export const ZIPF_EXPONENT = 1.0

/** mulberry32: a small, fast, seedable PRNG returning floats in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/**
 * Ranks 0..n-1 drawn with P(rank k) ∝ 1 / (k + 1)^exponent: with exponent 1.0 (the benchmark's),
 * the most commented subject is read twice as often as the second and ten times as often as the
 * tenth. Sampling is a binary search in the precomputed cumulative distribution.
 */
export class ZipfSampler {
  private readonly cdf: Float64Array

  constructor(
    readonly n: number,
    readonly exponent = 1.0,
    private readonly random: () => number = Math.random,
  ) {
    if (!Number.isInteger(n) || n < 1) throw new RangeError(`Zipf needs at least one rank, got ${n}`)
    if (!(exponent >= 0)) throw new RangeError(`Zipf exponent must be ≥ 0, got ${exponent}`)
    this.cdf = new Float64Array(n)
    let sum = 0
    for (let k = 0; k < n; k++) {
      sum += 1 / Math.pow(k + 1, exponent)
      this.cdf[k] = sum
    }
    for (let k = 0; k < n; k++) this.cdf[k] = (this.cdf[k] as number) / sum
  }

  /** The probability of rank k (0-based). */
  probability(k: number): number {
    if (k < 0 || k >= this.n) return 0
    return (this.cdf[k] as number) - (k === 0 ? 0 : (this.cdf[k - 1] as number))
  }

  next(): number {
    const u = this.random()
    let lo = 0
    let hi = this.n - 1
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      if ((this.cdf[mid] as number) > u) hi = mid
      else lo = mid + 1
    }
    return lo
  }
}

/** A uniform integer in [0, n). */
export const uniformInt = (random: () => number, n: number): number => Math.min(n - 1, Math.floor(random() * n))
