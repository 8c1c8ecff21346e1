// Scenario: a client nests lists inside lists (products → comments → replies, products → reviews →
// comments, stores → products). However many parents a level has, the service that owns a level
// answers it with ONE SQL query for the pages (per set of arguments) and ONE for the counts: the
// cost of a query grows with its depth, never with the number of parents. The answers are the
// same as each parent asked for alone.
import { randomUUID } from 'node:crypto'
import { gql } from '../support/client'
import { metricsOf, query, type Connection, type ServiceName } from './helpers'

/** How many SQL queries each service ran while `request` ran (the suite runs alone on its stack). */
async function sqlCost<T>(
  services: readonly ServiceName[],
  request: () => Promise<T>,
): Promise<{ result: T; sql: Record<string, number>; calls: Record<string, number> }> {
  const before = await Promise.all(services.map((s) => metricsOf(s)))
  const result = await request()
  const after = await Promise.all(services.map((s) => metricsOf(s)))
  const diff = (counter: string) =>
    Object.fromEntries(services.map((s, i) => [s, (after[i]?.[counter] ?? 0) - (before[i]?.[counter] ?? 0)]))
  return { result, sql: diff('db_queries_total'), calls: diff('graphql_operations_total') }
}

// a fresh operation name: the gateway's response cache must not answer instead of the subgraphs
const named = (text: string): string => text.replace(/^query /, `query Q${randomUUID().replace(/-/g, '')}`)

const PAGE_INFO = 'pageInfo { hasNextPage endCursor }'
const REPLIES = `replies(first: 5) { totalCount ${PAGE_INFO} edges { cursor node { id createdAt } } }`
const COMMENTS = `comments(first: 5) { totalCount ${PAGE_INFO} edges { cursor node { id createdAt replyCount ${REPLIES} } } }`

interface ReplyNode {
  id: string
  createdAt: string
}
interface CommentNode extends ReplyNode {
  replyCount: number
  replies: Connection<ReplyNode>
}
interface ProductNode {
  id: string
  comments: Connection<CommentNode>
}

const NESTED_COMMENTS = `query { products(first: 20) { edges { node { id ${COMMENTS} } } } }`

describe('nested lists cost one SQL query per level, whatever the number of parents', () => {
  it('20 products × 5 comments × 5 replies: the comments service runs at most 2 queries per level (page + counts)', async () => {
    const { result, sql, calls } = await sqlCost(['comments'], () => gql<{ products: Connection<ProductNode> }>(named(NESTED_COMMENTS)))
    expect(result.errors).toBeUndefined()
    const products = result.data!.products.edges.map((e) => e.node)
    expect(products).toHaveLength(20)
    const comments = products.flatMap((p) => p.comments.edges.map((e) => e.node))
    // the seed gives these products comments, and some of those comments replies: both levels are real
    expect(comments.length).toBeGreaterThan(20)
    expect(comments.some((c) => c.replies.edges.length > 0)).toBe(true)
    expect(calls.comments).toBe(1)
    // two levels (Product.comments, Comment.replies), each: one page query + one count query
    expect(sql.comments).toBeLessThanOrEqual(4)
  })

  it('answers each parent exactly as that parent asked alone: edges, cursors, order, hasNextPage, totalCount', async () => {
    const batched = await query<{ products: Connection<ProductNode> }>(named(NESTED_COMMENTS))
    const products = batched.products.edges.map((e) => e.node)
    // the products with the most comments, and one with fewer than a page
    const ranked = [...products].sort((a, b) => b.comments.totalCount - a.comments.totalCount)
    const sample = [...ranked.slice(0, 3), ranked.at(-1)!]
    for (const product of sample) {
      const alone = await query<{ product: ProductNode }>(named(`query ($id: ID!) { product(id: $id) { id ${COMMENTS} } }`), {
        id: product.id,
      })
      expect(alone.product).toEqual(product)
      for (const comment of product.comments.edges.map((e) => e.node)) {
        expect(comment.replies.totalCount).toBe(comment.replyCount)
        expect(comment.replies.pageInfo.hasNextPage).toBe(comment.replyCount > 5)
        // replies oldest first, top-level comments newest first
        const times = comment.replies.edges.map((e) => Date.parse(e.node.createdAt))
        expect(times).toEqual([...times].sort((a, b) => a - b))
      }
      const times = product.comments.edges.map((e) => Date.parse(e.node.createdAt))
      expect(times).toEqual([...times].sort((a, b) => b - a))
      expect(product.comments.pageInfo.hasNextPage).toBe(product.comments.totalCount > 5)
    }
  })

  it('the next page of a batched list is the next page the parent alone would show', async () => {
    const batched = await query<{ products: Connection<ProductNode> }>(
      named(NESTED_COMMENTS.replace('replies(first: 5)', 'replies(first: 1)')),
    )
    const parent = batched.products.edges
      .flatMap((e) => e.node.comments.edges.map((c) => c.node))
      .find((c) => c.replies.pageInfo.hasNextPage)
    expect(parent).toBeDefined()
    expect(parent!.replies.edges).toHaveLength(1)
    const next = await query<{ comment: { replies: Connection<ReplyNode> } }>(
      named(
        `query ($id: ID!, $after: String) { comment(id: $id) { replies(first: 100, after: $after) { totalCount ${PAGE_INFO} edges { cursor node { id createdAt } } } } }`,
      ),
      { id: parent!.id, after: parent!.replies.pageInfo.endCursor },
    )
    const all = await query<{ comment: { replies: Connection<ReplyNode> } }>(
      named(`query ($id: ID!) { comment(id: $id) { replies(first: 100) { edges { node { id } } } } }`),
      { id: parent!.id },
    )
    const ids = all.comment.replies.edges.map((e) => e.node.id)
    expect(ids.length).toBeGreaterThan(1)
    expect(parent!.replies.edges.map((e) => e.node.id)).toEqual(ids.slice(0, 1))
    expect(next.comment.replies.edges.map((e) => e.node.id)).toEqual(ids.slice(1))
    expect(next.comment.replies.totalCount).toBe(parent!.replyCount)
  })

  it('parents asking with different arguments are grouped by their arguments, each group one query', async () => {
    const text = `query { products(first: 20) { edges { node { id comments(first: 5) { edges { node { id
      few: replies(first: 1) { totalCount ${PAGE_INFO} edges { node { id } } }
      more: replies(first: 4) { totalCount ${PAGE_INFO} edges { node { id } } } } } } } } } }`
    interface Node {
      id: string
      comments: { edges: { node: { id: string; few: Connection<{ id: string }>; more: Connection<{ id: string }> } }[] }
    }
    const { result, sql } = await sqlCost(['comments'], () => gql<{ products: Connection<Node> }>(named(text)))
    expect(result.errors).toBeUndefined()
    // comments: one page query; replies: one page query per argument set (2), one count query
    expect(sql.comments).toBeLessThanOrEqual(4)
    for (const comment of result.data!.products.edges.flatMap((e) => e.node.comments.edges.map((c) => c.node))) {
      expect(comment.few.edges.map((e) => e.node.id)).toEqual(comment.more.edges.map((e) => e.node.id).slice(0, 1))
      expect(comment.few.totalCount).toBe(comment.more.totalCount)
      expect(comment.few.pageInfo.hasNextPage).toBe(comment.few.totalCount > 1)
      expect(comment.more.pageInfo.hasNextPage).toBe(comment.more.totalCount > 4)
    }
  })

  it('products → reviews → comments, stores → products, authors → comments and reviews: each level one page query and one count', async () => {
    const text = `query {
      products(first: 20) { edges { node { id
        reviews(first: 5) { totalCount ${PAGE_INFO} edges { cursor node { id
          comments(first: 3) { totalCount ${PAGE_INFO} edges { cursor node { id } } }
          author { id comments(first: 3) { totalCount ${PAGE_INFO} edges { cursor node { id } } }
                   reviews(first: 3) { totalCount ${PAGE_INFO} edges { cursor node { id } } } } } } } } } }
      merchants(first: 20) { edges { node { id
        products(first: 5) { totalCount ${PAGE_INFO} edges { cursor node { id } } }
        comments(first: 3) { totalCount ${PAGE_INFO} edges { cursor node { id } } }
        reviews(first: 3) { totalCount ${PAGE_INFO} edges { cursor node { id } } } } } } }`
    const { result, sql } = await sqlCost(['comments', 'reviews', 'catalog'], () => gql<Record<string, any>>(named(text)))
    expect(result.errors).toBeUndefined()
    const data = result.data!
    expect(data.products.edges).toHaveLength(20)
    expect(data.merchants.edges.length).toBeGreaterThan(5)
    // comments: Review.comments (with the reviews' visibility, one batch), User.comments, Merchant.comments;
    // reviews: Product.reviews, User.reviews, Merchant.reviews
    expect(sql.comments).toBeLessThanOrEqual(7)
    expect(sql.reviews).toBeLessThanOrEqual(6)
    // catalog: Query.products (its page; no count asked), Merchant.products (page + count)
    expect(sql.catalog).toBeLessThanOrEqual(3)

    // a few parents alone give the same answers
    const store = data.merchants.edges.map((e: any) => e.node).sort((a: any, b: any) => b.products.totalCount - a.products.totalCount)[0]
    const storeAlone = await query(
      named(`query ($id: ID!) { merchant(id: $id) { id
        products(first: 5) { totalCount ${PAGE_INFO} edges { cursor node { id } } }
        comments(first: 3) { totalCount ${PAGE_INFO} edges { cursor node { id } } }
        reviews(first: 3) { totalCount ${PAGE_INFO} edges { cursor node { id } } } } }`),
      { id: store.id },
    )
    expect(storeAlone.merchant).toEqual(store)
    const product = data.products.edges.map((e: any) => e.node).sort((a: any, b: any) => b.reviews.totalCount - a.reviews.totalCount)[0]
    expect(product.reviews.totalCount).toBeGreaterThan(0)
    const productAlone = await query(
      named(`query ($id: ID!) { product(id: $id) { id
        reviews(first: 5) { totalCount ${PAGE_INFO} edges { cursor node { id
          comments(first: 3) { totalCount ${PAGE_INFO} edges { cursor node { id } } }
          author { id comments(first: 3) { totalCount ${PAGE_INFO} edges { cursor node { id } } }
                   reviews(first: 3) { totalCount ${PAGE_INFO} edges { cursor node { id } } } } } } } } }`),
      { id: product.id },
    )
    expect(productAlone.product).toEqual(product)
  })
})
