// A seeded random number generator (mulberry32): the same --seed gives the same faults, in the same order.
import { mulberry32 } from '../zipf'

export interface Rng {
  /** a float in [0, 1) */
  next(): number
  /** an integer in [min, max] */
  int(min: number, max: number): number
  /** one element of a non-empty list */
  pick<T>(items: readonly T[]): T
  /** a float in [min, max) */
  between(min: number, max: number): number
}

export function createRng(seed: number): Rng {
  // the benchmark's generator: one implementation of mulberry32 for bench/
  const next = mulberry32(seed)
  return {
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    pick: <T>(items: readonly T[]): T => {
      if (items.length === 0) throw new Error('pick from an empty list')
      return items[Math.floor(next() * items.length)] as T
    },
    between: (min, max) => min + next() * (max - min),
  }
}
