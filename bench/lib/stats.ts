// Pure statistics: percentiles of latencies, medians across runs.

/**
 * The p-th percentile (0 < p ≤ 100) of `sorted` (ascending) by the nearest-rank method: the
 * smallest value such that at least p% of the values are ≤ it. NaN for an empty list.
 */
export function percentileOfSorted(sorted: ArrayLike<number>, p: number): number {
  if (!(p > 0 && p <= 100)) throw new RangeError(`percentile must be in (0, 100], got ${p}`)
  const n = sorted.length
  if (n === 0) return Number.NaN
  const rank = Math.ceil((p / 100) * n)
  return sorted[Math.min(n, Math.max(1, rank)) - 1] as number
}

export interface LatencySummary {
  readonly count: number
  readonly mean: number
  readonly p50: number
  readonly p95: number
  readonly p99: number
  readonly max: number
}

/** Summarises latencies (ms); sorts a copy, the input is left as it is. */
export function summarizeLatencies(latencies: ArrayLike<number>): LatencySummary {
  const sorted = Float64Array.from(latencies).sort()
  let sum = 0
  for (const value of sorted) sum += value
  const n = sorted.length
  return {
    count: n,
    mean: n === 0 ? Number.NaN : sum / n,
    p50: percentileOfSorted(sorted, 50),
    p95: percentileOfSorted(sorted, 95),
    p99: percentileOfSorted(sorted, 99),
    max: n === 0 ? Number.NaN : (sorted[n - 1] as number),
  }
}

/** The median of the finite values (mean of the two middle ones for an even count); NaN if none. */
export function median(values: readonly number[]): number {
  const finite = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b)
  const n = finite.length
  if (n === 0) return Number.NaN
  const mid = Math.floor(n / 2)
  return n % 2 === 1 ? (finite[mid] as number) : ((finite[mid - 1] as number) + (finite[mid] as number)) / 2
}

/** a / b, or NaN when either is missing or b is 0. */
export function ratio(a: number | undefined, b: number | undefined): number {
  if (a === undefined || b === undefined || !Number.isFinite(a) || !Number.isFinite(b) || b === 0) return Number.NaN
  return a / b
}

/** A growable list of latencies in a typed array (no boxing of a hundred thousand numbers). */
export class LatencyRecorder {
  private values = new Float64Array(1 << 16)
  private size = 0

  add(ms: number): void {
    if (this.size === this.values.length) {
      const bigger = new Float64Array(this.values.length * 2)
      bigger.set(this.values)
      this.values = bigger
    }
    this.values[this.size++] = ms
  }

  get count(): number {
    return this.size
  }

  toArray(): Float64Array {
    return this.values.subarray(0, this.size)
  }
}
