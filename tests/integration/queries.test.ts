// Scenario: a client reads the marketplace through the gateway. Every Query field of the contract
// (except `operation`) and every field an entity gets from another subgraph answers what it should.
import { gql, login } from '../support/client'
import { NOT_A_UUID, UNKNOWN_ID, hotProduct, query, seedUser, walk, type Connection } from './helpers'

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/

interface Review {
  id: string
  rating: number
  status: string
  createdAt: string
}

/** Every review of a connection field, all pages. */
async function allReviews(parent: 'product' | 'merchant', id: string): Promise<Review[]> {
  const { nodes } = await walk<Review>(async (after) => {
    const d = await query(
      `query ($id: ID!, $after: String) { ${parent}(id: $id) {
        reviews(first: 100, after: $after) { totalCount edges { cursor node { id rating status createdAt } } pageInfo { hasNextPage endCursor } }
      } }`,
      { id, after },
    )
    return d[parent].reviews as Connection<Review>
  })
  return nodes
}

const mean = (ratings: number[]): number | null => (ratings.length === 0 ? null : ratings.reduce((a, b) => a + b, 0) / ratings.length)

describe('Users: me, user, userByUsername and the fields other subgraphs add', () => {
  it('me is the signed-in user with its role, and null for an anonymous caller', async () => {
    const expected = { alice: 'CUSTOMER', bob: 'CUSTOMER', mallory: 'MERCHANT', moderator: 'MODERATOR', admin: 'ADMIN' }
    for (const [username, role] of Object.entries(expected)) {
      const d = await query('{ me { id username role } }', {}, await login(username))
      expect(d.me).toEqual({ id: (await seedUser(username)).id, username, role })
    }
    expect((await query('{ me { id } }')).me).toBeNull()
  })

  it('user(id) returns the same user as userByUsername, with every scalar field well formed', async () => {
    const alice = await seedUser('alice')
    const fields = 'id username displayName avatarUrl role createdAt'
    const d = await query(`query ($id: ID!) { user(id: $id) { ${fields} } userByUsername(username: "alice") { ${fields} } }`, {
      id: alice.id,
    })
    expect(d.user).toEqual(d.userByUsername)
    expect(d.user).toMatchObject({ id: alice.id, username: 'alice', role: 'CUSTOMER', displayName: expect.any(String) })
    expect(d.user.createdAt).toMatch(ISO)
    if (d.user.avatarUrl !== null) expect(d.user.avatarUrl).toMatch(/^https?:\/\//)
  })

  it('userByUsername is case-insensitive and null for an unknown name', async () => {
    const alice = await seedUser('alice')
    const d = await query(
      '{ a: userByUsername(username: "ALICE") { id username } b: userByUsername(username: "aLiCe") { id } c: userByUsername(username: "no_such_user_here") { id } }',
    )
    expect(d.a).toEqual({ id: alice.id, username: 'alice' })
    expect(d.b).toEqual({ id: alice.id })
    expect(d.c).toBeNull()
  })

  it('user(id) is null for an id that does not exist or is not a UUID', async () => {
    const d = await query('query ($a: ID!, $b: ID!) { a: user(id: $a) { id } b: user(id: $b) { id } }', { a: UNKNOWN_ID, b: NOT_A_UUID })
    expect(d).toEqual({ a: null, b: null })
  })

  it("User.merchants lists the stores the user owns; each store's owner is that user", async () => {
    const d = await query(
      '{ userByUsername(username: "mallory") { id merchants { id name owner { id username } } } alice: userByUsername(username: "alice") { merchants { id } } }',
    )
    const mallory = d.userByUsername
    expect(mallory.merchants.length).toBeGreaterThanOrEqual(1)
    for (const store of mallory.merchants) expect(store.owner).toEqual({ id: mallory.id, username: 'mallory' })
    expect(d.alice.merchants).toEqual([])
  })

  it('User.comments are comments the user wrote (top-level and replies), newest first', async () => {
    // the author of the latest comment on the hot product: an active user
    const { id } = await hotProduct()
    const first = await query(
      'query ($id: ID!) { comments(subject: { type: PRODUCT, id: $id }, first: 1) { edges { node { author { id } } } } }',
      { id },
    )
    const authorId = first.comments.edges[0].node.author.id
    const d = await query(
      'query ($id: ID!) { user(id: $id) { comments(first: 100) { totalCount edges { node { id createdAt author { id } parent { id } subject { __typename } } } } } }',
      { id: authorId },
    )
    const nodes = d.user.comments.edges.map((e: any) => e.node)
    expect(nodes.length).toBeGreaterThan(0)
    for (const node of nodes) expect(node.author.id).toBe(authorId)
    const times = nodes.map((n: any) => Date.parse(n.createdAt))
    expect(times).toEqual([...times].sort((a, b) => b - a))
  })

  it('User.reviews of another user are PUBLISHED only; each review names the user as author', async () => {
    const bob = await seedUser('bob')
    const d = await query(
      'query ($id: ID!) { user(id: $id) { reviews(first: 100) { totalCount edges { node { status author { id username } } } } } }',
      { id: bob.id },
    )
    expect(d.user.reviews.totalCount).toBeGreaterThan(0)
    for (const { node } of d.user.reviews.edges) {
      expect(node.status).toBe('PUBLISHED')
      expect(node.author).toEqual({ id: bob.id, username: 'bob' })
    }
  })
})

describe('Merchants: merchant, merchants and Merchant.owner/rating/products/reviews/comments', () => {
  it('merchants lists stores; merchant(id) answers the same store', async () => {
    const d = await query('{ merchants(first: 5) { totalCount edges { node { id name description createdAt owner { id username } } } } }')
    expect(d.merchants.totalCount).toBeGreaterThanOrEqual(20)
    expect(d.merchants.edges).toHaveLength(5)
    const store = d.merchants.edges[0].node
    expect(store.createdAt).toMatch(ISO)
    const one = await query('query ($id: ID!) { merchant(id: $id) { id name description createdAt owner { id username } } }', {
      id: store.id,
    })
    expect(one.merchant).toEqual(store)
  })

  it('merchant(id) is null for an unknown or malformed id', async () => {
    const d = await query('query ($a: ID!, $b: ID!) { a: merchant(id: $a) { id } b: merchant(id: $b) { id } }', {
      a: UNKNOWN_ID,
      b: NOT_A_UUID,
    })
    expect(d).toEqual({ a: null, b: null })
  })

  it("Merchant.products are the store's products, newest first, and each product's merchant is the store", async () => {
    const mallory = await query('{ userByUsername(username: "mallory") { merchants { id } } }')
    const counts = await Promise.all(
      mallory.userByUsername.merchants.map(async (m: { id: string }) => {
        const d = await query(
          'query ($id: ID!) { merchant(id: $id) { id products(first: 100) { totalCount edges { node { id createdAt merchant { id } } } } } }',
          { id: m.id },
        )
        const nodes = d.merchant.products.edges.map((e: any) => e.node)
        expect(nodes).toHaveLength(d.merchant.products.totalCount)
        for (const p of nodes) expect(p.merchant.id).toBe(m.id)
        const times = nodes.map((n: any) => Date.parse(n.createdAt))
        expect(times).toEqual([...times].sort((a, b) => b - a))
        return nodes.length as number
      }),
    )
    // the seed gives mallory a store with at least three products
    expect(Math.max(...counts)).toBeGreaterThanOrEqual(3)
  })

  it('Merchant.reviews are PUBLISHED reviews whose subject is the store, newest first', async () => {
    const d = await query(
      '{ merchants(first: 100) { edges { node { id reviews(first: 100) { totalCount edges { node { status createdAt subject { __typename ... on Merchant { id } } } } } } } } }',
    )
    let seen = 0
    for (const { node: store } of d.merchants.edges) {
      const reviews = store.reviews.edges.map((e: any) => e.node)
      expect(reviews).toHaveLength(store.reviews.totalCount)
      seen += reviews.length
      for (const r of reviews) {
        expect(r.status).toBe('PUBLISHED')
        expect(r.subject).toEqual({ __typename: 'Merchant', id: store.id })
      }
      const times = reviews.map((r: any) => Date.parse(r.createdAt))
      expect(times).toEqual([...times].sort((a, b) => b - a))
    }
    expect(seen).toBeGreaterThan(0)
  })

  it('Merchant.comments are top-level comments about the store', async () => {
    const d = await query(
      '{ merchants(first: 100) { edges { node { id comments(first: 100) { totalCount edges { node { parent { id } subject { __typename ... on Merchant { id } } } } } } } } }',
    )
    let seen = 0
    for (const { node: store } of d.merchants.edges) {
      seen += store.comments.edges.length
      for (const { node } of store.comments.edges) {
        expect(node.parent).toBeNull()
        expect(node.subject).toEqual({ __typename: 'Merchant', id: store.id })
      }
    }
    expect(seen).toBeGreaterThan(0)
  })

  it('Merchant.rating counts and averages exactly the PUBLISHED reviews Merchant.reviews lists', async () => {
    const d = await query('{ merchants(first: 100) { edges { node { id rating { count average } } } } }')
    expect(d.merchants.edges.length).toBeGreaterThanOrEqual(20)
    for (const { node: store } of d.merchants.edges) {
      const ratings = (await allReviews('merchant', store.id)).map((r) => r.rating)
      expect(store.rating).toEqual({ count: ratings.length, average: mean(ratings) })
    }
  })
})

describe('Products: product, products (with and without merchantId) and Product.merchant/price/rating/reviews/comments', () => {
  it('products lists all 100 seeded products; product(id) answers the same product', async () => {
    const d = await query(
      '{ products(first: 100) { totalCount edges { node { id name description createdAt price { amount currency } merchant { id name } } } } }',
    )
    expect(d.products.totalCount).toBe(100)
    expect(d.products.edges).toHaveLength(100)
    for (const { node } of d.products.edges) {
      expect(node.price.amount).toBeGreaterThanOrEqual(0)
      expect(Number.isInteger(node.price.amount)).toBe(true)
      expect(node.price.currency).toMatch(/^[A-Z]{3}$/)
      expect(node.name.length).toBeGreaterThan(0)
      expect(node.merchant.id).toEqual(expect.any(String))
    }
    const sample = d.products.edges[17].node
    const one = await query(
      'query ($id: ID!) { product(id: $id) { id name description createdAt price { amount currency } merchant { id name } } }',
      { id: sample.id },
    )
    expect(one.product).toEqual(sample)
  })

  it('product(id) is null for an unknown or malformed id', async () => {
    const d = await query('query ($a: ID!, $b: ID!) { a: product(id: $a) { id } b: product(id: $b) { id } }', {
      a: UNKNOWN_ID,
      b: NOT_A_UUID,
    })
    expect(d).toEqual({ a: null, b: null })
  })

  it("products(merchantId:) lists exactly that store's products, the same as Merchant.products", async () => {
    const all = await query('{ products(first: 100) { edges { node { id merchant { id } } } } }')
    const byMerchant = new Map<string, string[]>()
    for (const { node } of all.products.edges) byMerchant.set(node.merchant.id, [...(byMerchant.get(node.merchant.id) ?? []), node.id])
    const [merchantId, expected] = [...byMerchant.entries()].sort((a, b) => b[1].length - a[1].length)[0] as [string, string[]]
    const d = await query(
      'query ($m: ID!) { products(first: 100, merchantId: $m) { totalCount edges { node { id merchant { id } } } } merchant(id: $m) { products(first: 100) { edges { node { id } } } } }',
      { m: merchantId },
    )
    expect(d.products.totalCount).toBe(expected.length)
    expect(d.products.edges.map((e: any) => e.node.id).sort()).toEqual([...expected].sort())
    expect(d.products.edges.map((e: any) => e.node.id)).toEqual(d.merchant.products.edges.map((e: any) => e.node.id))
  })

  it('products(merchantId:) of an unknown or malformed store is an empty list', async () => {
    for (const m of [UNKNOWN_ID, NOT_A_UUID]) {
      const d = await query(
        'query ($m: ID!) { products(merchantId: $m) { totalCount edges { cursor } pageInfo { hasNextPage endCursor } } }',
        { m },
      )
      expect(d.products).toEqual({ totalCount: 0, edges: [], pageInfo: { hasNextPage: false, endCursor: null } })
    }
  })

  it('Product.rating counts and averages exactly the PUBLISHED reviews Product.reviews lists (null average without reviews)', async () => {
    const d = await query(
      '{ products(first: 100) { edges { node { id rating { count average } reviews(first: 100) { totalCount edges { node { rating status subject { ... on Product { id } } } } pageInfo { hasNextPage } } } } } }',
    )
    let withoutReviews = 0
    let withReviews = 0
    for (const { node: product } of d.products.edges) {
      let reviews = product.reviews.edges.map((e: any) => e.node)
      if (product.reviews.pageInfo.hasNextPage) reviews = await allReviews('product', product.id)
      expect(reviews).toHaveLength(product.reviews.totalCount)
      for (const r of reviews) expect(r.status).toBe('PUBLISHED')
      for (const r of product.reviews.edges) expect(r.node.subject).toEqual({ id: product.id })
      const ratings = reviews.map((r: Review) => r.rating)
      expect(product.rating).toEqual({ count: ratings.length, average: mean(ratings) })
      if (ratings.length === 0) withoutReviews++
      else withReviews++
    }
    expect(withReviews).toBeGreaterThan(0)
    // products without a published review show { count: 0, average: null }
    expect(withoutReviews + withReviews).toBe(100)
  })

  it('Product.comments is the same list as Query.comments for that subject', async () => {
    const { id } = await hotProduct()
    const d = await query(
      `query ($id: ID!) {
        product(id: $id) { comments(first: 25) { totalCount edges { cursor node { id } } pageInfo { hasNextPage endCursor } } }
        comments(subject: { type: PRODUCT, id: $id }, first: 25) { totalCount edges { cursor node { id } } pageInfo { hasNextPage endCursor } }
      }`,
      { id },
    )
    expect(d.product.comments).toEqual(d.comments)
    expect(d.comments.edges).toHaveLength(25)
  })
})

describe('Reviews: review(id), moderationQueue and Review.author/subject/moderator/comments', () => {
  it('review(id) of a PUBLISHED review is visible to anyone, with its author, subject and moderator', async () => {
    const d = await query('{ products(first: 100) { edges { node { id reviews(first: 1) { edges { node { id } } } } } } }')
    const withReview = d.products.edges.find((e: any) => e.node.reviews.edges.length > 0).node
    const reviewId = withReview.reviews.edges[0].node.id
    const r = await query(
      `query ($id: ID!) { review(id: $id) {
        id rating body status createdAt moderatedAt rejectionReason
        author { id username } moderator { id username role }
        subject { __typename ... on Product { id name } ... on Merchant { id name } }
      } }`,
      { id: reviewId },
    )
    expect(r.review).toMatchObject({ id: reviewId, status: 'PUBLISHED', rejectionReason: null })
    expect(r.review.rating).toBeGreaterThanOrEqual(1)
    expect(r.review.rating).toBeLessThanOrEqual(5)
    expect(r.review.body.length).toBeGreaterThan(0)
    expect(r.review.createdAt).toMatch(ISO)
    expect(r.review.moderatedAt).toMatch(ISO)
    expect(r.review.subject).toMatchObject({ __typename: 'Product', id: withReview.id })
    expect(r.review.author.username).toEqual(expect.any(String))
    // a published review was moderated by a moderator or an admin
    expect(['MODERATOR', 'ADMIN']).toContain(r.review.moderator.role)
    const author = await query('query ($u: String!) { userByUsername(username: $u) { id } }', { u: r.review.author.username })
    expect(author.userByUsername.id).toBe(r.review.author.id)
  })

  it('review(id) is null for an unknown or malformed id', async () => {
    const d = await query('query ($a: ID!, $b: ID!) { a: review(id: $a) { id } b: review(id: $b) { id } }', {
      a: UNKNOWN_ID,
      b: NOT_A_UUID,
    })
    expect(d).toEqual({ a: null, b: null })
  })

  it('a PENDING review in the moderation queue has no moderator yet; the queue needs a moderator', async () => {
    const d = await query(
      '{ moderationQueue(first: 5) { totalCount edges { node { id status moderator { id } moderatedAt subject { __typename } } } } }',
      {},
      await login('moderator'),
    )
    expect(d.moderationQueue.totalCount).toBeGreaterThan(0)
    for (const { node } of d.moderationQueue.edges) expect(node).toMatchObject({ status: 'PENDING', moderator: null, moderatedAt: null })
  })

  it('a REJECTED review (seen by its author) carries its moderator and rejection reason', async () => {
    const bob = await seedUser('bob')
    const d = await query(
      'query ($id: ID!) { user(id: $id) { reviews(first: 100) { edges { node { id status rejectionReason moderatedAt moderator { role } } } } } }',
      { id: bob.id },
      await login('bob'),
    )
    const rejected = d.user.reviews.edges.map((e: any) => e.node).filter((r: any) => r.status === 'REJECTED')
    expect(rejected.length).toBeGreaterThan(0)
    for (const r of rejected) {
      expect(r.rejectionReason.length).toBeGreaterThan(0)
      expect(r.moderatedAt).toMatch(ISO)
      expect(['MODERATOR', 'ADMIN']).toContain(r.moderator.role)
    }
  })

  it('Review.comments are the top-level discussion under a review', async () => {
    // pages of 10 inside pages of 10 inside a page of 100: within the gateway's cost limit
    const d = await query(
      '{ products(first: 100) { edges { node { reviews(first: 10) { edges { node { id comments(first: 10) { totalCount edges { node { parent { id } subject { __typename ... on Review { id } } } } } } } } } } } }',
    )
    let seen = 0
    for (const { node: product } of d.products.edges) {
      for (const { node: review } of product.reviews.edges) {
        expect(review.comments.edges.length).toBe(Math.min(review.comments.totalCount, 10))
        for (const { node: c } of review.comments.edges) {
          seen++
          expect(c.parent).toBeNull()
          expect(c.subject).toEqual({ __typename: 'Review', id: review.id })
        }
      }
    }
    expect(seen).toBeGreaterThan(0)
  })
})

describe('Comments: comments(subject:), comment(id) and Comment.author/subject/parent/replies/replyCount/deleted/editedAt', () => {
  it('comments(subject:) lists top-level comments of the subject with their author', async () => {
    const { id, topLevelComments } = await hotProduct()
    expect(topLevelComments).toBeGreaterThanOrEqual(25)
    const d = await query(
      'query ($id: ID!) { comments(subject: { type: PRODUCT, id: $id }, first: 10) { totalCount edges { node { id body createdAt parent { id } subject { __typename ... on Product { id } } author { id username avatarUrl } } } } }',
      { id },
    )
    expect(d.comments.totalCount).toBe(topLevelComments)
    expect(d.comments.edges).toHaveLength(10)
    for (const { node } of d.comments.edges) {
      expect(node.parent).toBeNull()
      expect(node.subject).toEqual({ __typename: 'Product', id })
      expect(node.createdAt).toMatch(ISO)
      expect(node.author.username).toMatch(/^[a-z0-9_]{3,32}$/)
    }
  })

  it('comments of a merchant and of a review use the same query with another subject type', async () => {
    const d = await query('{ merchants(first: 100) { edges { node { id comments(first: 0) { totalCount } } } } }')
    const store = d.merchants.edges.map((e: any) => e.node).sort((a: any, b: any) => b.comments.totalCount - a.comments.totalCount)[0]
    expect(store.comments.totalCount).toBeGreaterThan(0)
    const m = await query(
      'query ($id: ID!) { comments(subject: { type: MERCHANT, id: $id }, first: 100) { totalCount edges { node { subject { ... on Merchant { id } } } } } }',
      { id: store.id },
    )
    expect(m.comments.totalCount).toBe(store.comments.totalCount)
    for (const { node } of m.comments.edges) expect(node.subject).toEqual({ id: store.id })

    const reviews = await query(
      '{ products(first: 100) { edges { node { reviews(first: 100) { edges { node { id comments(first: 0) { totalCount } } } } } } } }',
    )
    const review = reviews.products.edges
      .flatMap((e: any) => e.node.reviews.edges.map((r: any) => r.node))
      .sort((a: any, b: any) => b.comments.totalCount - a.comments.totalCount)[0]
    const r = await query(
      'query ($id: ID!) { comments(subject: { type: REVIEW, id: $id }, first: 100) { totalCount edges { node { subject { ... on Review { id } } } } } }',
      { id: review.id },
    )
    expect(r.comments.totalCount).toBe(review.comments.totalCount)
    for (const { node } of r.comments.edges) expect(node.subject).toEqual({ id: review.id })
  })

  it('comments of an unknown or malformed subject are an empty list', async () => {
    for (const type of ['PRODUCT', 'MERCHANT', 'REVIEW']) {
      for (const id of [UNKNOWN_ID, NOT_A_UUID]) {
        const d = await query(
          'query ($s: SubjectRef!) { comments(subject: $s) { totalCount edges { cursor } pageInfo { hasNextPage endCursor } } }',
          { s: { type, id } },
        )
        expect(d.comments).toEqual({ totalCount: 0, edges: [], pageInfo: { hasNextPage: false, endCursor: null } })
      }
    }
  })

  it('comment(id) answers the comment with its parent, replies and replyCount = replies.totalCount', async () => {
    const { id } = await hotProduct()
    const d = await query(
      'query ($id: ID!) { comments(subject: { type: PRODUCT, id: $id }, first: 100) { edges { node { id replyCount } } } }',
      { id },
    )
    const withReplies = d.comments.edges.map((e: any) => e.node).sort((a: any, b: any) => b.replyCount - a.replyCount)[0]
    expect(withReplies.replyCount).toBeGreaterThan(0)
    const c = await query(
      `query ($id: ID!) { comment(id: $id) {
        id body createdAt editedAt deleted replyCount parent { id }
        subject { __typename ... on Product { id } }
        author { id username }
        replies(first: 100) { totalCount edges { node { id createdAt parent { id } subject { ... on Product { id } } replyCount } } }
      } }`,
      { id: withReplies.id },
    )
    expect(c.comment).toMatchObject({ id: withReplies.id, parent: null, subject: { __typename: 'Product', id } })
    expect(c.comment.replies.totalCount).toBe(c.comment.replyCount)
    expect(c.comment.replies.edges).toHaveLength(c.comment.replyCount)
    for (const { node: reply } of c.comment.replies.edges) {
      expect(reply.parent).toEqual({ id: withReplies.id })
      expect(reply.subject).toEqual({ id })
      expect(Date.parse(reply.createdAt)).toBeGreaterThanOrEqual(Date.parse(c.comment.createdAt))
    }
    // a reply found by id points back to its parent
    const replyId = c.comment.replies.edges[0].node.id
    const reply = await query('query ($id: ID!) { comment(id: $id) { id parent { id replyCount } } }', { id: replyId })
    expect(reply.comment).toEqual({ id: replyId, parent: { id: withReplies.id, replyCount: withReplies.replyCount } })
  })

  it("every top-level comment's replyCount equals its replies' totalCount", async () => {
    const d = await query(
      '{ products(first: 100) { edges { node { comments(first: 100) { edges { node { id replyCount replies(first: 0) { totalCount } } } } } } } }',
    )
    const comments = d.products.edges.flatMap((e: any) => e.node.comments.edges.map((c: any) => c.node))
    expect(comments.length).toBeGreaterThan(500)
    const mismatched = comments.filter((c: any) => c.replyCount !== c.replies.totalCount)
    expect(mismatched).toEqual([])
    expect(comments.some((c: any) => c.replyCount > 0)).toBe(true)
  })

  it('comment(id) is null for an unknown or malformed id', async () => {
    const d = await query('query ($a: ID!, $b: ID!) { a: comment(id: $a) { id } b: comment(id: $b) { id } }', {
      a: UNKNOWN_ID,
      b: NOT_A_UUID,
    })
    expect(d).toEqual({ a: null, b: null })
  })

  it('a deleted comment shows an empty body and deleted: true; an edited one has editedAt after createdAt', async () => {
    const d = await query(
      '{ products(first: 100) { edges { node { comments(first: 100) { edges { node { id body deleted createdAt editedAt author { id } } } } } } } }',
    )
    const comments = d.products.edges.flatMap((e: any) => e.node.comments.edges.map((c: any) => c.node))
    const deleted = comments.filter((c: any) => c.deleted)
    const edited = comments.filter((c: any) => c.editedAt !== null)
    expect(deleted.length).toBeGreaterThan(0)
    expect(edited.length).toBeGreaterThan(0)
    for (const c of deleted) {
      expect(c.body).toBe('')
      // the author of a deleted comment is still resolvable
      expect(c.author.id).toEqual(expect.any(String))
    }
    for (const c of comments.filter((x: any) => !x.deleted)) {
      expect(c.body.length).toBeGreaterThan(0)
      expect(c.body.length).toBeLessThanOrEqual(2000)
    }
    for (const c of edited) {
      expect(c.editedAt).toMatch(ISO)
      expect(Date.parse(c.editedAt)).toBeGreaterThanOrEqual(Date.parse(c.createdAt))
    }
    const one = await query('query ($id: ID!) { comment(id: $id) { body deleted } }', { id: deleted[0].id })
    expect(one.comment).toEqual({ body: '', deleted: true })
  })

  it('Comment.author is the current user behind the comment', async () => {
    const { id } = await hotProduct()
    const d = await query(
      'query ($id: ID!) { comments(subject: { type: PRODUCT, id: $id }, first: 3) { edges { node { author { id username avatarUrl role } } } } }',
      { id },
    )
    for (const { node } of d.comments.edges) {
      const res = await gql('query ($id: ID!) { user(id: $id) { id username avatarUrl role } }', { id: node.author.id })
      expect(res.data?.user).toEqual(node.author)
    }
  })
})
