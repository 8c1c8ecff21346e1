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

export class LoginFailures {
  constructor(
    private readonly cache: Cache,
    private readonly limit: RateLimit,
  ) {}

  /** Throws RATE_LIMITED when this username has used up its failed attempts. */
  async refuseWhenLimited(username: string, metrics: Metrics): Promise<void> {
    const { count, ttl } = await this.cache.peek(failureKey(username))
    if (count < this.limit.limit) return
    metrics.increment('login_rate_limited_total')
    throw tooMany(ttl || this.limit.windowSeconds)
  }

  /** Counts a wrong password; the attempt that uses up the limit is itself answered RATE_LIMITED. */
  async record(username: string): Promise<void> {
    const { count, ttl } = await this.cache.hit(failureKey(username), this.limit.windowSeconds)
    if (count >= this.limit.limit) throw tooMany(ttl)
  }
}

const tooMany = (retryAfterSeconds: number) =>
  rateLimited('Too many failed sign-ins for this username; try again later.', retryAfterSeconds)
