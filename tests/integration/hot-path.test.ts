// Scenario: the comments page, the read path that must absorb 2,000 pages/s. One gateway request
// for a page costs the comments subgraph two SQL queries (the page and its count) and the users
// subgraph one batched `_entities` call answered by ONE SQL query for all ten authors.
import { gql } from '../support/client'
import { COMMENTS_PAGE, SERVICES, hotProduct, metricsOf, query, type Connection, type ServiceName } from './helpers'

type Counters = Record<ServiceName, Record<string, number>>

const COUNTERS = ['entities_requests_total', 'db_queries_total', 'graphql_operations_total'] as const

async function snapshot(): Promise<Counters> {
  const all = await Promise.all(SERVICES.map(async (s) => [s, await metricsOf(s)] as const))
  return Object.fromEntries(all) as Counters
}

/** How much each counter of each subgraph grew between two snapshots. */
function delta(before: Counters, after: Counters): Counters {
  const out = {} as Counters
  for (const s of SERVICES) {
    out[s] = Object.fromEntries(COUNTERS.map((c) => [c, (after[s][c] ?? 0) - (before[s][c] ?? 0)]))
  }
  return out
}

// What one comments page costs each subgraph; the other three are not called at all.
const EXPECTED: Partial<Counters> = {
  users: { entities_requests_total: 1, db_queries_total: 1, graphql_operations_total: 1 },
  comments: { entities_requests_total: 0, db_queries_total: 2, graphql_operations_total: 1 },
  reviews: { entities_requests_total: 0, db_queries_total: 0, graphql_operations_total: 0 },
  catalog: { entities_requests_total: 0, db_queries_total: 0, graphql_operations_total: 0 },
  merchants: { entities_requests_total: 0, db_queries_total: 0, graphql_operations_total: 0 },
}

const matches = (d: Counters): boolean => SERVICES.every((s) => COUNTERS.every((c) => d[s][c] === EXPECTED[s]?.[c]))

/**
 * The counters' growth around ONE gateway request. The stack is shared with the other suites: if
 * another request slipped into the window, the measurement is retaken (a real N+1 shows every time).
 */
async function measure<T>(request: () => Promise<T>, attempts = 3): Promise<{ result: T; cost: Counters }> {
  let last: { result: T; cost: Counters } | undefined
  for (let i = 0; i < attempts; i++) {
    const before = await snapshot()
    const result = await request()
    const cost = delta(before, await snapshot())
    last = { result, cost }
    if (matches(cost)) break
  }
  return last as { result: T; cost: Counters }
}

interface PageNode {
  id: string
  body: string
  createdAt: string
  replyCount: number
  author: { id: string; username: string; avatarUrl: string | null }
}

describe('the comments page (the contract README query, verbatim)', () => {
  it('the subgraphs expose their counters at GET /metrics', async () => {
    const counters = await snapshot()
    for (const s of SERVICES) expect(counters[s].graphql_operations_total).toEqual(expect.any(Number))
  })

  it('the first page: users gets exactly 1 _entities call and runs 1 SQL query; comments runs 2', async () => {
    const { id } = await hotProduct()
    const { result, cost } = await measure(() => gql<{ comments: Connection<PageNode> }>(COMMENTS_PAGE, { subject: { type: 'PRODUCT', id } }))
    expect(result.errors).toBeUndefined()
    expect(result.data?.comments.edges).toHaveLength(10)
    // ten comments by (usually) several authors, still one lookup
    expect(new Set(result.data?.comments.edges.map((e) => e.node.author.id)).size).toBeGreaterThan(1)
    expect(cost.users).toEqual(EXPECTED.users)
    expect(cost.comments).toEqual(EXPECTED.comments)
    expect(cost).toEqual(EXPECTED)
  })

  it('every page of the hot product costs the same (no N+1 on any page)', async () => {
    const { id, topLevelComments } = await hotProduct()
    let after: string | null = null
    let pages = 0
    let seen = 0
    do {
      const { result, cost } = await measure(() =>
        gql<{ comments: Connection<PageNode> }>(COMMENTS_PAGE, { subject: { type: 'PRODUCT', id }, after }),
      )
      expect(result.errors).toBeUndefined()
      const page = result.data?.comments as Connection<PageNode>
      expect(cost).toEqual(EXPECTED)
      seen += page.edges.length
      after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null
      pages++
    } while (after && pages < 50)
    expect(seen).toBe(topLevelComments)
    expect(pages).toBe(Math.ceil(topLevelComments / 10))
  })

  it("every edge carries the author's id, username and avatarUrl, the same as the users service has", async () => {
    const { id } = await hotProduct()
    const res = await gql<{ comments: Connection<PageNode> }>(COMMENTS_PAGE, { subject: { type: 'PRODUCT', id } })
    expect(res.errors).toBeUndefined()
    const edges = res.data?.comments.edges ?? []
    expect(edges).toHaveLength(10)
    for (const { cursor, node } of edges) {
      expect(cursor).toEqual(expect.any(String))
      expect(Object.keys(node.author).sort()).toEqual(['avatarUrl', 'id', 'username'])
      expect(node.author.id).toMatch(/^[0-9a-f-]{36}$/i)
      expect(node.author.username).toMatch(/^[a-z0-9_]{3,32}$/)
      if (node.author.avatarUrl !== null) expect(node.author.avatarUrl).toMatch(/^https?:\/\//)
      expect(node.replyCount).toBeGreaterThanOrEqual(0)
    }
    const lookups = edges.map((e, i) => `u${i}: user(id: "${e.node.author.id}") { id username avatarUrl }`).join(' ')
    const users = await query(`{ ${lookups} }`)
    edges.forEach((e, i) => expect(users[`u${i}`]).toEqual(e.node.author))
  })
})
