import { createHash } from 'node:crypto'
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http'

/** One GraphQL request as the response cache sees it, from a POST body or a GET query string. */
export interface GraphQLRequest {
  /** the query text; absent when an automatic persisted query sends only its hash */
  readonly query: string | undefined
  /** sha256 (hex) of the query text: the persisted query's hash, or computed from the text */
  readonly queryHash: string
  readonly operationName: string | undefined
  readonly variables: Record<string, unknown>
}

const SHA256_HEX = /^[0-9a-f]{64}$/

export const sha256Hex = (text: string): string => createHash('sha256').update(text).digest('hex')

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value)

const NOT_JSON = Symbol('not JSON')

function fromGetParameter(search: URLSearchParams, name: string): unknown {
  const raw = search.get(name)
  if (raw === null || raw === '') return undefined
  try {
    return JSON.parse(raw)
  } catch {
    return NOT_JSON // not a request the cache serves: Apollo answers it
  }
}

/**
 * The request's query, hash, operation name and variables, or null when it is not one the cache
 * can serve (a batch, a malformed field, a hash that does not match its text): Apollo answers those.
 */
export function readGraphQLRequest(req: IncomingMessage, body: unknown): GraphQLRequest | null {
  let query: unknown, operationName: unknown, variables: unknown, extensions: unknown
  if (req.method === 'GET') {
    const search = new URL(req.url ?? '/', 'http://gateway').searchParams
    query = search.get('query') ?? undefined
    operationName = search.get('operationName') ?? undefined
    variables = fromGetParameter(search, 'variables')
    extensions = fromGetParameter(search, 'extensions')
  } else if (req.method === 'POST' && isRecord(body) && /^application\/json\b/i.test(req.headers['content-type'] ?? '')) {
    ;({ query, operationName, variables, extensions } = body)
  } else {
    return null
  }
  if (variables === NOT_JSON || extensions === NOT_JSON) return null
  if (query !== undefined && typeof query !== 'string') return null
  if (operationName !== undefined && operationName !== null && typeof operationName !== 'string') return null
  if (variables !== undefined && variables !== null && !isRecord(variables)) return null
  const persisted = isRecord(extensions) && isRecord(extensions.persistedQuery) ? extensions.persistedQuery : undefined
  const persistedHash = persisted?.sha256Hash
  if (persisted && (persisted.version !== 1 || typeof persistedHash !== 'string' || !SHA256_HEX.test(persistedHash))) return null
  if (query === undefined && persistedHash === undefined) return null
  const queryHash = query !== undefined ? sha256Hex(query) : (persistedHash as string)
  if (persistedHash !== undefined && persistedHash !== queryHash) return null
  return {
    query,
    queryHash,
    operationName: operationName ?? undefined,
    variables: (variables ?? {}) as Record<string, unknown>,
  }
}

const SIMPLE_CONTENT_TYPES = new Set(['application/x-www-form-urlencoded', 'multipart/form-data', 'text/plain'])
const PREFLIGHT_HEADERS = ['x-apollo-operation-name', 'apollo-require-preflight'] as const

/**
 * Apollo Server's CSRF prevention, decided before the cache answers: a request a browser could send
 * cross-origin without a preflight (no content type, or a "simple" one, and none of Apollo's
 * headers) is not served from the cache either; Apollo refuses it.
 */
export function passesCsrfPrevention(headers: IncomingHttpHeaders): boolean {
  const contentType = headers['content-type']
  if (contentType !== undefined) {
    const mime = contentType.split(';')[0]!.trim().toLowerCase()
    if (!SIMPLE_CONTENT_TYPES.has(mime)) return true
  }
  return PREFLIGHT_HEADERS.some((name) => {
    const value = headers[name]
    return typeof value === 'string' && value !== ''
  })
}
