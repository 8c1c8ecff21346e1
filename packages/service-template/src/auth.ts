import { createHmac, timingSafeEqual } from 'node:crypto'
import jwt from 'jsonwebtoken'

export type Role = 'CUSTOMER' | 'MERCHANT' | 'MODERATOR' | 'ADMIN'
export const ROLES: readonly Role[] = ['CUSTOMER', 'MERCHANT', 'MODERATOR', 'ADMIN']

/** Who is calling, as the gateway vouches for it. */
export interface Caller {
  readonly userId: string | null
  readonly role: Role | null
}

export const ANONYMOUS: Caller = Object.freeze({ userId: null, role: null })

export const isModerator = (caller: Caller): boolean => caller.role === 'MODERATOR' || caller.role === 'ADMIN'

// The header the gateway adds to every subgraph request: `v1.<payload>.<hmac>`.
export const CALLER_HEADER = 'x-marketplace-caller'
const SIGNATURE_MAX_AGE_SECONDS = 300

function hmac(secret: string, payload: string): Buffer {
  return createHmac('sha256', secret).update(payload).digest()
}

export function signCaller(secret: string, caller: Caller, now = Date.now()): string {
  const payload = Buffer.from(
    JSON.stringify({ sub: caller.userId, role: caller.role, iat: Math.floor(now / 1000) }),
  ).toString('base64url')
  return `v1.${payload}.${hmac(secret, payload).toString('base64url')}`
}

/** The caller the header vouches for, or null when it is missing, forged or stale. */
export function verifyCaller(secret: string, header: string | undefined, now = Date.now()): Caller | null {
  if (!header) return null
  const [version, payload, signature] = header.split('.')
  if (version !== 'v1' || !payload || !signature) return null
  const expected = hmac(secret, payload)
  const given = Buffer.from(signature, 'base64url')
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as {
      sub?: unknown
      role?: unknown
      iat?: unknown
    }
    if (typeof claims.iat !== 'number' || Math.abs(now / 1000 - claims.iat) > SIGNATURE_MAX_AGE_SECONDS) return null
    const userId = typeof claims.sub === 'string' ? claims.sub : null
    const role = ROLES.includes(claims.role as Role) ? (claims.role as Role) : null
    return userId && role ? { userId, role } : ANONYMOUS
  } catch {
    return null
  }
}

// Access tokens: HS256 JWTs issued by login, checked by the gateway.
const TOKEN_TTL = '12h'
const ISSUER = 'marketplace'

export function issueToken(secret: string, userId: string, role: Role): string {
  return jwt.sign({ role }, secret, { algorithm: 'HS256', subject: userId, expiresIn: TOKEN_TTL, issuer: ISSUER })
}

/** The caller a bearer token names, or null when it is invalid or expired. */
export function verifyToken(secret: string, token: string): Caller | null {
  try {
    const claims = jwt.verify(token, secret, { algorithms: ['HS256'], issuer: ISSUER })
    if (typeof claims === 'string' || typeof claims.sub !== 'string') return null
    const role = claims.role as Role
    return ROLES.includes(role) ? { userId: claims.sub, role } : null
  } catch {
    return null
  }
}
