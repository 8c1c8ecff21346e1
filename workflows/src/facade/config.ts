import { ConfigError, readInt, type Env } from '@marketplace/service-template'

export interface FacadeConfig {
  /** how long the moderation run retries the rating step before undoing the approval */
  readonly ratingDeadline: string
  /** how long a mutation waits for its run before answering with the operation still RUNNING */
  readonly mutationWaitMs: number
}

const DURATION = /^\d+(ms|s|m|h|d)$/

export function readFacadeConfig(env: Env = process.env): FacadeConfig {
  const ratingDeadline = env.RATING_UPDATE_DEADLINE ?? '6h'
  if (!DURATION.test(ratingDeadline)) throw new ConfigError(`RATING_UPDATE_DEADLINE must look like 30s, 15m or 6h, got "${ratingDeadline}"`)
  return { ratingDeadline, mutationWaitMs: readInt(env, 'MUTATION_WAIT_MS', 20_000, 100, 600_000) }
}
