import { createHash } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { ConfigError, DEV_CORS_ORIGINS, readCorsOrigins, readGatewayConfig } from '@marketplace/service-template'
import { originAllowed, useCors } from '../../gateway/src/cors'
import { passesCsrfPrevention, readGraphQLRequest } from '../../gateway/src/graphql-request'

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex')

function fakeRequest(method: string, url: string, headers: Record<string, string> = {}): IncomingMessage {
  return { method, url, headers } as unknown as IncomingMessage
}

/** A response that records what was written to it. */
function fakeResponse() {
  const headers: Record<string, unknown> = {}
  const sent: { status?: number; body?: string } = {}
  const res = {
    setHeader: (name: string, value: unknown) => (headers[name.toLowerCase()] = value),
    writeHead: (status: number, more: Record<string, unknown> = {}) => {
      sent.status = status
      for (const [k, v] of Object.entries(more)) headers[k.toLowerCase()] = v
    },
    end: (body?: string) => (sent.body = body ?? ''),
  } as unknown as ServerResponse
  return { res, headers, sent }
}

describe('CORS_ORIGINS', () => {
  it('defaults to any localhost origin in development mode and to none outside it', () => {
    expect(readCorsOrigins({ NODE_ENV: 'development' })).toEqual(DEV_CORS_ORIGINS)
    expect(readCorsOrigins({ NODE_ENV: 'production' })).toEqual([])
    expect(readCorsOrigins({})).toEqual([])
    expect(readGatewayConfig({ NODE_ENV: 'test' }).corsOrigins).toEqual(DEV_CORS_ORIGINS)
  })

  it('takes a list of origins, "*" or "none"', () => {
    expect(readCorsOrigins({ CORS_ORIGINS: 'https://app.example.com, http://localhost:*/' })).toEqual([
      'https://app.example.com',
      'http://localhost:*',
    ])
    expect(readCorsOrigins({ CORS_ORIGINS: '*', NODE_ENV: 'production' })).toEqual(['*'])
    expect(readCorsOrigins({ CORS_ORIGINS: 'none' })).toEqual([])
  })

  it('refuses something that is not an origin, naming the variable', () => {
    for (const bad of ['app.example.com', 'https://app.example.com/path', 'ftp://x.example', 'https://*.example.com']) {
      expect(() => readCorsOrigins({ CORS_ORIGINS: bad })).toThrow(ConfigError)
      expect(() => readCorsOrigins({ CORS_ORIGINS: bad })).toThrow(/CORS_ORIGINS/)
    }
  })
})

describe('originAllowed', () => {
  it('matches exact origins and any port where the port is *', () => {
    expect(originAllowed(DEV_CORS_ORIGINS, 'http://localhost:3000')).toBe(true)
    expect(originAllowed(DEV_CORS_ORIGINS, 'http://localhost')).toBe(true)
    expect(originAllowed(DEV_CORS_ORIGINS, 'https://127.0.0.1:8443')).toBe(true)
    expect(originAllowed(DEV_CORS_ORIGINS, 'http://[::1]:5173')).toBe(true)
    expect(originAllowed(['https://app.example.com'], 'https://app.example.com')).toBe(true)
    expect(originAllowed(['https://app.example.com'], 'https://APP.example.com')).toBe(true)
  })

  it('does not match lookalikes, other schemes or ports, or null origins', () => {
    expect(originAllowed(DEV_CORS_ORIGINS, 'http://localhost.evil.example')).toBe(false)
    expect(originAllowed(DEV_CORS_ORIGINS, 'http://evil.example:3000')).toBe(false)
    expect(originAllowed(DEV_CORS_ORIGINS, 'null')).toBe(false)
    expect(originAllowed(['https://app.example.com'], 'http://app.example.com')).toBe(false)
    expect(originAllowed(['https://app.example.com'], 'https://app.example.com:8443')).toBe(false)
    expect(originAllowed([], 'http://localhost:3000')).toBe(false)
    expect(originAllowed(['*'], 'https://anything.example')).toBe(true)
  })
})

describe('useCors', () => {
  const cors = useCors({ origins: ['https://app.example.com'], maxAgeSeconds: 600 })

  it('answers an allowed preflight with 204, methods, headers and max-age, without credentials', () => {
    const { res, headers, sent } = fakeResponse()
    const handled = cors(
      fakeRequest('OPTIONS', '/graphql', { origin: 'https://app.example.com', 'access-control-request-method': 'POST' }),
      res,
    )
    expect(handled).toBe(true)
    expect(sent.status).toBe(204)
    expect(headers['access-control-allow-origin']).toBe('https://app.example.com')
    expect(headers['access-control-allow-headers']).toMatch(/idempotency-key/)
    expect(headers['access-control-max-age']).toBe('600')
    expect(headers['access-control-allow-credentials']).toBeUndefined()
  })

  it('refuses a preflight from another origin without CORS headers', () => {
    const { res, headers, sent } = fakeResponse()
    expect(cors(fakeRequest('OPTIONS', '/graphql', { origin: 'https://evil.example', 'access-control-request-method': 'POST' }), res)).toBe(
      true,
    )
    expect(sent.status).toBe(403)
    expect(headers['access-control-allow-origin']).toBeUndefined()
  })

  it('lets other requests through, with the allow-origin header only for an allowed origin', () => {
    const allowed = fakeResponse()
    expect(cors(fakeRequest('POST', '/graphql', { origin: 'https://app.example.com' }), allowed.res)).toBe(false)
    expect(allowed.headers['access-control-allow-origin']).toBe('https://app.example.com')
    expect(allowed.headers.vary).toBe('origin')
    const other = fakeResponse()
    expect(cors(fakeRequest('POST', '/graphql', { origin: 'https://evil.example' }), other.res)).toBe(false)
    expect(other.headers['access-control-allow-origin']).toBeUndefined()
    expect(other.sent.status).toBeUndefined()
  })
})

describe('readGraphQLRequest', () => {
  const query = '{ __typename }'
  const json = { 'content-type': 'application/json' }

  it('reads a JSON POST', () => {
    expect(readGraphQLRequest(fakeRequest('POST', '/graphql', json), { query, operationName: null, variables: { a: 1 } })).toEqual({
      query,
      queryHash: sha256(query),
      operationName: undefined,
      variables: { a: 1 },
    })
  })

  it('reads a GET query string, variables and extensions as JSON', () => {
    const url = `/graphql?query=${encodeURIComponent(query)}&operationName=Op&variables=${encodeURIComponent('{"a":1}')}`
    expect(readGraphQLRequest(fakeRequest('GET', url), undefined)).toEqual({
      query,
      queryHash: sha256(query),
      operationName: 'Op',
      variables: { a: 1 },
    })
  })

  it('reads a persisted query by its hash alone, or with its text when the hash matches', () => {
    const extensions = { persistedQuery: { version: 1, sha256Hash: sha256(query) } }
    expect(readGraphQLRequest(fakeRequest('POST', '/graphql', json), { extensions })).toEqual({
      query: undefined,
      queryHash: sha256(query),
      operationName: undefined,
      variables: {},
    })
    const url = `/graphql?extensions=${encodeURIComponent(JSON.stringify(extensions))}`
    expect(readGraphQLRequest(fakeRequest('GET', url), undefined)?.queryHash).toBe(sha256(query))
    expect(readGraphQLRequest(fakeRequest('POST', '/graphql', json), { query, extensions })?.query).toBe(query)
  })

  it('leaves to Apollo what the cache must not serve: batches, bad fields, mismatched or malformed hashes, non-JSON POSTs', () => {
    const post = (body: unknown, headers: Record<string, string> = json) =>
      readGraphQLRequest(fakeRequest('POST', '/graphql', headers), body)
    expect(post([{ query }])).toBeNull()
    expect(post({ query: 42 })).toBeNull()
    expect(post({ query, variables: [1] })).toBeNull()
    expect(post({ query, operationName: 7 })).toBeNull()
    expect(post({})).toBeNull()
    expect(post({ query, extensions: { persistedQuery: { version: 1, sha256Hash: sha256('{ me { id } }') } } })).toBeNull()
    expect(post({ extensions: { persistedQuery: { version: 2, sha256Hash: sha256(query) } } })).toBeNull()
    expect(post({ extensions: { persistedQuery: { version: 1, sha256Hash: 'abc' } } })).toBeNull()
    expect(post({ query }, { 'content-type': 'text/plain' })).toBeNull()
    expect(
      readGraphQLRequest(fakeRequest('GET', `/graphql?query=${encodeURIComponent(query)}&variables=%7Bnot-json`), undefined),
    ).toBeNull()
    expect(readGraphQLRequest(fakeRequest('PUT', '/graphql', json), { query })).toBeNull()
  })
})

describe('passesCsrfPrevention (as Apollo decides it)', () => {
  it('passes a non-simple content type or one of Apollo’s preflight headers', () => {
    expect(passesCsrfPrevention({ 'content-type': 'application/json' })).toBe(true)
    expect(passesCsrfPrevention({ 'apollo-require-preflight': 'true' })).toBe(true)
    expect(passesCsrfPrevention({ 'x-apollo-operation-name': 'CommentsPage' })).toBe(true)
    expect(passesCsrfPrevention({ 'content-type': 'text/plain', 'apollo-require-preflight': '1' })).toBe(true)
  })

  it('refuses what a browser sends cross-origin without a preflight', () => {
    expect(passesCsrfPrevention({})).toBe(false)
    expect(passesCsrfPrevention({ 'content-type': 'text/plain;charset=UTF-8' })).toBe(false)
    expect(passesCsrfPrevention({ 'content-type': 'application/x-www-form-urlencoded' })).toBe(false)
    expect(passesCsrfPrevention({ 'content-type': 'multipart/form-data; boundary=x' })).toBe(false)
    expect(passesCsrfPrevention({ 'apollo-require-preflight': '' })).toBe(false)
  })
})
