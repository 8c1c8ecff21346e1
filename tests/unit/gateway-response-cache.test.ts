import { createHash } from 'node:crypto'
import { gunzipSync, gzipSync } from 'node:zlib'
import { Supergraph } from '@apollo/federation-internals'
import { parse, type GraphQLSchema } from 'graphql'
import { composeSupergraph } from '../../gateway/src/compose'
import { COMMENTS_PAGE_QUERY } from '../../bench/lib/verify'
import { ResponseCache, type ResponseCacheOptions } from '../../gateway/src/response-cache'
import {
  STORE_WITHIN_MS,
  createCache,
  invalidateResponses,
  type Cache,
  type ResponseLookup,
} from '../../packages/service-template/src/cache'
import { createLogger } from '../../packages/service-template/src/logger'
import { Metrics } from '../../packages/service-template/src/metrics'

// the contract's comments page (contract/comments-page.graphql)
const COMMENTS_PAGE = COMMENTS_PAGE_QUERY

const PRODUCT = '11111111-1111-4111-8111-111111111111'
const OTHER_PRODUCT = '22222222-2222-4222-8222-222222222222'
const COMMENT_1 = 'c0000000-0000-4000-8000-000000000001'
const COMMENT_2 = 'c0000000-0000-4000-8000-000000000002'
const ALICE = 'a0000000-0000-4000-8000-00000000000a'
const BOB = 'b0000000-0000-4000-8000-00000000000b'

const pageVariables = (id = PRODUCT, after: string | null = null): Record<string, unknown> => ({ subject: { type: 'PRODUCT', id }, after })

const node = (id: string, authorId: string, username: string) => ({
  id,
  body: `body of ${id}`,
  createdAt: '2024-01-02T03:04:05.000Z',
  replyCount: 0,
  author: { id: authorId, username, avatarUrl: null },
})

const pageData = (nodes = [node(COMMENT_1, ALICE, 'alice'), node(COMMENT_2, BOB, 'bob')]) => ({
  comments: {
    totalCount: nodes.length,
    edges: nodes.map((n) => ({ cursor: `cursor-${n.id}`, node: n })),
    pageInfo: { hasNextPage: false, endCursor: nodes.length ? `cursor-${nodes[nodes.length - 1]?.id}` : null },
  },
})

/** Lets pending promise callbacks (the eviction-policy check) run. */
const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve))

let schema: GraphQLSchema
beforeAll(() => {
  schema = Supergraph.build(composeSupergraph()).apiSchema().toGraphQLJSSchema()
})

/**
 * A stand-in for Redis: health can be switched, and the response methods are mocks whose answers
 * each test chooses (by default: an empty cache at epoch "0" that stores everything).
 */
class FakeCache implements Cache {
  readonly kind = 'redis'
  healthy = true
  readonly getResponse = jest.fn(async (_key: string): Promise<ResponseLookup | null> => ({ body: null, epoch: '0' }))
  readonly putResponse = jest.fn(
    async (_key: string, _gzipped: Buffer, _tags: readonly string[], _epoch: string, _ttlSeconds: number): Promise<boolean> => true,
  )
  readonly invalidateResponses = jest.fn(async (_tags: readonly string[]): Promise<void> => undefined)
  readonly evictionPolicy = jest.fn(async (): Promise<string | null> => 'noeviction')
  readonly hit = jest.fn(async () => ({ count: 1, ttl: 1 }))
  async getMany(keys: readonly string[]): Promise<(string | null)[]> {
    return keys.map(() => null)
  }
  async put(): Promise<void> {}
  async setIfUnchanged(): Promise<void> {}
  async invalidate(): Promise<void> {}
  async broadcast(): Promise<void> {}
  subscribe(): void {}
  async close(): Promise<void> {}
}

function setup(options: Partial<ResponseCacheOptions> = {}, cache?: Cache) {
  const metrics = new Metrics()
  const shared = cache ?? createCache(undefined, createLogger('test', 'silent'), metrics)
  const responses = new ResponseCache(() => schema, shared, metrics, { ttlSeconds: 60, ...options })
  /** The epoch a lookup would answer now (read from the shared cache directly: counts nothing). */
  const epochNow = async (key: string): Promise<string> => {
    const found = await shared.getResponse(key)
    if (!found) throw new Error('the cache did not answer')
    return found.epoch
  }
  /** The cached response for `key`, if any (a lookup: counts a hit or a miss). */
  const get = async (key: string) => (await responses.lookup(key))?.hit
  /** Stores a response as the gateway does after a successful execution; returns its key. */
  const storeQuery = async (query: string, operationName: unknown, variables: Record<string, unknown>, data: unknown) => {
    const key = responses.keyOf(query, operationName, variables) as string
    await responses.store(key, query, operationName, variables, JSON.stringify({ data }), data, await epochNow(key))
    return key
  }
  /** Stores the comments page of `subject`; returns its key. */
  const storePage = (subject = PRODUCT, data: unknown = pageData()) =>
    storeQuery(COMMENTS_PAGE, 'CommentsPage', pageVariables(subject), data)
  /** What a subgraph's invalidation step does (invalidateResponses on its shared cache). */
  const invalidate = (tags: readonly string[]) => invalidateResponses(shared, tags)
  return { metrics, shared, responses, epochNow, get, storeQuery, storePage, invalidate }
}

describe('ResponseCache.isCacheable', () => {
  const cacheable = (query: string, operationName?: string) => setup().responses.isCacheable(query, operationName)

  it("accepts the contract's comments page, with or without its operation name", () => {
    expect(cacheable(COMMENTS_PAGE, 'CommentsPage')).toBe(true)
    expect(cacheable(COMMENTS_PAGE)).toBe(true)
  })

  it('accepts a single comment, __typename and every public field', () => {
    expect(
      cacheable(
        '{ comment(id: "x") { __typename id body createdAt editedAt deleted replyCount author { id username displayName avatarUrl createdAt } } }',
      ),
    ).toBe(true)
  })

  it('accepts named and inline fragments of public fields', () => {
    expect(
      cacheable(`
        query Page($subject: SubjectRef!) { comments(subject: $subject) { ...Conn } }
        fragment Conn on CommentConnection { totalCount edges { node { ...C } } pageInfo { ...on PageInfo { hasNextPage } } }
        fragment C on Comment { id body author { ...U } }
        fragment U on User { id username }`),
    ).toBe(true)
    expect(cacheable('{ comment(id: "x") { ... on Comment { id body } author { ... { id username } } } }')).toBe(true)
  })

  it('accepts an aliased root field', () => {
    expect(cacheable('query P($s: SubjectRef!) { page: comments(subject: $s) { totalCount } }')).toBe(true)
  })

  it.each([
    ['me', '{ me { id username } }'],
    ['user', '{ user(id: "x") { id username } }'],
    ['review', '{ review(id: "x") { id } }'],
    ['operation', '{ operation(id: "x") { id } }'],
    ['a non-public root field beside a public one', '{ comment(id: "x") { id } me { id } }'],
    [
      "an author's reviews",
      'query P($s: SubjectRef!) { comments(subject: $s) { edges { node { id author { id reviews { totalCount } } } } } }',
    ],
    ["an author's role", '{ comment(id: "x") { id author { id role } } }'],
    ["an author's comments", '{ comment(id: "x") { id author { id comments { totalCount } } } }'],
    ['subject', '{ comment(id: "x") { id subject { __typename } } }'],
    ['parent', '{ comment(id: "x") { id parent { id } } }'],
    ['replies', '{ comment(id: "x") { id replies { totalCount } } }'],
    ['a non-public field in a named fragment', '{ comment(id: "x") { ...C } } fragment C on Comment { id parent { id } }'],
    ['a non-public field in an inline fragment', '{ comment(id: "x") { id ... on Comment { replies { totalCount } } } }'],
  ])('refuses a query selecting %s', (_what, query) => {
    expect(cacheable(query)).toBe(false)
  })

  it('refuses mutations', () => {
    expect(cacheable('mutation { login(username: "a", password: "b") { token } }')).toBe(false)
    expect(cacheable('mutation M { deleteComment(id: "x") { id } }', 'M')).toBe(false)
  })

  it.each([
    ['@skip on a field', 'query Q($s: Boolean!) { comment(id: "x") { id body @skip(if: $s) } }'],
    ['@include on a field', 'query Q($s: Boolean!) { comment(id: "x") { id author @include(if: $s) { id } } }'],
    ['@include on a root field', 'query Q($s: Boolean!) { comment(id: "x") @include(if: $s) { id } }'],
    ['@skip on an inline fragment', 'query Q($s: Boolean!) { comment(id: "x") { id ... @skip(if: $s) { body } } }'],
    [
      '@include on a fragment spread',
      'query Q($s: Boolean!) { comment(id: "x") { id ...F @include(if: $s) } } fragment F on Comment { body }',
    ],
  ])('refuses a query with %s', (_what, query) => {
    expect(cacheable(query)).toBe(false)
  })

  it.each([
    ['a Comment without id', '{ comment(id: "x") { body } }'],
    ['a Comment node without id', 'query P($s: SubjectRef!) { comments(subject: $s) { edges { node { body author { id } } } } }'],
    ['a User without id', '{ comment(id: "x") { id author { username } } }'],
    ['a User whose "id" is an alias of another field', '{ comment(id: "x") { id author { id: username } } }'],
    [
      'a Comment whose id is only in a nested fragment',
      '{ comment(id: "x") { ...A } } fragment A on Comment { ...B } fragment B on Comment { id }',
    ],
  ])('refuses %s (it could not be tagged)', (_what, query) => {
    expect(cacheable(query)).toBe(false)
  })

  it('refuses fragments on other types, unknown and cyclic fragments', () => {
    expect(cacheable('{ comment(id: "x") { id ... on User { id } } }')).toBe(false)
    expect(cacheable('{ comment(id: "x") { id ...Missing } }')).toBe(false)
    expect(cacheable('{ comment(id: "x") { ...A } } fragment A on Comment { id ...B } fragment B on Comment { id ...A }')).toBe(false)
  })

  it('refuses unparseable text, unknown fields, and several operations without a name to choose', () => {
    expect(cacheable('{ comment(id: "x") { id ')).toBe(false)
    expect(cacheable('{ comment(id: "x") { id nope } }')).toBe(false)
    const two = 'query A { comment(id: "x") { id } } query B { me { id } }'
    expect(cacheable(two)).toBe(false)
    expect(cacheable(two, 'A')).toBe(true)
    expect(cacheable(two, 'B')).toBe(false)
    expect(cacheable(two, 'C')).toBe(false)
  })
})

describe('ResponseCache lookup/store', () => {
  it('misses, then hits after store, counting both and the store', async () => {
    const { responses, metrics } = setup()
    const variables = pageVariables()
    const key = responses.keyOf(COMMENTS_PAGE, 'CommentsPage', variables) as string
    const miss = await responses.lookup(key)
    expect(miss).toEqual({ hit: undefined, epoch: '0', at: expect.any(Number) })
    const body = JSON.stringify({ data: pageData() })
    await expect(responses.store(key, COMMENTS_PAGE, 'CommentsPage', variables, body, pageData(), miss?.epoch ?? '')).resolves.toBe(true)
    const found = await responses.lookup(key)
    expect(found?.epoch).toBe('0')
    expect(found?.hit?.plain().toString('utf8')).toBe(body)
    expect(metrics.get('response_cache_misses_total')).toBe(1)
    expect(metrics.get('response_cache_hits_total')).toBe(1)
    expect(metrics.get('response_cache_stores_total')).toBe(1)
    expect(metrics.get('response_cache_stores_skipped_total')).toBe(0)
    expect(metrics.get('response_cache_unavailable_total')).toBe(0)
  })

  it('keeps the body gzipped: sent as is to clients that accept gzip; plain() is the body', async () => {
    const { get, storeQuery } = setup()
    const data = pageData(Array.from({ length: 10 }, (_, i) => node(`c0000000-0000-4000-8000-00000000000${i}`, ALICE, 'alice')))
    const body = JSON.stringify({ data })
    const hit = await get(await storeQuery(COMMENTS_PAGE, 'CommentsPage', pageVariables(), data))
    expect(hit).toBeDefined()
    expect(Buffer.isBuffer(hit?.gzipped)).toBe(true)
    expect(hit && gunzipSync(hit.gzipped).toString('utf8')).toBe(body)
    expect(hit?.gzipped.length).toBeLessThan(Buffer.byteLength(body) / 2)
    expect(hit?.plain().equals(Buffer.from(body, 'utf8'))).toBe(true)
    // a non-ASCII body comes back byte for byte
    const unicode = pageData([{ ...node(COMMENT_1, ALICE, 'alice'), body: 'crème brûlée ✓ 日本語 🎉' }])
    const again = await get(await storeQuery(COMMENTS_PAGE, 'CommentsPage', pageVariables(OTHER_PRODUCT), unicode))
    expect(again?.plain().toString('utf8')).toBe(JSON.stringify({ data: unicode }))
  })

  it('refuses to store when a tag of the response was invalidated while the request ran, and counts it', async () => {
    const { responses, metrics, get, invalidate } = setup()
    const variables = pageVariables()
    const key = responses.keyOf(COMMENTS_PAGE, 'CommentsPage', variables) as string
    for (const tag of [`comments:PRODUCT:${PRODUCT}`, `User:${ALICE}`, `Comment:${COMMENT_2}`]) {
      const before = await responses.lookup(key)
      await invalidate([tag])
      const after = await responses.lookup(key)
      expect(after?.epoch).not.toBe(before?.epoch)
      await expect(
        responses.store(key, COMMENTS_PAGE, 'CommentsPage', variables, '{"data":{}}', pageData(), before?.epoch ?? ''),
      ).resolves.toBe(false)
      expect(await get(key)).toBeUndefined()
    }
    expect(metrics.get('response_cache_stores_skipped_total')).toBe(3)
    expect(metrics.get('response_cache_stores_total')).toBe(0)
    // the next request, which read the new epoch, may store
    const after = await responses.lookup(key)
    await expect(
      responses.store(key, COMMENTS_PAGE, 'CommentsPage', variables, '{"data":{}}', pageData(), after?.epoch ?? ''),
    ).resolves.toBe(true)
    expect(await get(key)).toBeDefined()
  })

  it('stores a response computed while only other tags were invalidated (a write elsewhere does not cost this page)', async () => {
    const { responses, metrics, get, invalidate } = setup()
    const variables = pageVariables()
    const key = responses.keyOf(COMMENTS_PAGE, 'CommentsPage', variables) as string
    const before = await responses.lookup(key)
    await invalidate([`comments:PRODUCT:${OTHER_PRODUCT}`, 'User:someone-else'])
    expect((await responses.lookup(key))?.epoch).not.toBe(before?.epoch)
    await expect(
      responses.store(key, COMMENTS_PAGE, 'CommentsPage', variables, '{"data":{}}', pageData(), before?.epoch ?? ''),
    ).resolves.toBe(true)
    expect(await get(key)).toBeDefined()
    expect(metrics.get('response_cache_stores_skipped_total')).toBe(0)
  })

  it('stores nothing looked up more than STORE_WITHIN_MS ago (a process frozen mid-request)', async () => {
    const { responses, metrics, get } = setup()
    const variables = pageVariables()
    const key = responses.keyOf(COMMENTS_PAGE, 'CommentsPage', variables) as string
    const lookup = await responses.lookup(key)
    await expect(
      responses.store(
        key,
        COMMENTS_PAGE,
        'CommentsPage',
        variables,
        '{"data":{}}',
        pageData(),
        lookup?.epoch ?? '',
        performance.now() - STORE_WITHIN_MS - 1,
      ),
    ).resolves.toBe(false)
    expect(await get(key)).toBeUndefined()
    expect(metrics.get('response_cache_stores_skipped_total')).toBe(1)
  })

  it('does not store a query that is not cacheable (and counts nothing)', async () => {
    const { responses, metrics, get } = setup()
    const query = '{ me { id } }'
    const key = responses.keyOf(query, undefined, {}) as string
    await expect(responses.store(key, query, undefined, {}, '{"data":{"me":null}}', { me: null }, '0')).resolves.toBe(false)
    expect(await get(key)).toBeUndefined()
    expect(metrics.get('response_cache_stores_total')).toBe(0)
    expect(metrics.get('response_cache_stores_skipped_total')).toBe(0)
  })

  it('does not store a response whose data cannot be tagged', async () => {
    const fake = new FakeCache()
    const { responses } = setup({}, fake)
    const variables = pageVariables()
    const key = responses.keyOf(COMMENTS_PAGE, 'CommentsPage', variables) as string
    const bad = { comments: { totalCount: 1, edges: ['not an edge'], pageInfo: { hasNextPage: false, endCursor: null } } }
    await expect(responses.store(key, COMMENTS_PAGE, 'CommentsPage', variables, JSON.stringify({ data: bad }), bad, '0')).resolves.toBe(
      false,
    )
    expect(fake.putResponse).not.toHaveBeenCalled()
  })

  it('hands the cache the key, the gzipped body, the tags, the epoch read and the TTL', async () => {
    const fake = new FakeCache()
    const { responses } = setup({ ttlSeconds: 42 }, fake)
    const variables = pageVariables()
    const key = responses.keyOf(COMMENTS_PAGE, 'CommentsPage', variables) as string
    const body = JSON.stringify({ data: pageData() })
    await responses.store(key, COMMENTS_PAGE, 'CommentsPage', variables, body, pageData(), '17')
    expect(fake.putResponse).toHaveBeenCalledTimes(1)
    const [putKey, gzipped, tags, epoch, ttl] = fake.putResponse.mock.calls[0] ?? []
    expect(putKey).toBe(key)
    expect(gzipped && gunzipSync(gzipped).toString('utf8')).toBe(body)
    expect([...(tags ?? [])].sort()).toEqual(
      [`comments:PRODUCT:${PRODUCT}`, `Comment:${COMMENT_1}`, `Comment:${COMMENT_2}`, `User:${ALICE}`, `User:${BOB}`].sort(),
    )
    expect(epoch).toBe('17')
    expect(ttl).toBe(42)
  })

  it('entries expire after ttlSeconds', async () => {
    const now = jest.spyOn(Date, 'now')
    try {
      now.mockReturnValue(5_000_000)
      const { get, storePage } = setup({ ttlSeconds: 10 })
      const key = await storePage()
      now.mockReturnValue(5_000_000 + 9_999)
      expect(await get(key)).toBeDefined()
      now.mockReturnValue(5_000_000 + 10_000)
      expect(await get(key)).toBeUndefined()
    } finally {
      now.mockRestore()
    }
  })

  it('keyOf differs by variables and operation, and is stable', () => {
    const { responses } = setup()
    const base = responses.keyOf(COMMENTS_PAGE, 'CommentsPage', pageVariables())
    expect(responses.keyOf(COMMENTS_PAGE, 'CommentsPage', pageVariables())).toBe(base)
    expect(responses.keyOf(COMMENTS_PAGE, 'CommentsPage', pageVariables(OTHER_PRODUCT))).not.toBe(base)
    expect(responses.keyOf(COMMENTS_PAGE, 'CommentsPage', pageVariables(PRODUCT, 'cursor'))).not.toBe(base)
    expect(responses.keyOf(COMMENTS_PAGE.replace('CommentsPage', 'Renamed'), 'Renamed', pageVariables())).not.toBe(base)
    expect(responses.keyOf(COMMENTS_PAGE.replace('totalCount', ''), 'CommentsPage', pageVariables())).not.toBe(base)
    // an operation the document does not have: no key
    expect(responses.keyOf(COMMENTS_PAGE, 'Other', pageVariables())).toBeNull()
    expect(responses.keyOf('{ comments(', undefined, {})).toBeNull()
    // no variables and empty variables are the same request
    expect(responses.keyOf('{ x }', undefined, undefined)).toBe(responses.keyOf('{ x }', undefined, {}))
    // a digest: short and safe in a Redis key whatever the query
    expect(base).toMatch(/^[A-Za-z0-9_-]{43}$/)
  })

  it('keyOf is normalized: whitespace, comments, key order, junk variables and a redundant operation name map to one key', () => {
    const { responses } = setup()
    const base = responses.keyOf(COMMENTS_PAGE, 'CommentsPage', pageVariables())
    const reformatted = `# the page\n${COMMENTS_PAGE.replace(/ /g, '  ').replace(/\n/g, '\n\n')}\n`
    expect(responses.keyOf(reformatted, 'CommentsPage', pageVariables())).toBe(base)
    expect(responses.keyOf(COMMENTS_PAGE, undefined, pageVariables())).toBe(base)
    expect(responses.keyOf(COMMENTS_PAGE, 'CommentsPage', { ...pageVariables(), junk: 'x'.repeat(1000), more: { a: 1 } })).toBe(base)
    expect(responses.keyOf(COMMENTS_PAGE, 'CommentsPage', { after: null, subject: { id: PRODUCT, type: 'PRODUCT' } })).toBe(base)
    // an unused fragment or another operation in the document changes nothing
    const withExtras = `${COMMENTS_PAGE}\nfragment Unused on Comment { id }\nquery Other { __typename }`
    expect(responses.keyOf(withExtras, 'CommentsPage', pageVariables())).toBe(base)
  })

  it('keyOf applies declared defaults and keeps null apart from absent', () => {
    const { responses } = setup()
    const withDefault = 'query P($first: Int = 10, $subject: SubjectRef!) { comments(subject: $subject, first: $first) { totalCount } }'
    const subject = { type: 'PRODUCT', id: PRODUCT }
    expect(responses.keyOf(withDefault, undefined, { subject })).toBe(responses.keyOf(withDefault, undefined, { subject, first: 10 }))
    expect(responses.keyOf(withDefault, undefined, { subject, first: null })).not.toBe(responses.keyOf(withDefault, undefined, { subject }))
    expect(responses.keyOf(withDefault, undefined, { subject, first: 5 })).not.toBe(responses.keyOf(withDefault, undefined, { subject }))
  })

  it('fragments are part of the key: the same spread with another fragment body is another key', () => {
    const { responses } = setup()
    const page = (fields: string) =>
      `query P($s: SubjectRef!) { comments(subject: $s) { ...F } } fragment F on CommentConnection { ${fields} }`
    const vars = { s: { type: 'PRODUCT', id: PRODUCT } }
    expect(responses.keyOf(page('totalCount'), 'P', vars)).not.toBe(responses.keyOf(page('totalCount pageInfo { hasNextPage }'), 'P', vars))
    expect(responses.keyOf(page('totalCount'), 'P', vars)).toBe(
      responses.keyOf(`${page('totalCount')} fragment G on Comment { id }`, 'P', vars),
    )
  })

  it("the key of an admitted query (a persisted query's hash and its document) is the key of the same text", () => {
    const { responses } = setup()
    const hash = createHash('sha256').update(COMMENTS_PAGE).digest('hex')
    const admitted = { hash, document: parse(COMMENTS_PAGE), bytes: COMMENTS_PAGE.length }
    expect(responses.keyOf(admitted, 'CommentsPage', pageVariables())).toBe(responses.keyOf(COMMENTS_PAGE, 'CommentsPage', pageVariables()))
    expect(responses.keyOf(admitted, 'CommentsPage', pageVariables(OTHER_PRODUCT))).not.toBe(
      responses.keyOf(COMMENTS_PAGE, 'CommentsPage', pageVariables()),
    )
    expect(responses.isCacheable(admitted, 'CommentsPage')).toBe(true)
  })

  it('text handed over directly is held to the token and length limits (never parsed past them)', () => {
    const { responses } = setup({ maxTokens: 50, maxQueryBytes: 2000 })
    const many = `query P($s: SubjectRef!) { comments(subject: $s) {${' totalCount'.repeat(60)} } }`
    expect(responses.isCacheable(many, 'P')).toBe(false)
    expect(responses.keyOf(many, 'P', {})).toBeNull()
    const long = `query P($s: SubjectRef!) { comments(subject: $s) { totalCount } } ${'#'.repeat(3000)}`
    expect(responses.isCacheable(long, 'P')).toBe(false)
    expect(responses.isCacheable('query P($s: SubjectRef!) { comments(subject: $s) { totalCount } }', 'P')).toBe(true)
  })
})

describe('ResponseCache tags', () => {
  it('tags a comments page by its list and every comment and author it shows', () => {
    const { responses } = setup()
    const tags = responses.tagsOf(COMMENTS_PAGE, 'CommentsPage', pageVariables(), pageData())
    expect([...(tags ?? [])].sort()).toEqual(
      [`comments:PRODUCT:${PRODUCT}`, `Comment:${COMMENT_1}`, `Comment:${COMMENT_2}`, `User:${ALICE}`, `User:${BOB}`].sort(),
    )
    // an empty page still shows its list
    expect(responses.tagsOf(COMMENTS_PAGE, 'CommentsPage', pageVariables(OTHER_PRODUCT), pageData([]))).toEqual([
      `comments:PRODUCT:${OTHER_PRODUCT}`,
    ])
  })

  it('has no tags (null) for a query that is not cacheable or data of the wrong shape', () => {
    const { responses } = setup()
    expect(responses.tagsOf('{ me { id } }', undefined, {}, { me: null })).toBeNull()
    expect(responses.tagsOf(COMMENTS_PAGE, 'CommentsPage', pageVariables(), { comments: { edges: [42] } })).toBeNull()
    expect(responses.tagsOf(COMMENTS_PAGE, 'CommentsPage', pageVariables(), { comments: 'oops' })).toBeNull()
  })

  it.each([
    ['the author of a comment on it', `User:${BOB}`],
    ['a comment on it', `Comment:${COMMENT_1}`],
    ["the subject's list", `comments:PRODUCT:${PRODUCT}`],
  ])('a comments page is dropped by an invalidation of %s', async (_what, tag) => {
    const { storePage, get, invalidate } = setup()
    const key = await storePage()
    const other = await storePage(OTHER_PRODUCT, pageData([]))
    await invalidate([tag])
    expect(await get(key)).toBeUndefined()
    expect(await get(other)).toBeDefined() // a page that does not show it stays
  })

  it.each([
    ['an unrelated user', 'User:eeeeeeee-eeee-4eee-8eee-eeeeeeeeeeee'],
    ['an unrelated comment', 'Comment:eeeeeeee-eeee-4eee-8eee-eeeeeeeeeeee'],
    ["another subject's list", `comments:PRODUCT:${OTHER_PRODUCT}`],
    ['the same id as another kind of subject', `comments:MERCHANT:${PRODUCT}`],
    ['the same id as another type', `Comment:${ALICE}`],
  ])('a comments page survives an invalidation of %s', async (_what, tag) => {
    const { storePage, get, invalidate } = setup()
    const key = await storePage()
    await invalidate([tag])
    expect(await get(key)).toBeDefined()
  })

  it('lower-cases the ids in tags (data and variables)', async () => {
    const { responses, storePage, get, invalidate } = setup()
    const upper = pageData([node(COMMENT_1.toUpperCase(), ALICE.toUpperCase(), 'alice')])
    expect([...(responses.tagsOf(COMMENTS_PAGE, 'CommentsPage', pageVariables(PRODUCT.toUpperCase()), upper) ?? [])].sort()).toEqual(
      [`comments:PRODUCT:${PRODUCT}`, `Comment:${COMMENT_1}`, `User:${ALICE}`].sort(),
    )
    const byUser = await storePage(PRODUCT.toUpperCase(), upper)
    await invalidate([`User:${ALICE}`])
    expect(await get(byUser)).toBeUndefined()
    const byComment = await storePage(PRODUCT.toUpperCase(), upper)
    await invalidate([`Comment:${COMMENT_1}`])
    expect(await get(byComment)).toBeUndefined()
    const byList = await storePage(PRODUCT.toUpperCase(), upper)
    await invalidate([`comments:PRODUCT:${PRODUCT}`])
    expect(await get(byList)).toBeUndefined()
  })

  it('tags a single comment by its root argument, even when it is null', async () => {
    const { responses, storeQuery, get, invalidate } = setup()
    const query = 'query One($id: ID!) { comment(id: $id) { id body } }'
    const variables = { id: COMMENT_1.toUpperCase() }
    expect(responses.tagsOf(query, 'One', variables, { comment: null })).toEqual([`Comment:${COMMENT_1}`])
    const key = await storeQuery(query, 'One', variables, { comment: null })
    expect(await get(key)).toBeDefined()
    await invalidate([`Comment:${COMMENT_1}`])
    expect(await get(key)).toBeUndefined()
  })

  it('tags through an aliased root field, named fragments and a literal subject', async () => {
    const { responses, storeQuery, get, invalidate } = setup()
    const query = `{ page: comments(subject: { type: PRODUCT, id: "${PRODUCT}" }) { edges { node { ...C } } } }
      fragment C on Comment { id author { ... on User { id username } } }`
    const data = { page: { edges: [{ node: { id: COMMENT_1, author: { id: ALICE, username: 'alice' } } }] } }
    expect([...(responses.tagsOf(query, undefined, {}, data) ?? [])].sort()).toEqual(
      [`comments:PRODUCT:${PRODUCT}`, `Comment:${COMMENT_1}`, `User:${ALICE}`].sort(),
    )
    for (const tag of [`User:${ALICE}`, `Comment:${COMMENT_1}`, `comments:PRODUCT:${PRODUCT}`]) {
      const key = await storeQuery(query, undefined, {}, data)
      expect(await get(key)).toBeDefined()
      await invalidate([tag])
      expect(await get(key)).toBeUndefined()
    }
  })

  // Tags are read from `id` in the data: an aliased id would leave an entity untagged (and the page
  // stale after its update), so such queries are not cached at all.
  it.each([
    `{ comment(id: "${COMMENT_1}") { id author { uid: id username } } }`,
    `{ comment(id: "${COMMENT_1}") { cid: id author { id username } } }`,
    `{ comment(id: "${COMMENT_1}") { id author { x: id id: username } } }`,
  ])('does not cache a query that aliases an id: %s', (query) => {
    const { responses } = setup()
    expect(responses.isCacheable(query, undefined)).toBe(false)
  })
})

describe('ResponseCache and the shared cache', () => {
  it('is enabled only while the cache is healthy', async () => {
    const fake = new FakeCache()
    fake.healthy = false
    const { responses } = setup({}, fake)
    expect(responses.enabled).toBe(false)
    // the eviction policy is not asked while Redis does not answer
    expect(fake.evictionPolicy).not.toHaveBeenCalled()
    fake.healthy = true
    expect(responses.enabled).toBe(true)
    await settle()
    expect(responses.enabled).toBe(true)
    fake.healthy = false
    expect(responses.enabled).toBe(false)
    fake.healthy = true
    expect(responses.enabled).toBe(true)
  })

  it('the memory cache is healthy and never evicts: enabled', async () => {
    const { responses } = setup()
    expect(responses.enabled).toBe(true)
    await settle()
    expect(responses.enabled).toBe(true)
  })

  it.each(['allkeys-lru', 'volatile-lru', 'allkeys-random', 'volatile-ttl'])(
    'turns itself off once it learns Redis may evict keys (%s), telling onUnsafeRedis once',
    async (policy) => {
      const fake = new FakeCache()
      fake.evictionPolicy.mockResolvedValue(policy)
      const onUnsafeRedis = jest.fn()
      const { responses } = setup({ onUnsafeRedis }, fake)
      // the check runs in the background: usable until it answers
      expect(responses.enabled).toBe(true)
      expect(fake.evictionPolicy).toHaveBeenCalledTimes(1)
      await settle()
      expect(responses.enabled).toBe(false)
      expect(onUnsafeRedis).toHaveBeenCalledTimes(1)
      expect(onUnsafeRedis).toHaveBeenCalledWith(policy)
      // for good: not asked again, not told again, even while healthy
      for (let i = 0; i < 3; i++) expect(responses.enabled).toBe(false)
      await settle()
      expect(fake.evictionPolicy).toHaveBeenCalledTimes(1)
      expect(onUnsafeRedis).toHaveBeenCalledTimes(1)
    },
  )

  it('without onUnsafeRedis, an unsafe policy still turns it off', async () => {
    const fake = new FakeCache()
    fake.evictionPolicy.mockResolvedValue('allkeys-lru')
    const { responses } = setup({}, fake)
    expect(responses.enabled).toBe(true)
    await settle()
    expect(responses.enabled).toBe(false)
  })

  it.each([
    ['noeviction', 'noeviction'],
    ['a policy that cannot be read (null)', null],
  ])('stays enabled with %s, asking only once', async (_what, policy) => {
    const fake = new FakeCache()
    fake.evictionPolicy.mockResolvedValue(policy)
    const onUnsafeRedis = jest.fn()
    const { responses } = setup({ onUnsafeRedis }, fake)
    expect(responses.enabled).toBe(true)
    await settle()
    for (let i = 0; i < 3; i++) expect(responses.enabled).toBe(true)
    await settle()
    expect(fake.evictionPolicy).toHaveBeenCalledTimes(1)
    expect(onUnsafeRedis).not.toHaveBeenCalled()
  })

  it('asks only once while the check is under way', async () => {
    const fake = new FakeCache()
    let answer: (policy: string) => void = () => undefined
    fake.evictionPolicy.mockReturnValue(new Promise<string>((resolve) => (answer = resolve)))
    const { responses } = setup({}, fake)
    for (let i = 0; i < 5; i++) expect(responses.enabled).toBe(true)
    expect(fake.evictionPolicy).toHaveBeenCalledTimes(1)
    answer('allkeys-lfu')
    await settle()
    expect(responses.enabled).toBe(false)
  })

  it('asks again on the next use when the check itself failed', async () => {
    const fake = new FakeCache()
    fake.evictionPolicy.mockRejectedValueOnce(new Error('connection lost')).mockResolvedValueOnce('allkeys-lru')
    const onUnsafeRedis = jest.fn()
    const { responses } = setup({ onUnsafeRedis }, fake)
    expect(responses.enabled).toBe(true)
    await settle()
    expect(responses.enabled).toBe(true) // still unknown: asks again
    expect(fake.evictionPolicy).toHaveBeenCalledTimes(2)
    await settle()
    expect(responses.enabled).toBe(false)
    expect(onUnsafeRedis).toHaveBeenCalledWith('allkeys-lru')
  })

  it('a lookup the cache cannot answer is null (not a miss), and counted as unavailable', async () => {
    const fake = new FakeCache()
    fake.getResponse.mockResolvedValue(null)
    const { responses, metrics } = setup({}, fake)
    await expect(responses.lookup('some-key')).resolves.toBeNull()
    expect(fake.getResponse).toHaveBeenCalledWith('some-key')
    expect(metrics.get('response_cache_unavailable_total')).toBe(1)
    expect(metrics.get('response_cache_misses_total')).toBe(0)
    expect(metrics.get('response_cache_hits_total')).toBe(0)
  })

  it('a lookup passes on the epoch the cache read with the body', async () => {
    const fake = new FakeCache()
    const { responses, metrics } = setup({}, fake)
    fake.getResponse.mockResolvedValueOnce({ body: null, epoch: '41' })
    await expect(responses.lookup('k')).resolves.toEqual({ hit: undefined, epoch: '41', at: expect.any(Number) })
    const body = '{"data":{"comment":null}}'
    fake.getResponse.mockResolvedValueOnce({ body: gzipSync(body), epoch: '42' })
    const found = await responses.lookup('k')
    expect(found?.epoch).toBe('42')
    expect(found?.hit?.plain().toString('utf8')).toBe(body)
    expect(metrics.get('response_cache_misses_total')).toBe(1)
    expect(metrics.get('response_cache_hits_total')).toBe(1)
  })

  it('a store the cache refuses (its epoch moved) answers false and is counted as skipped', async () => {
    const fake = new FakeCache()
    fake.putResponse.mockResolvedValue(false)
    const { responses, metrics } = setup({}, fake)
    const variables = pageVariables()
    const key = responses.keyOf(COMMENTS_PAGE, 'CommentsPage', variables) as string
    await expect(responses.store(key, COMMENTS_PAGE, 'CommentsPage', variables, '{}', pageData(), '3')).resolves.toBe(false)
    expect(fake.putResponse).toHaveBeenCalledTimes(1)
    expect(metrics.get('response_cache_stores_skipped_total')).toBe(1)
    expect(metrics.get('response_cache_stores_total')).toBe(0)
  })

  it('an invalidation through the shared cache (as a subgraph does it) drops the tagged responses', async () => {
    const { shared, storePage, get } = setup()
    const key = await storePage()
    const other = await storePage(OTHER_PRODUCT, pageData([]))
    await shared.invalidateResponses([`User:${ALICE}`])
    expect(await get(key)).toBeUndefined()
    expect(await get(other)).toBeDefined()
  })
})
