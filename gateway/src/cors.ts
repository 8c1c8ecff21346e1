import type { IncomingMessage, ServerResponse } from 'node:http'

// what a browser app sends: JSON bodies, the caller's token, a retry key, Apollo's preflight marker
const ALLOWED_HEADERS = 'content-type, authorization, idempotency-key, apollo-require-preflight, x-apollo-operation-name'
const ALLOWED_METHODS = 'GET, POST, OPTIONS'

export interface CorsOptions {
  /** exact origins, origins whose port is `*`, or `*` for any */
  readonly origins: readonly string[]
  readonly maxAgeSeconds: number
}

/** True when `origin` (as a browser sends it) matches one of the allowed origins. */
export function originAllowed(origins: readonly string[], origin: string): boolean {
  const match = /^(https?:\/\/(?:\[[0-9a-f:]+\]|[a-z0-9.-]+))(?::(\d{1,5}))?$/i.exec(origin)
  if (!match) return false
  const base = match[1]!.toLowerCase()
  const exact = origin.toLowerCase()
  return origins.some((allowed) => allowed === '*' || allowed === exact || allowed === `${base}:*`)
}

/**
 * CORS for browser apps on other origins, credentials off (the token travels in a header, never a
 * cookie). Apollo's CSRF prevention stays in force for simple requests: a cross-origin app's JSON
 * POST is preflighted, and a preflight is answered here before Apollo sees it.
 * Returns true when the request was a preflight and has been answered.
 */
export function useCors({ origins, maxAgeSeconds }: CorsOptions): (req: IncomingMessage, res: ServerResponse) => boolean {
  return (req, res) => {
    const origin = req.headers.origin
    const allowed = typeof origin === 'string' && originAllowed(origins, origin)
    // a response that depends on Origin must not be reused for another origin by a shared cache
    res.setHeader('vary', 'origin')
    if (allowed) res.setHeader('access-control-allow-origin', origin)
    const preflight = req.method === 'OPTIONS' && typeof req.headers['access-control-request-method'] === 'string'
    if (!preflight) return false
    if (!allowed) {
      res.writeHead(403, { 'content-type': 'text/plain; charset=utf-8' })
      res.end('This origin may not call the gateway (CORS_ORIGINS).')
      return true
    }
    res.writeHead(204, {
      'access-control-allow-methods': ALLOWED_METHODS,
      'access-control-allow-headers': ALLOWED_HEADERS,
      'access-control-max-age': String(maxAgeSeconds),
      'content-length': '0',
    })
    res.end()
    return true
  }
}
