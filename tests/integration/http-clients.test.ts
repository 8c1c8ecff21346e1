// Scenario: clients that follow the ecosystem's conventions — a browser app on another origin,
// GraphQL over GET, automatic persisted queries — get the same answers, and the same cache, as a
// plain JSON POST.
import { createHash } from 'node:crypto'
import Redis from 'ioredis'
import { parseMetrics } from '../../packages/service-template/src/metrics'
import { stackUrls } from '../support/stack'
import { COMMENTS_PAGE, hotProduct } from './helpers'

const renamed = (name: string): string => COMMENTS_PAGE.replace('query CommentsPage(', `query ${name}(`)
const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex')
const persisted = (query: string) => ({ persistedQuery: { version: 1, sha256Hash: sha256(query) } })

async function gatewayHits(): Promise<number> {
  const metrics = parseMetrics(await (await fetch(stackUrls().gatewayMetrics)).text())
  return metrics.response_cache_hits_total ?? 0
}

/** Response-cache hits counted while `work` ran. */
async function hitsDuring(work: () => Promise<void>): Promise<number> {
  const before = await gatewayHits()
  await work()
  return (await gatewayHits()) - before
}

function getUrl(params: Record<string, unknown>): URL {
  const url = new URL(stackUrls().gateway)
  for (const [name, value] of Object.entries(params)) url.searchParams.set(name, typeof value === 'string' ? value : JSON.stringify(value))
  return url
}

async function post(body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; json: any; headers: Headers }> {
  const response = await fetch(stackUrls().gateway, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  })
  return { status: response.status, json: await response.json(), headers: response.headers }
}

describe('CORS: a browser app on another origin', () => {
  const preflight = (origin: string) =>
    fetch(stackUrls().gateway, {
      method: 'OPTIONS',
      headers: {
        origin,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type, authorization, idempotency-key',
      },
    })

  it('a preflight from a localhost origin (the development default) is answered 204 with what a browser needs', async () => {
    const response = await preflight('http://localhost:3000')
    expect(response.status).toBe(204)
    expect(response.headers.get('access-control-allow-origin')).toBe('http://localhost:3000')
    const methods = (response.headers.get('access-control-allow-methods') ?? '').split(/,\s*/)
    expect(methods).toEqual(expect.arrayContaining(['GET', 'POST']))
    const allowed = (response.headers.get('access-control-allow-headers') ?? '').split(/,\s*/)
    expect(allowed).toEqual(expect.arrayContaining(['content-type', 'authorization', 'idempotency-key', 'apollo-require-preflight']))
    expect(Number(response.headers.get('access-control-max-age'))).toBeGreaterThan(0)
    // credentials off: the token travels in a header, never a cookie
    expect(response.headers.get('access-control-allow-credentials')).toBeNull()
  })

  it('a preflight from an origin that is not allowed gets no CORS headers', async () => {
    const response = await preflight('https://evil.example')
    expect(response.status).toBe(403)
    expect(response.headers.get('access-control-allow-origin')).toBeNull()
  })

  it("a POST from an allowed origin carries Access-Control-Allow-Origin; another origin's does not", async () => {
    const allowed = await post({ query: '{ __typename }' }, { origin: 'http://127.0.0.1:5173' })
    expect(allowed.json).toEqual({ data: { __typename: 'Query' } })
    expect(allowed.headers.get('access-control-allow-origin')).toBe('http://127.0.0.1:5173')
    expect(allowed.headers.get('vary')).toMatch(/origin/i)
    const other = await post({ query: '{ __typename }' }, { origin: 'https://evil.example' })
    expect(other.headers.get('access-control-allow-origin')).toBeNull()
  })

  it('CSRF prevention still refuses a simple request (text/plain POST, GET without a preflight header)', async () => {
    const simplePost = await fetch(stackUrls().gateway, {
      method: 'POST',
      headers: { 'content-type': 'text/plain', origin: 'http://localhost:3000' },
      body: JSON.stringify({ query: '{ __typename }' }),
    })
    expect(simplePost.status).toBe(400)
    expect(await simplePost.text()).toMatch(/CSRF/i)
    const { id } = await hotProduct()
    const simpleGet = await fetch(getUrl({ query: COMMENTS_PAGE, variables: { subject: { type: 'PRODUCT', id } } }), {
      headers: { accept: 'application/json' },
    })
    expect(simpleGet.status).toBe(400)
    expect(await simpleGet.text()).toMatch(/CSRF/i)
  })
})

describe('GraphQL over GET', () => {
  it('the comments page over GET is answered like the POST, and repeats are response-cache hits', async () => {
    const { id } = await hotProduct()
    const query = renamed('GetPage')
    const variables = { subject: { type: 'PRODUCT', id } }
    const viaPost = await post({ query, variables })
    expect(viaPost.status).toBe(200)
    const answers: unknown[] = []
    const hits = await hitsDuring(async () => {
      for (let i = 0; i < 3; i++) {
        const response = await fetch(getUrl({ query, variables }), { headers: { 'apollo-require-preflight': 'true' } })
        expect(response.status).toBe(200)
        answers.push(await response.json())
      }
    })
    for (const answer of answers) expect(answer).toEqual(viaPost.json)
    expect(hits).toBe(3) // the POST stored it; all three GETs share its entry
  })

  it('a mutation over GET is refused and runs nothing', async () => {
    const response = await fetch(getUrl({ query: 'mutation { login(username: "alice", password: "alice") { token } }' }), {
      headers: { 'apollo-require-preflight': 'true' },
    })
    expect(response.status).toBe(405)
    const body = (await response.json()) as { data?: unknown; errors: { message: string }[] }
    expect(body.data).toBeUndefined()
    expect(body.errors[0]?.message).toMatch(/GET requests only support query operations/)
  })
})

describe('automatic persisted queries', () => {
  it('an unknown hash is PERSISTED_QUERY_NOT_FOUND; once registered, hash-only requests are served from the response cache', async () => {
    const { id } = await hotProduct()
    const query = renamed(`PersistedPage${Date.now()}`)
    const variables = { subject: { type: 'PRODUCT', id } }
    const extensions = persisted(query)

    const unknown = await post({ variables, extensions })
    expect(unknown.json.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_NOT_FOUND')

    const registered = await post({ query, variables, extensions })
    expect(registered.status).toBe(200)
    expect(registered.json.data.comments.edges.length).toBeGreaterThan(0)

    const answers: unknown[] = []
    const hits = await hitsDuring(async () => {
      for (let i = 0; i < 3; i++) answers.push((await post({ variables, extensions })).json)
      // the same, as a GET (what Apollo Client sends with useGETForHashedQueries)
      const response = await fetch(getUrl({ variables, extensions }), { headers: { 'apollo-require-preflight': 'true' } })
      answers.push(await response.json())
    })
    for (const answer of answers) expect(answer).toEqual(registered.json)
    expect(hits).toBe(4)
  })

  it('a hash-only request that misses the response cache is answered from the registered text and then cached', async () => {
    const { id } = await hotProduct()
    const query = renamed(`PersistedMiss${Date.now()}`)
    const extensions = persisted(query)
    // registered with one subject; asked for another, whose page nobody has cached yet
    await post({ query, variables: { subject: { type: 'PRODUCT', id } }, extensions })
    const other = { subject: { type: 'MERCHANT', id: '00000000-0000-4000-8000-000000000000' } }
    const first = await post({ variables: other, extensions })
    expect(first.json).toEqual({ data: { comments: { totalCount: 0, edges: [], pageInfo: { hasNextPage: false, endCursor: null } } } })
    const hits = await hitsDuring(async () => {
      expect((await post({ variables: other, extensions })).json).toEqual(first.json)
    })
    expect(hits).toBe(1)
  })

  it('a hash that does not match its query is refused', async () => {
    const response = await post({
      query: '{ __typename }',
      extensions: { persistedQuery: { version: 1, sha256Hash: sha256('{ me { id } }') } },
    })
    expect(response.status).toBe(400)
    expect(response.json.errors[0].message).toMatch(/does not match/)
  })

  it('registrations live in Redis, where every gateway process finds them', async () => {
    const redisUrl = stackUrls().redis
    expect(redisUrl).not.toBeNull()
    const query = '{ __typename }'
    await post({ query, extensions: persisted(query) })
    const redis = new Redis(redisUrl as string, { lazyConnect: true, maxRetriesPerRequest: 1 })
    try {
      await redis.connect()
      await expect(redis.get(`apq:${sha256(query)}`)).resolves.toBe(query)
      expect(await redis.ttl(`apq:${sha256(query)}`)).toBeGreaterThan(0)
    } finally {
      redis.disconnect()
    }
  })
})
