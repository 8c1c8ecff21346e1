import { readRateLimit, rateLimited, type Cache, type Env, type Metrics, type RateLimit } from '@marketplace/service-template'

/**
 * Failed passwords per username: past the limit a login is refused before its password is hashed,
 * even with the right password, until the window ends. Counted for unknown usernames too: the
 * answer must not tell which usernames exist.
 */
export function readLoginFailureLimit(env: Env = process.env): RateLimit {
  return readRateLimit(env, 'LOGIN_FAILURES_PER_USERNAME', 'LOGIN_FAILURE_WINDOW_SECONDS', { limit: 10, windowSeconds: 900 })
}

// usernames are unique whatever their case (the login query compares lower-cased)
const failureKey = (username: string): string => `login-failures:${username.toLowerCase()}`

export interface LoginAttempt {
  /** the password was right: the attempt is taken back (only failures stay counted) */
  succeeded(): Promise<void>
  /** the password was wrong: RATE_LIMITED when it was the last one allowed, else UNAUTHENTICATED */
  failed(): Promise<never>
}

/**
 * Every attempt is counted *before* its hash, so concurrent guesses cannot all slip past a check
 * made before any of them was counted: at most `limit` hashes per username and window, however
 * many arrive at once.
 */
export class LoginFailures {
  constructor(
    private readonly cache: Cache,
    private readonly limit: RateLimit,
  ) {}

  /** Throws RATE_LIMITED (no hash spent) when this username has used up its attempts. */
  async begin(username: string, metrics: Metrics, wrongPassword: () => Error): Promise<LoginAttempt> {
    const key = failureKey(username)
    const { count, ttl } = await this.cache.hit(key, this.limit.windowSeconds)
    if (count > this.limit.limit) {
      metrics.increment('login_rate_limited_total')
      throw tooMany(ttl || this.limit.windowSeconds)
    }
    return {
      succeeded: async () => {
        await this.cache.hit(key, this.limit.windowSeconds, -1)
      },
      failed: async () => {
        throw count >= this.limit.limit ? tooMany(ttl) : wrongPassword()
      },
    }
  }
}

const tooMany = (retryAfterSeconds: number) =>
  rateLimited('Too many failed sign-ins for this username; try again later.', retryAfterSeconds)
