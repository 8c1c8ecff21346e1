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

// The header the gateway adds to every subgraph request: `v1.<payload>.<hmac>`. The payload names
// the subgraph it is for (`aud`) and when it was signed (`iat`): a header seen in one service's
// logs or traffic cannot be replayed against another service, nor for long against the same one.
export const CALLER_HEADER = 'x-marketplace-caller'
/** How long a signature is accepted (either side of `iat`, for clock skew): one request's lifetime. */
export const CALLER_SIGNATURE_LIFETIME_SECONDS = 30

/** What a verified header vouches for: the caller and the client address the gateway saw. */
export interface SignedCaller {
  readonly caller: Caller
  /** the client's address as the gateway took it (socket, or X-Forwarded-For behind TRUST_PROXY) */
  readonly address: string | null
}

function hmac(secret: string, payload: string): Buffer {
  return createHmac('sha256', secret).update(payload).digest()
}

/** Signs `caller` for one subgraph (`audience`, its name in supergraph.yaml). */
export function signCaller(secret: string, caller: Caller, audience: string, now = Date.now(), address: string | null = null): string {
  const payload = Buffer.from(
    JSON.stringify({
      sub: caller.userId,
      role: caller.role,
      aud: audience,
      iat: Math.floor(now / 1000),
      ...(address ? { addr: address } : {}),
    }),
  ).toString('base64url')
  return `v1.${payload}.${hmac(secret, payload).toString('base64url')}`
}

/**
 * The caller the header vouches for, or null when it is missing, forged, signed for another
 * service than `audience`, or outside its lifetime.
 */
export function verifyCaller(secret: string, header: string | undefined, audience: string, now = Date.now()): SignedCaller | null {
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
      aud?: unknown
      iat?: unknown
      addr?: unknown
    }
    if (claims.aud !== audience) return null
    if (typeof claims.iat !== 'number' || Math.abs(now / 1000 - claims.iat) > CALLER_SIGNATURE_LIFETIME_SECONDS) return null
    const userId = typeof claims.sub === 'string' ? claims.sub : null
    const role = ROLES.includes(claims.role as Role) ? (claims.role as Role) : null
    const address = typeof claims.addr === 'string' ? claims.addr : null
    return { caller: userId && role ? { userId, role } : ANONYMOUS, address }
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
