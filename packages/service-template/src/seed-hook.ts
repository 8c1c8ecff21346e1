import type { Kysely } from 'kysely'

/** Rows generated for another service, to refer to by id (e.g. a user as an author). */
export interface SeedReferences {
  readonly count: number
  id(index: number): string
}

/** What a service's seed hook (`src/seed.ts` exporting `seed`) is given by `npm run seed` and the first `npm start`. */
export interface SeedContext<DB> {
  /** the service's own database, migrated */
  readonly db: Kysely<DB>
  /** the run's --seed: the same number must give the same rows */
  readonly seed: number
  readonly users: SeedReferences
  readonly merchants: SeedReferences
  readonly products: SeedReferences
  log(line: string): void
}

/** Replaces the service's development data (it deletes its own rows first); called with the ids of the core data set. */
export type SeedHook<DB> = (context: SeedContext<DB>) => Promise<void>
