// Scenario: a client walks lists page by page with the cursors it is given. Every walk shows each
// item exactly once, in the list's order, and the same items as one big page; bad arguments are
// BAD_USER_INPUT naming the argument.
import { gql, login } from '../support/client'
import {
  NOT_A_UUID,
  UNKNOWN_ID,
  expectOneError,
  expectWellFormedWalk,
  forgeCursor,
  hotProduct,
  query,
  seedUser,
  walk,
  type Connection,
} from './helpers'

interface Node {
  id: string
  createdAt: string
}

const PAGE = 'totalCount edges { cursor node { id createdAt } } pageInfo { hasNextPage endCursor }'

/** A connection at `path` of a query's data. */
function at(data: Record<string, any>, path: readonly string[]): Connection<Node> {
  return path.reduce<any>((value, key) => value?.[key], data) as Connection<Node>
}

/** Walks a list with `first`, and again in pages of 100 (the most a page holds) for comparison. */
async function walkAndWhole(
  text: (first: number) => string,
  path: readonly string[],
  variables: Record<string, unknown>,
  first: number,
  token?: string,
) {
  const result = await walk<Node>(async (after) => at(await query(text(first), { ...variables, after }, token), path))
  const big = await walk<Node>(async (after) => at(await query(text(100), { ...variables, after }, token), path))
  expectWellFormedWalk(big, 100)
  return { result, whole: { totalCount: big.pages[0]?.totalCount, edges: big.nodes.map((node) => ({ node })) } }
}

describe('walking every page of a list', () => {
  it("the hot product's comments page (the contract's query): 10 per page, newest first, no gap, no duplicate", async () => {
    const { id } = await hotProduct()
    const text = (first: number) =>
      `query ($id: ID!, $after: String) { comments(subject: { type: PRODUCT, id: $id }, first: ${first}, after: $after) { ${PAGE} } }`
    const { result, whole } = await walkAndWhole(text, ['comments'], { id }, 10)
    expectWellFormedWalk(result, 10, 'newest-first')
    expect(result.pages.length).toBeGreaterThanOrEqual(3)
    expect(whole.totalCount).toBeGreaterThanOrEqual(25)
    expect(result.nodes.map((n) => n.id)).toEqual(whole.edges.map((e) => e.node.id))
  })

  it('the same list one comment at a time (created_at ties included) gives the same sequence', async () => {
    const { id } = await hotProduct()
    const text = (first: number) =>
      `query ($id: ID!, $after: String) { comments(subject: { type: PRODUCT, id: $id }, first: ${first}, after: $after) { ${PAGE} } }`
    const { result, whole } = await walkAndWhole(text, ['comments'], { id }, 1)
    expectWellFormedWalk(result, 1, 'newest-first')
    expect(result.nodes.map((n) => n.id)).toEqual(whole.edges.map((e) => e.node.id))
  })

  it('products: 100 products in pages of 7, newest first', async () => {
    const text = (first: number) => `query ($after: String) { products(first: ${first}, after: $after) { ${PAGE} } }`
    const { result, whole } = await walkAndWhole(text, ['products'], {}, 7)
    expectWellFormedWalk(result, 7, 'newest-first')
    expect(result.nodes).toHaveLength(100)
    expect(result.pages).toHaveLength(15)
    expect(result.nodes.map((n) => n.id)).toEqual(whole.edges.map((e) => e.node.id))
  })

  it("products(merchantId:) and Merchant.products: one store's products in pages of 2", async () => {
    const d = await query('{ merchants(first: 100) { edges { node { id products(first: 0) { totalCount } } } } }')
    const store = d.merchants.edges.map((e: any) => e.node).sort((a: any, b: any) => b.products.totalCount - a.products.totalCount)[0]
    expect(store.products.totalCount).toBeGreaterThan(2)
    const viaQuery = await walkAndWhole(
      (first) => `query ($m: ID!, $after: String) { products(first: ${first}, after: $after, merchantId: $m) { ${PAGE} } }`,
      ['products'],
      { m: store.id },
      2,
    )
    expectWellFormedWalk(viaQuery.result, 2, 'newest-first')
    expect(viaQuery.result.nodes.map((n) => n.id)).toEqual(viaQuery.whole.edges.map((e) => e.node.id))
    const viaMerchant = await walkAndWhole(
      (first) => `query ($m: ID!, $after: String) { merchant(id: $m) { products(first: ${first}, after: $after) { ${PAGE} } } }`,
      ['merchant', 'products'],
      { m: store.id },
      2,
    )
    expectWellFormedWalk(viaMerchant.result, 2, 'newest-first')
    expect(viaMerchant.result.nodes).toEqual(viaQuery.result.nodes)
  })

  it('merchants: every store in pages of 3, newest first', async () => {
    const { result, whole } = await walkAndWhole(
      (first) => `query ($after: String) { merchants(first: ${first}, after: $after) { ${PAGE} } }`,
      ['merchants'],
      {},
      3,
    )
    expectWellFormedWalk(result, 3, 'newest-first')
    expect(result.nodes.length).toBeGreaterThanOrEqual(20)
    expect(result.nodes.map((n) => n.id)).toEqual(whole.edges.map((e) => e.node.id))
  })

  it("a user's comments (replies included): every page, newest first", async () => {
    // the most prolific author among the hot product's commenters
    const { id } = await hotProduct()
    const d = await query(
      'query ($id: ID!) { comments(subject: { type: PRODUCT, id: $id }, first: 100) { edges { node { author { id comments(first: 0) { totalCount } } } } } }',
      { id },
    )
    const author = d.comments.edges
      .map((e: any) => e.node.author)
      .sort((a: any, b: any) => b.comments.totalCount - a.comments.totalCount)[0]
    expect(author.comments.totalCount).toBeGreaterThan(5)
    const { result, whole } = await walkAndWhole(
      (first) => `query ($u: ID!, $after: String) { user(id: $u) { comments(first: ${first}, after: $after) { ${PAGE} } } }`,
      ['user', 'comments'],
      { u: author.id },
      4,
    )
    expectWellFormedWalk(result, 4, 'newest-first')
    expect(result.nodes.map((n) => n.id)).toEqual(whole.edges.map((e) => e.node.id))
  })

  it("a comment's replies: every page, oldest first", async () => {
    const { id } = await hotProduct()
    const d = await query(
      'query ($id: ID!) { comments(subject: { type: PRODUCT, id: $id }, first: 100) { edges { node { id replyCount } } } }',
      { id },
    )
    const parent = d.comments.edges.map((e: any) => e.node).sort((a: any, b: any) => b.replyCount - a.replyCount)[0]
    expect(parent.replyCount).toBeGreaterThanOrEqual(2)
    const { result, whole } = await walkAndWhole(
      (first) => `query ($c: ID!, $after: String) { comment(id: $c) { replies(first: ${first}, after: $after) { ${PAGE} } } }`,
      ['comment', 'replies'],
      { c: parent.id },
      1,
    )
    expectWellFormedWalk(result, 1, 'oldest-first')
    expect(result.nodes).toHaveLength(parent.replyCount)
    expect(result.nodes.map((n) => n.id)).toEqual(whole.edges.map((e) => e.node.id))
  })

  it('the moderation queue: every page, oldest first', async () => {
    const token = await login('moderator')
    const { result, whole } = await walkAndWhole(
      (first) => `query ($after: String) { moderationQueue(first: ${first}, after: $after) { ${PAGE} } }`,
      ['moderationQueue'],
      {},
      5,
      token,
    )
    expectWellFormedWalk(result, 5, 'oldest-first')
    expect(result.nodes.map((n) => n.id)).toEqual(whole.edges.map((e) => e.node.id))
  })

  it("a user's reviews (as themself) and a product's reviews: every page, newest first", async () => {
    const bob = await seedUser('bob')
    const own = await walkAndWhole(
      (first) => `query ($u: ID!, $after: String) { user(id: $u) { reviews(first: ${first}, after: $after) { ${PAGE} } } }`,
      ['user', 'reviews'],
      { u: bob.id },
      1,
      await login('bob'),
    )
    expectWellFormedWalk(own.result, 1, 'newest-first')
    expect(own.result.nodes.map((n) => n.id)).toEqual(own.whole.edges.map((e) => e.node.id))

    const d = await query('{ products(first: 100) { edges { node { id reviews(first: 0) { totalCount } } } } }')
    const product = d.products.edges.map((e: any) => e.node).sort((a: any, b: any) => b.reviews.totalCount - a.reviews.totalCount)[0]
    expect(product.reviews.totalCount).toBeGreaterThan(2)
    const reviews = await walkAndWhole(
      (first) => `query ($p: ID!, $after: String) { product(id: $p) { reviews(first: ${first}, after: $after) { ${PAGE} } } }`,
      ['product', 'reviews'],
      { p: product.id },
      2,
    )
    expectWellFormedWalk(reviews.result, 2, 'newest-first')
    expect(reviews.result.nodes.map((n) => n.id)).toEqual(reviews.whole.edges.map((e) => e.node.id))
  })
})

describe('first: 0 and the default page size', () => {
  it('first: 0 returns no edges, no endCursor, and the full totalCount', async () => {
    const { id, topLevelComments } = await hotProduct()
    const d = await query(
      `query ($id: ID!) {
        comments(subject: { type: PRODUCT, id: $id }, first: 0) { totalCount edges { cursor } pageInfo { endCursor } }
        products(first: 0) { totalCount edges { cursor } pageInfo { endCursor } }
        merchants(first: 0) { totalCount edges { cursor } pageInfo { endCursor } }
      }`,
      { id },
    )
    expect(d.comments).toEqual({ totalCount: topLevelComments, edges: [], pageInfo: { endCursor: null } })
    expect(d.products).toEqual({ totalCount: 100, edges: [], pageInfo: { endCursor: null } })
    expect(d.merchants.edges).toEqual([])
    expect(d.merchants.totalCount).toBeGreaterThanOrEqual(20)
  })

  it('without first, a list returns 10 items (the moderation queue 20)', async () => {
    const { id } = await hotProduct()
    const d = await query(
      'query ($id: ID!) { comments(subject: { type: PRODUCT, id: $id }) { edges { cursor } } products { edges { cursor } } merchants { edges { cursor } } }',
      { id },
    )
    expect(d.comments.edges).toHaveLength(10)
    expect(d.products.edges).toHaveLength(10)
    expect(d.merchants.edges).toHaveLength(10)
    const q = await query('{ moderationQueue { totalCount edges { cursor } } }', {}, await login('moderator'))
    expect(q.moderationQueue.edges).toHaveLength(Math.min(20, q.moderationQueue.totalCount))
  })
})

describe('bad pagination arguments are BAD_USER_INPUT naming the argument', () => {
  const lists: { name: string; text: (args: string) => string; token?: string }[] = [
    { name: 'products', text: (a) => `{ products(${a}) { totalCount } }` },
    { name: 'merchants', text: (a) => `{ merchants(${a}) { totalCount } }` },
    { name: 'comments(subject:)', text: (a) => `query ($id: ID!) { comments(subject: { type: PRODUCT, id: $id }, ${a}) { totalCount } }` },
    { name: 'Product.comments', text: (a) => `query ($id: ID!) { product(id: $id) { comments(${a}) { totalCount } } }` },
    { name: 'Product.reviews', text: (a) => `query ($id: ID!) { product(id: $id) { reviews(${a}) { totalCount } } }` },
    { name: 'Merchant.products', text: (a) => `query ($id: ID!) { product(id: $id) { merchant { products(${a}) { totalCount } } } }` },
    { name: 'User.comments', text: (a) => `{ userByUsername(username: "alice") { comments(${a}) { totalCount } } }` },
    { name: 'User.reviews', text: (a) => `{ userByUsername(username: "alice") { reviews(${a}) { totalCount } } }` },
    { name: 'moderationQueue', text: (a) => `{ moderationQueue(${a}) { totalCount } }`, token: 'moderator' },
  ]

  const badArguments: { args: string; field: string }[] = [
    { args: 'first: -1', field: 'first' },
    { args: 'first: 101', field: 'first' },
    { args: 'after: "not a cursor"', field: 'after' },
    { args: `after: "${forgeCursor(`1767225600000:${NOT_A_UUID}`)}"`, field: 'after' },
    { args: `after: "${forgeCursor(`yesterday:${UNKNOWN_ID}`)}"`, field: 'after' },
  ]

  it.each(lists)('$name', async ({ text, token }) => {
    const { id } = await hotProduct()
    const auth = token ? await login(token) : undefined
    for (const { args, field } of badArguments) {
      expectOneError(await gql(text(args), { id }, { token: auth }), 'BAD_USER_INPUT', field)
    }
    // the limits themselves are fine
    for (const args of ['first: 0', 'first: 100']) {
      const res = await gql(text(args), { id }, { token: auth })
      expect(res.errors).toBeUndefined()
    }
  })

  it('a replies list of a comment rejects the same arguments', async () => {
    const { id } = await hotProduct()
    const d = await query('query ($id: ID!) { comments(subject: { type: PRODUCT, id: $id }, first: 1) { edges { node { id } } } }', { id })
    const commentId = d.comments.edges[0].node.id
    for (const { args, field } of [
      { args: 'first: -1', field: 'first' },
      { args: 'first: 101', field: 'first' },
      { args: 'after: "garbage!"', field: 'after' },
    ]) {
      expectOneError(
        await gql(`query ($c: ID!) { comment(id: $c) { replies(${args}) { totalCount } } }`, { c: commentId }),
        'BAD_USER_INPUT',
        field,
      )
    }
  })

  it('a cursor from one list, used on another, still answers a page (cursors are positions, not sessions)', async () => {
    const products = await query('{ products(first: 5) { pageInfo { endCursor } } }')
    const res = await gql('query ($after: String) { merchants(first: 5, after: $after) { edges { cursor } } }', {
      after: products.products.pageInfo.endCursor,
    })
    expect(res.errors).toBeUndefined()
  })
})
