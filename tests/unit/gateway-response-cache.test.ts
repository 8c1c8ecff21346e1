import { Supergraph } from '@apollo/federation-internals'
import type { GraphQLSchema } from 'graphql'
import { composeSupergraph } from '../../gateway/src/compose'
import { ResponseCache, type ResponseCacheOptions } from '../../gateway/src/response-cache'
import { createCache, RESPONSE_INVALIDATION_CHANNEL, type Cache } from '../../packages/service-template/src/cache'
import { createLogger } from '../../packages/service-template/src/logger'
import { Metrics } from '../../packages/service-template/src/metrics'

// the contract's comments page (shared/contract/README.md)
const COMMENTS_PAGE = `
query CommentsPage($subject: SubjectRef!, $after: String) {
  comments(subject: $subject, first: 10, after: $after) {
    totalCount
    edges { cursor node { id body createdAt replyCount author { id username avatarUrl } } }
    pageInfo { hasNextPage endCursor }
  }
}`

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

let schema: GraphQLSchema
beforeAll(() => {
  schema = Supergraph.build(composeSupergraph()).apiSchema().toGraphQLJSSchema()
})

/** A Cache whose health can be switched and whose subscription callbacks are kept (a stand-in for Redis). */
class FakeCache implements Cache {
  readonly kind = 'redis'
  healthy = true
  readonly handlers = new Map<string, { onMessage: (message: unknown) => void; onReset: () => void }>()
  async getMany(keys: readonly string[]): Promise<(string | null)[]> {
    return keys.map(() => null)
  }
  async setIfUnchanged(): Promise<void> {}
  async invalidate(): Promise<void> {}
  async broadcast(channel: string, message: unknown): Promise<void> {
    this.handlers.get(channel)?.onMessage(message)
  }
  subscribe(channel: string, onMessage: (message: unknown) => void, onReset: () => void): void {
    this.handlers.set(channel, { onMessage, onReset })
  }
  async close(): Promise<void> {}
}

function setup(options: Partial<ResponseCacheOptions> = {}, cache?: Cache) {
  const metrics = new Metrics()
  const shared = cache ?? createCache(undefined, createLogger('test', 'silent'), metrics)
  const responses = new ResponseCache(() => schema, shared, metrics, { maxEntries: 100, ttlSeconds: 60, ...options })
  /** Stores the comments page of `subject` as the gateway does after a successful execution; returns its key. */
  const storePage = (subject = PRODUCT, data: unknown = pageData(), query = COMMENTS_PAGE, operationName: unknown = 'CommentsPage') => {
    const variables = pageVariables(subject)
    const key = responses.keyOf(query, operationName, variables)
    const epoch = responses.currentEpoch
    responses.store(key, query, operationName, variables, JSON.stringify({ data }), data, epoch)
    return key
  }
  return { metrics, shared, responses, storePage }
}

describe('ResponseCache.isCacheable', () => {
  const cacheable = (query: string, operationName?: string) => setup().responses.isCacheable(query, operationName)

  it("accepts the contract's comments page, with or without its operation name", () => {
    expect(cacheable(COMMENTS_PAGE, 'CommentsPage')).toBe(true)
    expect(cacheable(COMMENTS_PAGE)).toBe(true)
  })

  it('accepts a single comment, __typename and every public field', () => {
    expect(cacheable('{ comment(id: "x") { __typename id body createdAt editedAt deleted replyCount author { id username displayName avatarUrl createdAt } } }')).toBe(true)
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
    ["an author's reviews", 'query P($s: SubjectRef!) { comments(subject: $s) { edges { node { id author { id reviews { totalCount } } } } } }'],
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
    ['@include on a fragment spread', 'query Q($s: Boolean!) { comment(id: "x") { id ...F @include(if: $s) } } fragment F on Comment { body }'],
  ])('refuses a query with %s', (_what, query) => {
    expect(cacheable(query)).toBe(false)
  })

  it.each([
    ['a Comment without id', '{ comment(id: "x") { body } }'],
    ['a Comment node without id', 'query P($s: SubjectRef!) { comments(subject: $s) { edges { node { body author { id } } } } }'],
    ['a User without id', '{ comment(id: "x") { id author { username } } }'],
    ['a User whose "id" is an alias of another field', '{ comment(id: "x") { id author { id: username } } }'],
    ['a Comment whose id is only in a nested fragment', '{ comment(id: "x") { ...A } } fragment A on Comment { ...B } fragment B on Comment { id }'],
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

describe('ResponseCache get/store', () => {
  it('misses, then hits after store, counting both', () => {
    const { responses, metrics } = setup()
    const variables = pageVariables()
    const key = responses.keyOf(COMMENTS_PAGE, 'CommentsPage', variables)
    expect(responses.get(key)).toBeUndefined()
    const body = JSON.stringify({ data: pageData() })
    responses.store(key, COMMENTS_PAGE, 'CommentsPage', variables, body, pageData(), responses.currentEpoch)
    expect(responses.get(key)).toBe(body)
    expect(metrics.get('response_cache_misses_total')).toBe(1)
    expect(metrics.get('response_cache_hits_total')).toBe(1)
  })

  it('refuses to store when an invalidation happened while the request ran (epoch changed)', () => {
    const { responses } = setup()
    const variables = pageVariables()
    const key = responses.keyOf(COMMENTS_PAGE, 'CommentsPage', variables)
    const epoch = responses.currentEpoch
    responses.invalidate(['User:someone-else'])
    expect(responses.currentEpoch).not.toBe(epoch)
    responses.store(key, COMMENTS_PAGE, 'CommentsPage', variables, '{"data":{}}', pageData(), epoch)
    expect(responses.get(key)).toBeUndefined()
  })

  it('does not store a query that is not cacheable', () => {
    const { responses } = setup()
    const query = '{ me { id } }'
    const key = responses.keyOf(query, undefined, {})
    responses.store(key, query, undefined, {}, '{"data":{"me":null}}', { me: null }, responses.currentEpoch)
    expect(responses.get(key)).toBeUndefined()
  })

  it('entries expire after ttlSeconds', () => {
    const now = jest.spyOn(Date, 'now')
    try {
      now.mockReturnValue(5_000_000)
      const { responses, storePage } = setup({ ttlSeconds: 10 })
      const key = storePage()
      now.mockReturnValue(5_000_000 + 9_999)
      expect(responses.get(key)).toBeDefined()
      now.mockReturnValue(5_000_000 + 10_000)
      expect(responses.get(key)).toBeUndefined()
    } finally {
      now.mockRestore()
    }
  })

  it('keyOf differs by variables and operation name, and is stable', () => {
    const { responses } = setup()
    const base = responses.keyOf(COMMENTS_PAGE, 'CommentsPage', pageVariables())
    expect(responses.keyOf(COMMENTS_PAGE, 'CommentsPage', pageVariables())).toBe(base)
    expect(responses.keyOf(COMMENTS_PAGE, 'CommentsPage', pageVariables(OTHER_PRODUCT))).not.toBe(base)
    expect(responses.keyOf(COMMENTS_PAGE, 'CommentsPage', pageVariables(PRODUCT, 'cursor'))).not.toBe(base)
    expect(responses.keyOf(COMMENTS_PAGE, 'Other', pageVariables())).not.toBe(base)
    expect(responses.keyOf(COMMENTS_PAGE, undefined, pageVariables())).not.toBe(base)
    expect(responses.keyOf(`${COMMENTS_PAGE} `, 'CommentsPage', pageVariables())).not.toBe(base)
    // no variables and empty variables are the same request
    expect(responses.keyOf('{ x }', undefined, undefined)).toBe(responses.keyOf('{ x }', undefined, {}))
  })

  it('keeps at most maxEntries, evicting the oldest', () => {
    const { responses, storePage } = setup({ maxEntries: 2 })
    const first = storePage(PRODUCT)
    const second = storePage(OTHER_PRODUCT)
    const third = storePage('33333333-3333-4333-8333-333333333333')
    expect(responses.get(first)).toBeUndefined()
    expect(responses.get(second)).toBeDefined()
    expect(responses.get(third)).toBeDefined()
  })

  it('an evicted entry leaves no tag behind that would drop a later one', () => {
    const { responses, storePage } = setup({ maxEntries: 1 })
    storePage(PRODUCT)
    const second = storePage(OTHER_PRODUCT, pageData([node(COMMENT_2, BOB, 'bob')]))
    responses.invalidate([`comments:PRODUCT:${PRODUCT}`, `User:${ALICE}`])
    expect(responses.get(second)).toBeDefined()
  })

  // The tag index must shrink with the entries (an earlier version kept every tag ever stored).
  // Reads the private index, as nothing public shows it.
  it('the tag index stays bounded by what the kept entries show', () => {
    const { responses, storePage } = setup({ maxEntries: 1 })
    for (let i = 0; i < 50; i++) {
      const id = `c0000000-0000-4000-8000-${String(i).padStart(12, '0')}`
      storePage(id.replace(/^c/, 'b'), pageData([node(id, id.replace(/^c/, 'a'), 'someone')]))
    }
    const index = (responses as unknown as { byTag: Map<string, Set<string>> }).byTag
    expect(index).toBeInstanceOf(Map)
    // the one entry kept shows 3 tags: its list, its comment and that comment's author
    expect(index.size).toBeLessThanOrEqual(3)
  })
})

describe('ResponseCache tags', () => {
  it.each([
    ['the author of a comment on it', `User:${BOB}`],
    ['a comment on it', `Comment:${COMMENT_1}`],
    ["the subject's list", `comments:PRODUCT:${PRODUCT}`],
  ])('a comments page is dropped by an invalidation of %s', (_what, tag) => {
    const { responses, storePage } = setup()
    const key = storePage()
    const other = storePage(OTHER_PRODUCT, pageData([]))
    responses.invalidate([tag])
    expect(responses.get(key)).toBeUndefined()
    expect(responses.get(other)).toBeDefined() // a page that does not show it stays
  })

  it.each([
    ['an unrelated user', 'User:eeeeeeee-eeee-4eee-8eee-eeeeeeeeeeee'],
    ['an unrelated comment', 'Comment:eeeeeeee-eeee-4eee-8eee-eeeeeeeeeeee'],
    ["another subject's list", `comments:PRODUCT:${OTHER_PRODUCT}`],
    ['the same id as another kind of subject', `comments:MERCHANT:${PRODUCT}`],
    ['the same id as another type', `Comment:${ALICE}`],
  ])('a comments page survives an invalidation of %s', (_what, tag) => {
    const { responses, storePage } = setup()
    const key = storePage()
    responses.invalidate([tag])
    expect(responses.get(key)).toBeDefined()
  })

  it('lower-cases the ids in tags (data and variables)', () => {
    const { responses, storePage } = setup()
    const upper = pageData([node(COMMENT_1.toUpperCase(), ALICE.toUpperCase(), 'alice')])
    const byUser = storePage(PRODUCT.toUpperCase(), upper)
    responses.invalidate([`User:${ALICE}`])
    expect(responses.get(byUser)).toBeUndefined()
    const byComment = storePage(PRODUCT.toUpperCase(), upper)
    responses.invalidate([`Comment:${COMMENT_1}`])
    expect(responses.get(byComment)).toBeUndefined()
    const byList = storePage(PRODUCT.toUpperCase(), upper)
    responses.invalidate([`comments:PRODUCT:${PRODUCT}`])
    expect(responses.get(byList)).toBeUndefined()
  })

  it('tags a single comment by its root argument, even when it is null', () => {
    const { responses } = setup()
    const query = 'query One($id: ID!) { comment(id: $id) { id body } }'
    const variables = { id: COMMENT_1.toUpperCase() }
    const key = responses.keyOf(query, 'One', variables)
    responses.store(key, query, 'One', variables, '{"data":{"comment":null}}', { comment: null }, responses.currentEpoch)
    expect(responses.get(key)).toBeDefined()
    responses.invalidate([`Comment:${COMMENT_1}`])
    expect(responses.get(key)).toBeUndefined()
  })

  it('tags through an aliased root field, named fragments and a literal subject', () => {
    const { responses } = setup()
    const query = `{ page: comments(subject: { type: PRODUCT, id: "${PRODUCT}" }) { edges { node { ...C } } } }
      fragment C on Comment { id author { ... on User { id username } } }`
    const data = { page: { edges: [{ node: { id: COMMENT_1, author: { id: ALICE, username: 'alice' } } }] } }
    const store = () => {
      const key = responses.keyOf(query, undefined, {})
      responses.store(key, query, undefined, {}, JSON.stringify({ data }), data, responses.currentEpoch)
      expect(responses.get(key)).toBeDefined()
      return key
    }
    for (const tag of [`User:${ALICE}`, `Comment:${COMMENT_1}`, `comments:PRODUCT:${PRODUCT}`]) {
      const key = store()
      responses.invalidate([tag])
      expect(responses.get(key)).toBeUndefined()
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
  it('is enabled only while the cache is healthy, and does not store while not', () => {
    const fake = new FakeCache()
    const { responses, storePage } = setup({}, fake)
    expect(responses.enabled).toBe(true)
    fake.healthy = false
    expect(responses.enabled).toBe(false)
    const key = storePage()
    fake.healthy = true
    expect(responses.enabled).toBe(true)
    expect(responses.get(key)).toBeUndefined()
  })

  it('subscribes to the response channel; its reset clears everything and moves the epoch', () => {
    const fake = new FakeCache()
    const { responses, storePage } = setup({}, fake)
    const handler = fake.handlers.get(RESPONSE_INVALIDATION_CHANNEL)
    expect(handler).toBeDefined()
    const first = storePage(PRODUCT)
    const second = storePage(OTHER_PRODUCT)
    const epoch = responses.currentEpoch
    handler?.onReset()
    expect(responses.currentEpoch).not.toBe(epoch)
    expect(responses.get(first)).toBeUndefined()
    expect(responses.get(second)).toBeUndefined()
    // tags were cleared too: a new entry is not dropped by an old tag index, only by its own
    const again = storePage(OTHER_PRODUCT, pageData([]))
    responses.invalidate([`User:${ALICE}`])
    expect(responses.get(again)).toBeDefined()
  })

  it('a broadcast on the response channel (memory cache) drops the tagged entries, and counts', async () => {
    const { responses, storePage, shared, metrics } = setup()
    expect(shared.kind).toBe('memory')
    const key = storePage()
    const other = storePage(OTHER_PRODUCT, pageData([]))
    await shared.broadcast(RESPONSE_INVALIDATION_CHANNEL, { tags: [`User:${ALICE}`] })
    expect(responses.get(key)).toBeUndefined()
    expect(responses.get(other)).toBeDefined()
    expect(metrics.get('response_cache_invalidations_total')).toBe(1)
  })

  it('a broadcast during a request keeps its response out of the cache', async () => {
    const { responses, shared } = setup()
    const variables = pageVariables()
    const key = responses.keyOf(COMMENTS_PAGE, 'CommentsPage', variables)
    const epoch = responses.currentEpoch
    await shared.broadcast(RESPONSE_INVALIDATION_CHANNEL, { tags: [`comments:PRODUCT:${PRODUCT}`] })
    responses.store(key, COMMENTS_PAGE, 'CommentsPage', variables, '{}', pageData(), epoch)
    expect(responses.get(key)).toBeUndefined()
  })
})
