// How much data to generate, and the rules that keep the seed's guarantees satisfiable.

export interface SeedOptions {
  readonly seed: number
  readonly users: number
  readonly merchants: number
  readonly products: number
  readonly reviews: number
  readonly comments: number
}

export const DEFAULT_SEED_OPTIONS: SeedOptions = {
  seed: 42,
  users: 200,
  merchants: 20,
  products: 100,
  reviews: 400,
  comments: 3000,
}

export const SEED_OPTION_NAMES = ['seed', 'users', 'merchants', 'products', 'reviews', 'comments'] as const

export class SeedOptionsError extends Error {
  override readonly name = 'SeedOptionsError'
}

/** The smallest counts for which every seed guarantee (seed accounts, mallory's store) holds. */
export const MINIMUM_COUNTS = { users: 5, merchants: 1, products: 3, reviews: 0, comments: 0 } as const

export function resolveSeedOptions(options: Partial<SeedOptions> = {}): SeedOptions {
  const resolved: SeedOptions = { ...DEFAULT_SEED_OPTIONS, ...options }
  for (const name of SEED_OPTION_NAMES) {
    const value = resolved[name]
    if (!Number.isSafeInteger(value)) throw new SeedOptionsError(`--${name} must be an integer, got ${value}`)
  }
  if (resolved.seed < 0 || resolved.seed > 0xffffffff) {
    throw new SeedOptionsError(`--seed must be between 0 and ${0xffffffff}, got ${resolved.seed}`)
  }
  for (const [name, minimum] of Object.entries(MINIMUM_COUNTS) as [keyof typeof MINIMUM_COUNTS, number][]) {
    if (resolved[name] < minimum) throw new SeedOptionsError(`--${name} must be at least ${minimum}, got ${resolved[name]}`)
  }
  // one review per author and subject: the pairs must be enough
  const pairs = resolved.users * (resolved.products + resolved.merchants)
  if (resolved.reviews > pairs) {
    throw new SeedOptionsError(
      `--reviews ${resolved.reviews} exceeds users × (products + merchants) = ${pairs}: one review per author and subject`,
    )
  }
  return resolved
}
