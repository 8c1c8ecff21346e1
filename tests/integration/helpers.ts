// Shared helpers of the integration suites: they only talk HTTP to the real stack, like a client.
import { gql, login as loginSeedAccount, type GraphQLResponse } from '../support/client'
import { stackUrls } from '../support/stack'
import { parseMetrics } from '../../packages/service-template/src/metrics'
import { signCaller, type Caller, type Role } from '../../packages/service-template/src/auth'
import { DEV_GATEWAY_SECRET, type SubgraphName } from '../../packages/service-template/src/config'
import pg from 'pg'
import type { ServiceName } from '@marketplace/services'
import { COMMENTS_PAGE_QUERY } from '../../bench/lib/verify'

// the services as the registry lists them (packages/services)
export { SERVICE_NAMES as SERVICES, type ServiceName } from '@marketplace/services'

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
export async function walk<Node>(fetchPage: (after: string | null) => Promise<Connection<Node>>, maxPages = 500): Promise<Walk<Node>> {
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

/** The header the gateway would send `audience` (a subgraph's name) for this caller, signed with `secret`. */
export function callerHeader(
  caller: Caller,
  secret = DEV_GATEWAY_SECRET,
  now = Date.now(),
  audience: SubgraphName = 'users',
): Record<string, string> {
  return { 'x-marketplace-caller': signCaller(secret, caller, audience, now) }
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
    found = query<{ userByUsername: SeedUser | null }>('query ($u: String!) { userByUsername(username: $u) { id username role } }', {
      u: username,
    }).then((d) => {
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

/** The contract's comments page query, verbatim from contract/README.md (tests/unit/bench-verify.test.ts checks it). */
export const COMMENTS_PAGE = COMMENTS_PAGE_QUERY

/** A cursor-shaped string the API never issued: base64url of "<ms>:<id>". */
export const forgeCursor = (raw: string): string => Buffer.from(raw).toString('base64url')

// ---------------------------------------------------------------------------------------------
// Scenarios: mutations run as durable workflows (used by the scenarios-* suites)

/** The payload's `operation` selection, as the contract shows it. */
export const OPERATION_FIELDS = 'operation { id scenario status startedAt closedAt steps { name status attempts error } error }'

export interface OperationStepView {
  name: string
  status: 'PENDING' | 'RUNNING' | 'COMPLETED' | 'FAILED' | 'COMPENSATED' | 'SKIPPED'
  attempts: number
  error: string | null
}

export interface OperationView {
  id: string
  scenario: string
  status: 'RUNNING' | 'COMPLETED' | 'FAILED' | 'COMPENSATED'
  startedAt: string
  closedAt: string | null
  steps: OperationStepView[]
  error: string | null
}

/**
 * A finished, successful run: COMPLETED, closed, no error, every step COMPLETED after ≥ 1 attempt,
 * and `steps` among them in this order (a scenario may add steps of its own, e.g. cache
 * invalidations, before, between or after them).
 */
export function expectCompletedOperation(operation: OperationView, scenario: string, steps: readonly string[]): void {
  expect(operation).toMatchObject({ scenario, status: 'COMPLETED', error: null })
  expect(Date.parse(operation.startedAt)).not.toBeNaN()
  expect(Date.parse(operation.closedAt as string)).toBeGreaterThanOrEqual(Date.parse(operation.startedAt))
  expectStepsInOrder(operation, steps)
  for (const step of operation.steps) {
    expect(step).toMatchObject({ status: 'COMPLETED', error: null })
    expect(step.attempts).toBeGreaterThanOrEqual(1)
  }
}

/** The run has these steps, in this order (and possibly others around them). */
export function expectStepsInOrder(operation: OperationView, steps: readonly string[]): void {
  const names = operation.steps.map((s) => s.name)
  const positions = steps.map((name) => names.indexOf(name))
  expect({ steps: names, missing: steps.filter((_, i) => positions[i] === -1) }).toEqual({ steps: names, missing: [] })
  expect(positions).toEqual([...positions].sort((a, b) => a - b))
}

/** One step of a run, by name (fails the test when the run has no such step). */
export function stepOf(operation: OperationView, name: string): OperationStepView {
  const step = operation.steps.find((s) => s.name === name)
  if (!step) throw new Error(`operation ${operation.id} has no step ${name}: ${JSON.stringify(operation.steps)}`)
  return step
}

/** operation(id) as `token` sees it (null when the caller may not see it or it does not exist). */
export async function operationOf(id: string, token?: string): Promise<OperationView | null> {
  const d = await query<{ operation: OperationView | null }>(
    `query ($id: ID!) { operation(id: $id) { id scenario status startedAt closedAt steps { name status attempts error } error } }`,
    { id },
    token,
  )
  return d.operation
}

/** Polls `read` until `done` holds (every `intervalMs`, at most `timeoutMs`); the last value otherwise fails the test. */
export async function pollUntil<T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
  { timeoutMs = 30_000, intervalMs = 200, what = 'the condition' }: { timeoutMs?: number; intervalMs?: number; what?: string } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await read()
    if (done(value)) return value
    if (Date.now() > deadline) throw new Error(`${what} did not hold within ${timeoutMs} ms; last value: ${JSON.stringify(value)}`)
    await new Promise((resolve) => setTimeout(resolve, intervalMs))
  }
}

/** Waits until the run has closed (any status but RUNNING) and returns it, as `token` (a moderator by default) sees it. */
export async function waitForOperation(id: string, token: string, timeoutMs = 30_000): Promise<OperationView> {
  const operation = await pollUntil(
    () => operationOf(id, token),
    (op) => op !== null && op.status !== 'RUNNING',
    {
      timeoutMs,
      what: `operation ${id} closing`,
    },
  )
  return operation as OperationView
}

let uniqueCounter = 0
/** A username no other test uses: `<prefix>_<time><counter><random>`, at most 32 chars of [a-z0-9_]. */
export function uniqueUsername(prefix = 't'): string {
  uniqueCounter += 1
  const tail = `${Date.now().toString(36)}${uniqueCounter.toString(36)}${Math.random().toString(36).slice(2, 6)}`
  return `${prefix}_${tail}`.slice(0, 32)
}

export interface FreshUser {
  id: string
  username: string
  password: string
  token: string
}

/** A new CUSTOMER, registered through registerUser and signed in. */
export async function registerFreshUser(prefix = 't', extra: { displayName?: string; avatarUrl?: string } = {}): Promise<FreshUser> {
  const username = uniqueUsername(prefix)
  const password = `pw-${username}`
  const registered = await query<{ registerUser: { user: { id: string } | null } }>(
    'mutation ($input: RegisterUserInput!) { registerUser(input: $input) { user { id } } }',
    { input: { username, password, ...extra } },
  )
  const id = registered.registerUser.user?.id
  if (!id) throw new Error(`registerUser ${username} returned no user`)
  const token = await loginAs(username, password)
  return { id, username, password, token }
}

/** A fresh token for any account (tokens carry the role at login time). */
export async function loginAs(username: string, password: string): Promise<string> {
  const d = await query<{ login: { token: string } }>(
    'mutation ($u: String!, $p: String!) { login(username: $u, password: $p) { token } }',
    { u: username, p: password },
  )
  return d.login.token
}

// Rows the scenario suites create in the shared stack. The read-path suites count the seed
// (e.g. exactly 100 products), so each scenario suite removes what it created in its afterAll.
const createdRows = { products: new Set<string>(), merchants: new Set<string>() }

/** Remembers a product or store a test created, for `removeCreatedRows`. */
export function trackCreated(kind: 'product' | 'merchant', id: string | null | undefined): void {
  if (id) createdRows[kind === 'product' ? 'products' : 'merchants'].add(id)
}

let malloryStoreId: Promise<string> | undefined
/** The first store of the seed's merchant, mallory. */
export function malloryStore(): Promise<string> {
  malloryStoreId ??= query<{ userByUsername: { merchants: { id: string }[] } }>(
    '{ userByUsername(username: "mallory") { merchants { id } } }',
  ).then((d) => {
    const store = d.userByUsername.merchants[0]
    if (!store) throw new Error('mallory has no store')
    return store.id
  })
  return malloryStoreId
}

/** A new product in mallory's store (createProduct through the gateway), tracked for clean-up. */
export async function createFreshProduct(name = 'Scenario test product', price = { amount: 1999, currency: 'EUR' }): Promise<string> {
  const d = await query<{ createProduct: { product: { id: string } | null } }>(
    'mutation ($input: CreateProductInput!) { createProduct(input: $input) { product { id } } }',
    { input: { merchantId: await malloryStore(), name, price } },
    await loginSeedAccount('mallory'),
  )
  const id = d.createProduct.product?.id
  if (!id) throw new Error('createProduct returned no product')
  trackCreated('product', id)
  return id
}

/** Runs `work` with a `pg` client on one service's database (the stack's Postgres). */
export async function withDatabase<T>(service: ServiceName, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: stackUrls().postgres[service] })
  await client.connect()
  try {
    return await work(client)
  } finally {
    await client.end()
  }
}

/**
 * Deletes the tracked products and stores, with their reviews, the reviews' moderation events and
 * rating versions, and every comment about any of them: the seed looks as it did before the suite.
 */
export async function removeCreatedRows(): Promise<void> {
  const products = [...createdRows.products]
  const merchants = [...createdRows.merchants]
  createdRows.products.clear()
  createdRows.merchants.clear()
  if (products.length === 0 && merchants.length === 0) return
  const subjects = [...products, ...merchants]
  const reviewIds = await withDatabase('reviews', async (db) => {
    const { rows } = await db.query<{ id: string }>('SELECT id FROM reviews WHERE subject_id = ANY($1::uuid[])', [subjects])
    const ids = rows.map((r) => r.id)
    await db.query('DELETE FROM moderation_events WHERE review_id = ANY($1::uuid[])', [ids])
    await db.query('DELETE FROM reviews WHERE id = ANY($1::uuid[])', [ids])
    await db.query('DELETE FROM subject_versions WHERE subject_id = ANY($1::uuid[])', [subjects])
    return ids
  })
  await withDatabase('comments', (db) => db.query('DELETE FROM comments WHERE subject_id = ANY($1::uuid[])', [[...subjects, ...reviewIds]]))
  await withDatabase('catalog', (db) => db.query('DELETE FROM products WHERE id = ANY($1::uuid[])', [products]))
  await withDatabase('merchants', (db) => db.query('DELETE FROM merchants WHERE id = ANY($1::uuid[])', [merchants]))
}

// ---------------------------------------------------------------------------------------------
// Reviews and moderation, shared by the scenario suites

export const mean = (values: readonly number[]): number | null =>
  values.length === 0 ? null : values.reduce((a, b) => a + b, 0) / values.length

/** A review of a product by `author`; it starts PENDING. */
export async function submitProductReview(author: FreshUser, productId: string, rating: number): Promise<string> {
  const d = await query(
    'mutation ($input: SubmitReviewInput!) { submitReview(input: $input) { review { id status } } }',
    { input: { subject: { type: 'PRODUCT', id: productId }, rating, body: `Worth ${rating} stars.` } },
    author.token,
  )
  expect(d.submitReview.review.status).toBe('PENDING')
  return d.submitReview.review.id
}

const MODERATE_REVIEW = `mutation ($input: ModerateReviewInput!) { moderateReview(input: $input) { review { id status } ${OPERATION_FIELDS} } }`

export function moderateReview(reviewId: string, token: string, decision: 'APPROVE' | 'REJECT' = 'APPROVE', reason?: string) {
  return gql<{ moderateReview: { review: { id: string; status: string }; operation: OperationView } }>(
    MODERATE_REVIEW,
    { input: { reviewId, decision, ...(reason ? { reason } : {}) } },
    { token },
  )
}

/** The product's stored rating next to the one its PUBLISHED reviews give (they must agree). */
export async function ratingOf(productId: string) {
  const d = await query(
    'query ($id: ID!) { product(id: $id) { rating { count average } reviews(first: 100) { totalCount edges { node { id rating } } } } }',
    { id: productId },
  )
  const ratings: number[] = d.product.reviews.edges.map((e: any) => e.node.rating)
  expect(d.product.reviews.totalCount).toBe(ratings.length)
  return {
    stored: d.product.rating,
    published: { count: ratings.length, average: mean(ratings) },
    reviewIds: d.product.reviews.edges.map((e: any) => e.node.id) as string[],
  }
}
