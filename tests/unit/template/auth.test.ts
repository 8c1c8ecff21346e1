import { createHmac } from 'node:crypto'
import jwt from 'jsonwebtoken'
import {
  ANONYMOUS,
  CALLER_HEADER,
  isModerator,
  issueToken,
  signCaller,
  verifyCaller,
  verifyToken,
  type Caller,
} from '../../../packages/service-template/src/auth'
import { CallerVerifier } from '../../../packages/service-template/src/context'

const SECRET = 'gateway-secret-for-unit-tests'
const OTHER_SECRET = 'another-secret-for-unit-tests'
const NOW = 1_800_000_000_000 // a whole second, so iat = NOW / 1000 exactly
const USER: Caller = { userId: '0b8f3c1e-9a4d-4c55-8f0e-2d7a3b6c9e10', role: 'MERCHANT' }

const b64 = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url')
const sig = (secret: string, payload: string): string => createHmac('sha256', secret).update(payload).digest('base64url')
/** A header signed correctly over an arbitrary payload (to reach the checks after the signature). */
const signedRaw = (payload: string, secret = SECRET): string => `v1.${payload}.${sig(secret, payload)}`

describe('signCaller / verifyCaller', () => {
  it('uses the documented header name and format', () => {
    expect(CALLER_HEADER).toBe('x-marketplace-caller')
    expect(signCaller(SECRET, USER, NOW)).toMatch(/^v1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/)
  })

  it('round-trips a signed-in user', () => {
    const header = signCaller(SECRET, USER, NOW)
    expect(verifyCaller(SECRET, header, NOW)).toEqual(USER)
  })

  it('round-trips every role', () => {
    for (const role of ['CUSTOMER', 'MERCHANT', 'MODERATOR', 'ADMIN'] as const) {
      const caller: Caller = { userId: USER.userId, role }
      expect(verifyCaller(SECRET, signCaller(SECRET, caller, NOW), NOW)).toEqual(caller)
    }
  })

  it('round-trips ANONYMOUS', () => {
    const header = signCaller(SECRET, ANONYMOUS, NOW)
    const verified = verifyCaller(SECRET, header, NOW)
    expect(verified).toEqual({ userId: null, role: null })
    expect(verified).not.toBeNull()
  })

  it('rejects a tampered payload (role raised to ADMIN, signature kept)', () => {
    const header = signCaller(SECRET, USER, NOW)
    const [version, payload, signature] = header.split('.')
    const claims = JSON.parse(Buffer.from(payload ?? '', 'base64url').toString('utf8')) as Record<string, unknown>
    expect(claims.role).toBe('MERCHANT')
    const forged = `${version}.${b64({ ...claims, role: 'ADMIN' })}.${signature}`
    expect(verifyCaller(SECRET, forged, NOW)).toBeNull()
  })

  it('rejects a tampered user id', () => {
    const header = signCaller(SECRET, USER, NOW)
    const [, , signature] = header.split('.')
    const forged = `v1.${b64({ sub: 'someone-else', role: 'MERCHANT', iat: NOW / 1000 })}.${signature}`
    expect(verifyCaller(SECRET, forged, NOW)).toBeNull()
  })

  it('rejects a signature made with another secret', () => {
    expect(verifyCaller(SECRET, signCaller(OTHER_SECRET, USER, NOW), NOW)).toBeNull()
    expect(verifyCaller(SECRET, signCaller(OTHER_SECRET, ANONYMOUS, NOW), NOW)).toBeNull()
  })

  it('rejects a truncated or extended signature', () => {
    const header = signCaller(SECRET, USER, NOW)
    expect(verifyCaller(SECRET, header.slice(0, -4), NOW)).toBeNull()
    expect(verifyCaller(SECRET, `${header}AAAA`, NOW)).toBeNull()
  })

  it.each([
    ['empty string', ''],
    ['garbage', 'garbage'],
    ['no signature', `v1.${b64({ sub: USER.userId, role: 'ADMIN', iat: NOW / 1000 })}`],
    ['empty payload', 'v1..abc'],
    ['empty signature', `v1.${b64({ sub: null, role: null, iat: NOW / 1000 })}.`],
    ['a bearer token instead', 'Bearer abc.def.ghi'],
  ])('rejects a malformed header (%s)', (_name, header) => {
    expect(verifyCaller(SECRET, header, NOW)).toBeNull()
  })

  it('rejects a header of another version even when correctly signed', () => {
    const header = signCaller(SECRET, USER, NOW)
    const [, payload, signature] = header.split('.')
    expect(verifyCaller(SECRET, `v2.${payload}.${signature}`, NOW)).toBeNull()
  })

  it('rejects a missing header', () => {
    expect(verifyCaller(SECRET, undefined, NOW)).toBeNull()
  })

  it('accepts a signature up to 300 s old and rejects an older one', () => {
    const header = signCaller(SECRET, USER, NOW)
    expect(verifyCaller(SECRET, header, NOW + 299_000)).toEqual(USER)
    expect(verifyCaller(SECRET, header, NOW + 300_000)).toEqual(USER)
    expect(verifyCaller(SECRET, header, NOW + 301_000)).toBeNull()
    expect(verifyCaller(SECRET, header, NOW + 3_600_000)).toBeNull()
  })

  it('rejects a signature dated more than 300 s in the future', () => {
    const header = signCaller(SECRET, USER, NOW + 301_000)
    expect(verifyCaller(SECRET, header, NOW)).toBeNull()
  })

  it('uses the current time by default', () => {
    expect(verifyCaller(SECRET, signCaller(SECRET, USER))).toEqual(USER)
    expect(verifyCaller(SECRET, signCaller(SECRET, USER, Date.now() - 301_000))).toBeNull()
  })

  it('rejects a correctly signed payload that is not JSON or has no numeric iat', () => {
    expect(verifyCaller(SECRET, signedRaw(Buffer.from('not json').toString('base64url')), NOW)).toBeNull()
    expect(verifyCaller(SECRET, signedRaw(b64({ sub: USER.userId, role: 'ADMIN' })), NOW)).toBeNull()
    expect(verifyCaller(SECRET, signedRaw(b64({ sub: USER.userId, role: 'ADMIN', iat: String(NOW / 1000) })), NOW)).toBeNull()
  })

  it('treats a signed payload with an unknown role or no user as ANONYMOUS (never a partial caller)', () => {
    expect(verifyCaller(SECRET, signedRaw(b64({ sub: USER.userId, role: 'ROOT', iat: NOW / 1000 })), NOW)).toEqual(ANONYMOUS)
    expect(verifyCaller(SECRET, signedRaw(b64({ sub: null, role: 'ADMIN', iat: NOW / 1000 })), NOW)).toEqual(ANONYMOUS)
  })
})

describe('issueToken / verifyToken', () => {
  const JWT_SECRET = 'jwt-secret-for-unit-tests-0123'
  afterEach(() => {
    jest.useRealTimers()
  })

  it('round-trips a user and role', () => {
    const token = issueToken(JWT_SECRET, USER.userId as string, 'MODERATOR')
    expect(verifyToken(JWT_SECRET, token)).toEqual({ userId: USER.userId, role: 'MODERATOR' })
  })

  it('issues an HS256 token with issuer "marketplace" and a 12 h lifetime', () => {
    const token = issueToken(JWT_SECRET, USER.userId as string, 'CUSTOMER')
    const decoded = jwt.decode(token, { complete: true })
    expect(decoded?.header.alg).toBe('HS256')
    const payload = decoded?.payload as jwt.JwtPayload
    expect(payload.sub).toBe(USER.userId)
    expect(payload.iss).toBe('marketplace')
    expect((payload.exp ?? 0) - (payload.iat ?? 0)).toBe(12 * 3600)
  })

  it('accepts a token just under 12 h old and rejects an expired one', () => {
    jest.useFakeTimers({ now: Date.now() - (12 * 3600 - 60) * 1000 })
    const fresh = issueToken(JWT_SECRET, USER.userId as string, 'CUSTOMER')
    jest.setSystemTime(Date.now() - 120 * 1000) // 12 h 1 min before the real now
    const expired = issueToken(JWT_SECRET, USER.userId as string, 'CUSTOMER')
    jest.useRealTimers()
    expect(verifyToken(JWT_SECRET, fresh)).toEqual({ userId: USER.userId, role: 'CUSTOMER' })
    expect(verifyToken(JWT_SECRET, expired)).toBeNull()
  })

  it('rejects a token signed with another secret', () => {
    expect(verifyToken(JWT_SECRET, issueToken(OTHER_SECRET, USER.userId as string, 'ADMIN'))).toBeNull()
  })

  it('rejects a token with alg "none"', () => {
    const now = Math.floor(Date.now() / 1000)
    const header = b64({ alg: 'none', typ: 'JWT' })
    const payload = b64({ role: 'ADMIN', sub: USER.userId, iss: 'marketplace', iat: now, exp: now + 3600 })
    expect(verifyToken(JWT_SECRET, `${header}.${payload}.`)).toBeNull()
    // the same claims, properly signed, are accepted: only the algorithm is wrong above
    const signed = jwt.sign({ role: 'ADMIN' }, JWT_SECRET, { algorithm: 'HS256', subject: USER.userId as string, issuer: 'marketplace' })
    expect(verifyToken(JWT_SECRET, signed)).toEqual({ userId: USER.userId, role: 'ADMIN' })
  })

  it('rejects a token with another HMAC algorithm, another issuer, no subject or an unknown role', () => {
    const opts = { subject: USER.userId as string, issuer: 'marketplace', expiresIn: 3600 } as const
    expect(verifyToken(JWT_SECRET, jwt.sign({ role: 'ADMIN' }, JWT_SECRET, { ...opts, algorithm: 'HS512' }))).toBeNull()
    expect(verifyToken(JWT_SECRET, jwt.sign({ role: 'ADMIN' }, JWT_SECRET, { ...opts, issuer: 'elsewhere' }))).toBeNull()
    expect(verifyToken(JWT_SECRET, jwt.sign({ role: 'ADMIN' }, JWT_SECRET, { issuer: 'marketplace', expiresIn: 3600 }))).toBeNull()
    expect(verifyToken(JWT_SECRET, jwt.sign({ role: 'ROOT' }, JWT_SECRET, opts))).toBeNull()
    expect(verifyToken(JWT_SECRET, jwt.sign({}, JWT_SECRET, opts))).toBeNull()
  })

  it.each([['garbage'], [''], ['a.b.c'], ['Bearer x']])('rejects garbage (%j)', (token) => {
    expect(verifyToken(JWT_SECRET, token)).toBeNull()
  })
})

describe('isModerator', () => {
  it('is true for MODERATOR and ADMIN only', () => {
    expect(isModerator({ userId: 'u', role: 'MODERATOR' })).toBe(true)
    expect(isModerator({ userId: 'u', role: 'ADMIN' })).toBe(true)
    expect(isModerator({ userId: 'u', role: 'CUSTOMER' })).toBe(false)
    expect(isModerator({ userId: 'u', role: 'MERCHANT' })).toBe(false)
    expect(isModerator(ANONYMOUS)).toBe(false)
  })

  it('ANONYMOUS is frozen', () => {
    expect(Object.isFrozen(ANONYMOUS)).toBe(true)
  })
})

describe('CallerVerifier (the subgraphs: the caller of a request)', () => {
  const headers = (value: string | undefined) => (value === undefined ? {} : { [CALLER_HEADER]: value })

  afterEach(() => jest.restoreAllMocks())

  it('answers the signed caller, and anonymous/not-from-gateway for a missing, forged or stale header', () => {
    const verifier = new CallerVerifier(SECRET)
    expect(verifier.fromHeaders(headers(signCaller(SECRET, USER)))).toEqual({ caller: USER, fromGateway: true })
    expect(verifier.fromHeaders(headers(undefined))).toEqual({ caller: ANONYMOUS, fromGateway: false })
    expect(verifier.fromHeaders(headers(signCaller('another-secret', USER)))).toEqual({ caller: ANONYMOUS, fromGateway: false })
    expect(verifier.fromHeaders(headers(signCaller(SECRET, USER, Date.now() - 301_000)))).toEqual({ caller: ANONYMOUS, fromGateway: false })
  })

  it('a forged header is refused every time (refusals are not remembered as anything else)', () => {
    const verifier = new CallerVerifier(SECRET)
    const forged = signCaller('another-secret', USER)
    for (let i = 0; i < 3; i++) expect(verifier.fromHeaders(headers(forged)).fromGateway).toBe(false)
  })

  it('remembers a verified header for one second only: after that it is verified again (and may have gone stale)', () => {
    const now = jest.spyOn(Date, 'now')
    const signedAt = 1_700_000_000_000
    const header = signCaller(SECRET, USER, signedAt)
    const verifier = new CallerVerifier(SECRET)
    // verified at the last moment it is valid
    now.mockReturnValue(signedAt + 300_000)
    expect(verifier.fromHeaders(headers(header)).fromGateway).toBe(true)
    // remembered within the second
    now.mockReturnValue(signedAt + 300_900)
    expect(verifier.fromHeaders(headers(header)).fromGateway).toBe(true)
    // then verified again: stale now
    now.mockReturnValue(signedAt + 301_100)
    expect(verifier.fromHeaders(headers(header)).fromGateway).toBe(false)
  })

  it('keeps a bounded number of headers and still answers correctly past the bound', () => {
    const verifier = new CallerVerifier(SECRET)
    const base = Date.now()
    for (let i = 0; i < 3000; i++) {
      const caller = { userId: `u${i}`, role: 'CUSTOMER' as const }
      expect(verifier.fromHeaders(headers(signCaller(SECRET, caller, base)))).toEqual({ caller, fromGateway: true })
    }
    const kept = (verifier as unknown as { verified: Map<string, unknown> }).verified
    expect(kept.size).toBeLessThanOrEqual(1024)
  })
})
