import { ANONYMOUS, issueToken } from '../../packages/service-template/src/auth'
import { DEFAULT_RESPONSE_CACHE_TTL_MS, callerOfAuthorization, responseCacheTtlMs, sessionOf } from '../../bench/gateways/hive-gateway'

const SECRET = 'test-jwt-secret'

describe('bench hive-gateway: callers and response cache sessions', () => {
  it('verifies a bearer token into its caller, with one session per user', () => {
    const caller = callerOfAuthorization(SECRET, `Bearer ${issueToken(SECRET, 'u-1', 'CUSTOMER')}`)
    expect(caller).toEqual({ userId: 'u-1', role: 'CUSTOMER' })
    expect(sessionOf(caller)).toBe('u-1:CUSTOMER')
    expect(sessionOf(callerOfAuthorization(SECRET, `bearer ${issueToken(SECRET, 'u-2', 'MODERATOR')}`))).toBe('u-2:MODERATOR')
  })

  it('treats a missing, malformed or invalid token as anonymous, sharing the cache (no session)', () => {
    for (const header of [
      null,
      undefined,
      '',
      'Basic abc',
      'Bearer',
      'Bearer not-a-jwt',
      `Bearer ${issueToken('other-secret', 'u-1', 'ADMIN')}`,
    ]) {
      const caller = callerOfAuthorization(SECRET, header)
      expect(caller).toBe(ANONYMOUS)
      expect(sessionOf(caller)).toBeNull()
    }
  })

  it('reads HIVE_RESPONSE_CACHE_TTL_MS, with a default', () => {
    expect(responseCacheTtlMs({})).toBe(DEFAULT_RESPONSE_CACHE_TTL_MS)
    expect(responseCacheTtlMs({ HIVE_RESPONSE_CACHE_TTL_MS: '' })).toBe(DEFAULT_RESPONSE_CACHE_TTL_MS)
    expect(responseCacheTtlMs({ HIVE_RESPONSE_CACHE_TTL_MS: '60000' })).toBe(60_000)
    for (const bad of ['0', '-1', '1.5', 'soon'])
      expect(() => responseCacheTtlMs({ HIVE_RESPONSE_CACHE_TTL_MS: bad })).toThrow(/HIVE_RESPONSE_CACHE_TTL_MS/)
  })
})
