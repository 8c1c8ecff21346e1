import { createHmac } from 'node:crypto'
import jwt from 'jsonwebtoken'
import {
  ANONYMOUS,
  CALLER_HEADER,
  CALLER_SIGNATURE_LIFETIME_SECONDS,
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
const AUD = 'users'
const USER: Caller = { userId: '0b8f3c1e-9a4d-4c55-8f0e-2d7a3b6c9e10', role: 'MERCHANT' }

const b64 = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url')
const sig = (secret: string, payload: string): string => createHmac('sha256', secret).update(payload).digest('base64url')
/** A header signed correctly over an arbitrary payload (to reach the checks after the signature). */
const signedRaw = (payload: string, secret = SECRET): string => `v1.${payload}.${sig(secret, payload)}`

describe('signCaller / verifyCaller', () => {
  const signed = (caller: Caller, now = NOW, audience = AUD, address: string | null = null) =>
    signCaller(SECRET, caller, audience, now, address)
  const verify = (header: string | undefined, now = NOW, audience = AUD, secret = SECRET) => verifyCaller(secret, header, audience, now)
  const as = (caller: Caller, address: string | null = null) => ({ caller, address })

  it('uses the documented header name and format', () => {
    expect(CALLER_HEADER).toBe('x-marketplace-caller')
    expect(signed(USER)).toMatch(/^v1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/)
  })

  it('round-trips a signed-in user, every role, and the client address', () => {
    expect(verify(signed(USER))).toEqual(as(USER))
    for (const role of ['CUSTOMER', 'MERCHANT', 'MODERATOR', 'ADMIN'] as const) {
      const caller: Caller = { userId: USER.userId, role }
      expect(verify(signed(caller))).toEqual(as(caller))
    }
    expect(verify(signed(USER, NOW, AUD, '203.0.113.7'))).toEqual(as(USER, '203.0.113.7'))
  })

  it('round-trips ANONYMOUS', () => {
    const verified = verify(signed(ANONYMOUS))
    expect(verified).toEqual(as({ userId: null, role: null }))
    expect(verified).not.toBeNull()
  })

  it('binds the audience: a header signed for one subgraph is refused by every other', () => {
    const forUsers = signed({ userId: USER.userId, role: 'MODERATOR' }, NOW, 'users')
    expect(verify(forUsers, NOW, 'users')).not.toBeNull()
    for (const other of ['facade', 'comments', 'reviews', 'catalog', 'merchants', 'Users', ''])
      expect(verify(forUsers, NOW, other)).toBeNull()
  })

  it('rejects a header without an audience even when correctly signed (the old format)', () => {
    expect(verify(signedRaw(b64({ sub: USER.userId, role: 'ADMIN', iat: NOW / 1000 })))).toBeNull()
  })

  it('rejects a tampered payload (role raised to ADMIN, audience or address changed, signature kept)', () => {
    const header = signed(USER, NOW, AUD, '203.0.113.7')
    const [version, payload, signature] = header.split('.')
    const claims = JSON.parse(Buffer.from(payload ?? '', 'base64url').toString('utf8')) as Record<string, unknown>
    expect(claims).toMatchObject({ role: 'MERCHANT', aud: AUD, addr: '203.0.113.7' })
    for (const change of [{ role: 'ADMIN' }, { aud: 'facade' }, { addr: '198.51.100.1' }, { sub: 'someone-else' }]) {
      expect(verify(`${version}.${b64({ ...claims, ...change })}.${signature}`)).toBeNull()
    }
  })

  it('rejects a signature made with another secret', () => {
    expect(verify(signCaller(OTHER_SECRET, USER, AUD, NOW))).toBeNull()
    expect(verify(signCaller(OTHER_SECRET, ANONYMOUS, AUD, NOW))).toBeNull()
  })

  it('rejects a truncated or extended signature', () => {
    const header = signed(USER)
    expect(verify(header.slice(0, -4))).toBeNull()
    expect(verify(`${header}AAAA`)).toBeNull()
  })

  it.each([
    ['empty string', ''],
    ['garbage', 'garbage'],
    ['no signature', `v1.${b64({ sub: USER.userId, role: 'ADMIN', aud: AUD, iat: NOW / 1000 })}`],
    ['empty payload', 'v1..abc'],
    ['empty signature', `v1.${b64({ sub: null, role: null, aud: AUD, iat: NOW / 1000 })}.`],
    ['a bearer token instead', 'Bearer abc.def.ghi'],
  ])('rejects a malformed header (%s)', (_name, header) => {
    expect(verify(header)).toBeNull()
  })

  it('rejects a header of another version even when correctly signed', () => {
    const [, payload, signature] = signed(USER).split('.')
    expect(verify(`v2.${payload}.${signature}`)).toBeNull()
  })

  it('rejects a missing header', () => {
    expect(verify(undefined)).toBeNull()
  })

  it(`accepts a signature up to ${CALLER_SIGNATURE_LIFETIME_SECONDS} s old and rejects an older one`, () => {
    expect(CALLER_SIGNATURE_LIFETIME_SECONDS).toBe(30)
    const header = signed(USER)
    expect(verify(header, NOW + 29_000)).toEqual(as(USER))
    expect(verify(header, NOW + 30_000)).toEqual(as(USER))
    expect(verify(header, NOW + 31_000)).toBeNull()
    expect(verify(header, NOW + 300_000)).toBeNull()
  })

  it('rejects a signature dated more than 30 s in the future', () => {
    expect(verify(signed(USER, NOW + 31_000))).toBeNull()
  })

  it('uses the current time by default', () => {
    expect(verifyCaller(SECRET, signCaller(SECRET, USER, AUD), AUD)).toEqual(as(USER))
    expect(verifyCaller(SECRET, signCaller(SECRET, USER, AUD, Date.now() - 31_000), AUD)).toBeNull()
  })

  it('rejects a correctly signed payload that is not JSON or has no numeric iat', () => {
    expect(verify(signedRaw(Buffer.from('not json').toString('base64url')))).toBeNull()
    expect(verify(signedRaw(b64({ sub: USER.userId, role: 'ADMIN', aud: AUD })))).toBeNull()
    expect(verify(signedRaw(b64({ sub: USER.userId, role: 'ADMIN', aud: AUD, iat: String(NOW / 1000) })))).toBeNull()
  })

  it('treats a signed payload with an unknown role or no user as ANONYMOUS (never a partial caller)', () => {
    expect(verify(signedRaw(b64({ sub: USER.userId, role: 'ROOT', aud: AUD, iat: NOW / 1000 })))).toEqual(as(ANONYMOUS))
    expect(verify(signedRaw(b64({ sub: null, role: 'ADMIN', aud: AUD, iat: NOW / 1000 })))).toEqual(as(ANONYMOUS))
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
  const fromGateway = (caller: Caller, clientAddress: string | null = null) => ({ caller, fromGateway: true, clientAddress })
  const notFromGateway = { caller: ANONYMOUS, fromGateway: false, clientAddress: null }

  afterEach(() => jest.restoreAllMocks())

  it('answers the signed caller and address, and anonymous/not-from-gateway for a missing, forged, stale or misaddressed header', () => {
    const verifier = new CallerVerifier(SECRET, AUD)
    expect(verifier.fromHeaders(headers(signCaller(SECRET, USER, AUD)))).toEqual(fromGateway(USER))
    expect(verifier.fromHeaders(headers(signCaller(SECRET, USER, AUD, Date.now(), '::1')))).toEqual(fromGateway(USER, '::1'))
    expect(verifier.fromHeaders(headers(undefined))).toEqual(notFromGateway)
    expect(verifier.fromHeaders(headers(signCaller('another-secret', USER, AUD)))).toEqual(notFromGateway)
    expect(verifier.fromHeaders(headers(signCaller(SECRET, USER, AUD, Date.now() - 31_000)))).toEqual(notFromGateway)
    expect(verifier.fromHeaders(headers(signCaller(SECRET, USER, 'facade')))).toEqual(notFromGateway)
  })

  it('a header signed for another service is refused every time, even after the same header was accepted by that service', () => {
    const header = signCaller(SECRET, { userId: USER.userId, role: 'MODERATOR' }, 'users')
    expect(new CallerVerifier(SECRET, 'users').fromHeaders(headers(header)).fromGateway).toBe(true)
    const facade = new CallerVerifier(SECRET, 'facade')
    for (let i = 0; i < 3; i++) expect(facade.fromHeaders(headers(header))).toEqual(notFromGateway)
  })

  it('a forged header is refused every time (refusals are not remembered as anything else)', () => {
    const verifier = new CallerVerifier(SECRET, AUD)
    const forged = signCaller('another-secret', USER, AUD)
    for (let i = 0; i < 3; i++) expect(verifier.fromHeaders(headers(forged)).fromGateway).toBe(false)
  })

  it('remembers a verified header for one second only: after that it is verified again (and may have gone stale)', () => {
    const now = jest.spyOn(Date, 'now')
    const signedAt = 1_700_000_000_000
    const header = signCaller(SECRET, USER, AUD, signedAt)
    const verifier = new CallerVerifier(SECRET, AUD)
    // verified at the last moment it is valid
    now.mockReturnValue(signedAt + 30_000)
    expect(verifier.fromHeaders(headers(header)).fromGateway).toBe(true)
    // remembered within the second
    now.mockReturnValue(signedAt + 30_900)
    expect(verifier.fromHeaders(headers(header)).fromGateway).toBe(true)
    // then verified again: stale now
    now.mockReturnValue(signedAt + 31_100)
    expect(verifier.fromHeaders(headers(header)).fromGateway).toBe(false)
  })

  it('keeps a bounded number of headers and still answers correctly past the bound', () => {
    const verifier = new CallerVerifier(SECRET, AUD)
    const base = Date.now()
    for (let i = 0; i < 3000; i++) {
      const caller = { userId: `u${i}`, role: 'CUSTOMER' as const }
      expect(verifier.fromHeaders(headers(signCaller(SECRET, caller, AUD, base)))).toEqual(fromGateway(caller))
    }
    const kept = (verifier as unknown as { verified: Map<string, unknown> }).verified
    expect(kept.size).toBeLessThanOrEqual(1024)
  })
})
