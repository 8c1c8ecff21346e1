// Shared helpers of the integration suites: they only talk HTTP to the real stack, like a client.
import { gql, type GraphQLResponse } from '../support/client'
import { stackUrls } from '../support/stack'
import { parseMetrics } from '../../packages/service-template/src/metrics'
import { signCaller, type Caller, type Role } from '../../packages/service-template/src/auth'
import { DEV_GATEWAY_SECRET } from '../../packages/service-template/src/config'

export type ServiceName = 'users' | 'comments' | 'reviews' | 'catalog' | 'merchants'
export const SERVICES: readonly ServiceName[] = ['users', 'comments', 'reviews', 'catalog', 'merchants']

/** A UUID that no seeded row has (the seed derives its ids from hashes). */
export const UNKNOWN_ID = '00000000-0000-4000-8000-000000000000'
export const NOT_A_UUID = 'not-a-uuid'

/** The data of a response that must have no errors (the errors are in the failure message). */
export function dataOf<Data = Record<string, any>>(res: GraphQLResponse<Data>): Data {
  if (res.errors?.length || !res.data) {
    throw new Error(`expected data without errors, got HTTP ${res.status}: ${JSON.stringify(res.errors ?? res)}`)
  }
  return res.data
}

/** Runs a query at the gateway and returns its data, failing on any error. */
export async function query<Data = Record<string, any>>(
  text: string,
  variables: Record<string, unknown> = {},
  token?: string,
): Promise<Data> {
  return dataOf(await gql<Data>(text, variables, { token }))
}

/** The one error of a response, checked for its code (and `extensions.field` when given). */
export function expectOneError(res: GraphQLResponse, code: string, field?: string): NonNullable<GraphQLResponse['errors']>[number] {
  expect(res.errors).toBeDefined()
  expect(res.errors?.map((e) => e.extensions?.code)).toEqual([code])
  const error = res.errors?.[0]
  if (field !== undefined) expect(error?.extensions?.field).toBe(field)
  expectNoLeak(res)
  return error as NonNullable<GraphQLResponse['errors']>[number]
}

/** At least one error, every one of them with this code. */
export function expectErrors(res: GraphQLResponse, code: string): void {
  expect(res.errors?.length).toBeGreaterThan(0)
  for (const error of res.errors ?? []) expect(error.extensions?.code).toBe(code)
  expectNoLeak(res)
}

/** An error a client sees never carries a stack trace, SQL or a connection string. */
export function expectNoLeak(res: GraphQLResponse): void {
  for (const error of res.errors ?? []) {
    const extensions = error.extensions ?? {}
    expect(extensions).not.toHaveProperty('stacktrace')
    expect(extensions).not.toHaveProperty('exception')
    const text = JSON.stringify(error).toLowerCase()
    expect(text).not.toContain('select ')
    expect(text).not.toContain('postgres://')
    expect(text).not.toContain('postgresql://')
    expect(text).not.toMatch(/\bat \S+ \(.*:\d+:\d+\)/) // a stack frame
    expect(text).not.toContain('node_modules')
  }
}

// ---------------------------------------------------------------------------------------------
// Connections

export interface Edge<Node> {
  cursor: string
  node: Node
}
export interface Connection<Node> {
  totalCount: number
  edges: Edge<Node>[]
  pageInfo: { hasNextPage: boolean; endCursor: string | null }
}

export interface Walk<Node> {
  nodes: Node[]
  pages: Connection<Node>[]
}

/** Follows endCursor from the first page to the last (with a safety cap on the number of pages). */
export async function walk<Node>(
  fetchPage: (after: string | null) => Promise<Connection<Node>>,
  maxPages = 500,
): Promise<Walk<Node>> {
  const pages: Connection<Node>[] = []
  let after: string | null = null
  for (;;) {
    const page = await fetchPage(after)
    pages.push(page)
    if (!page.pageInfo.hasNextPage) break
    if (pages.length >= maxPages) throw new Error(`more than ${maxPages} pages: is hasNextPage ever false?`)
    expect(page.pageInfo.endCursor).toEqual(expect.any(String))
    after = page.pageInfo.endCursor
  }
  return { nodes: pages.flatMap((p) => p.edges.map((e) => e.node)), pages }
}

export type Order = 'newest-first' | 'oldest-first'

/**
 * What every walk of a list must show a client: pages of at most `pageSize` (full except the last),
 * hasNextPage false only on the last page, endCursor = the last edge's cursor, no duplicates, the
 * order by createdAt, and a totalCount (the same on every page) equal to the number of nodes.
 */
export function expectWellFormedWalk<Node extends { id: string; createdAt?: string }>(
  result: Walk<Node>,
  pageSize: number,
  order?: Order,
): void {
  const { pages, nodes } = result
  pages.forEach((page, i) => {
    const last = i === pages.length - 1
    expect(page.pageInfo.hasNextPage).toBe(!last)
    expect(page.edges.length).toBeLessThanOrEqual(pageSize)
    if (!last) expect(page.edges).toHaveLength(pageSize)
    expect(page.pageInfo.endCursor).toBe(page.edges.at(-1)?.cursor ?? null)
    expect(page.totalCount).toBe(pages[0]?.totalCount)
    for (const edge of page.edges) expect(edge.cursor).toEqual(expect.any(String))
  })
  expect(nodes.length).toBe(pages[0]?.totalCount)
  const ids = nodes.map((n) => n.id)
  expect(new Set(ids).size).toBe(ids.length)
  if (order) expectOrdered(nodes, order)
}

/** createdAt never increases (newest first) or never decreases (oldest first). */
export function expectOrdered(nodes: readonly { createdAt?: string }[], order: Order): void {
  const times = nodes.map((n) => Date.parse(n.createdAt as string))
  for (const t of times) expect(Number.isNaN(t)).toBe(false)
  const sorted = [...times].sort((a, b) => (order === 'newest-first' ? b - a : a - b))
  expect(times).toEqual(sorted)
}

// ---------------------------------------------------------------------------------------------
// Subgraphs, called directly

export const subgraphUrl = (service: ServiceName): string => stackUrls().subgraphs[service]
export const siblingUrl = (graphqlUrl: string, path: string): string => new URL(path, graphqlUrl).toString()

/** A subgraph's counters, read from its GET /metrics. */
export async function metricsOf(service: ServiceName): Promise<Record<string, number>> {
  const response = await fetch(siblingUrl(subgraphUrl(service), '/metrics'))
  expect(response.status).toBe(200)
  return parseMetrics(await response.text())
}

/** The header the gateway would send for this caller, signed with `secret`. */
export function callerHeader(caller: Caller, secret = DEV_GATEWAY_SECRET, now = Date.now()): Record<string, string> {
  return { 'x-marketplace-caller': signCaller(secret, caller, now) }
}

export const asUser = (userId: string, role: Role): Caller => ({ userId, role })

/** POST to one subgraph's /graphql, as the gateway (with headers) or as anyone. */
export function callSubgraph<Data = Record<string, any>>(
  service: ServiceName,
  text: string,
  variables: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): Promise<GraphQLResponse<Data>> {
  return gql<Data>(text, variables, { url: subgraphUrl(service), headers })
}

// ---------------------------------------------------------------------------------------------
// Discovery through the public API (never hard-coded ids)

export interface SeedUser {
  id: string
  username: string
  role: Role
}

const users = new Map<string, Promise<SeedUser>>()

/** A user found by username (userByUsername), remembered for the rest of the suite. */
export function seedUser(username: string): Promise<SeedUser> {
  let found = users.get(username)
  if (!found) {
    found = query<{ userByUsername: SeedUser | null }>(
      'query ($u: String!) { userByUsername(username: $u) { id username role } }',
      { u: username },
    ).then((d) => {
      if (!d.userByUsername) throw new Error(`no user ${username}`)
      return d.userByUsername
    })
    users.set(username, found)
  }
  return found
}

let hot: Promise<{ id: string; topLevelComments: number }> | undefined

/** The product with the most top-level comments (the seed guarantees one with at least 25). */
export function hotProduct(): Promise<{ id: string; topLevelComments: number }> {
  hot ??= query<{ products: Connection<{ id: string; comments: { totalCount: number } }> }>(
    '{ products(first: 100) { edges { node { id comments(first: 0) { totalCount } } } } }',
  ).then((d) => {
    const ranked = d.products.edges.map((e) => e.node).sort((a, b) => b.comments.totalCount - a.comments.totalCount)
    const top = ranked[0]
    if (!top) throw new Error('no products')
    return { id: top.id, topLevelComments: top.comments.totalCount }
  })
  return hot
}

/** The contract's comments page query, verbatim from shared/contract/README.md. */
export const COMMENTS_PAGE = `query CommentsPage($subject: SubjectRef!, $after: String) {
  comments(subject: $subject, first: 10, after: $after) {
    totalCount
    edges { cursor node { id body createdAt replyCount author { id username avatarUrl } } }
    pageInfo { hasNextPage endCursor }
  }
}`

/** A cursor-shaped string the API never issued: base64url of "<ms>:<id>". */
export const forgeCursor = (raw: string): string => Buffer.from(raw).toString('base64url')
