// Scenario: reviews that are not PUBLISHED belong to their author and to the moderators. Everyone
// else, signed in or not, sees only published reviews, wherever they look.
import { gql, login } from '../support/client'
import { expectOneError, query, seedUser, walk, type Connection } from './helpers'

interface Review {
  id: string
  status: 'PENDING' | 'PUBLISHED' | 'REJECTED'
  createdAt: string
  author: { id: string }
  subject: { __typename: string; id: string }
}

const REVIEW_FIELDS = 'id status createdAt author { id } subject { __typename ... on Product { id } ... on Merchant { id } }'

/** Every review of `userId` as `viewer` sees them through User.reviews (all pages). */
async function reviewsOf(userId: string, viewer?: string): Promise<{ nodes: Review[]; totalCount: number }> {
  const token = viewer ? await login(viewer) : undefined
  const { nodes, pages } = await walk<Review>(async (after) => {
    const d = await query(
      `query ($id: ID!, $after: String) { user(id: $id) { reviews(first: 50, after: $after) { totalCount edges { cursor node { ${REVIEW_FIELDS} } } pageInfo { hasNextPage endCursor } } } }`,
      { id: userId, after },
      token,
    )
    return d.user.reviews as Connection<Review>
  })
  return { nodes, totalCount: pages[0]?.totalCount ?? 0 }
}

/** A customer's review in the given status, found through the author's own view of their reviews. */
async function reviewOf(username: string, status: Review['status']): Promise<Review> {
  const user = await seedUser(username)
  const found = (await reviewsOf(user.id, username)).nodes.find((r) => r.status === status)
  if (!found) throw new Error(`${username} has no ${status} review in the seed`)
  return found
}

const REVIEW_BY_ID = `query ($id: ID!) { review(id: $id) { ${REVIEW_FIELDS} rejectionReason } }`

describe('review(id) of a review that is not published', () => {
  it.each([
    ['PENDING', 'alice', 'bob'],
    ['REJECTED', 'bob', 'alice'],
  ] as const)(
    'a %s review is visible to its author (%s), the moderator and the admin; null for another customer (%s) and anonymous',
    async (status, author, other) => {
      const review = await reviewOf(author, status)
      for (const viewer of [author, 'moderator', 'admin']) {
        const d = await query(REVIEW_BY_ID, { id: review.id }, await login(viewer))
        expect(d.review).toMatchObject({ id: review.id, status, author: { id: (await seedUser(author)).id } })
      }
      for (const token of [await login(other), await login('mallory'), undefined]) {
        const res = await gql(REVIEW_BY_ID, { id: review.id }, { token })
        expect(res.errors).toBeUndefined()
        expect(res.data?.review).toBeNull()
      }
    },
  )

  it('a PUBLISHED review is visible to everyone', async () => {
    const review = await reviewOf('alice', 'PUBLISHED')
    for (const token of [undefined, await login('bob'), await login('alice'), await login('moderator')]) {
      const d = await query(REVIEW_BY_ID, { id: review.id }, token)
      expect(d.review).toMatchObject({ id: review.id, status: 'PUBLISHED' })
    }
  })

  it('a REJECTED review shows its rejection reason to its author', async () => {
    const review = await reviewOf('bob', 'REJECTED')
    const d = await query(REVIEW_BY_ID, { id: review.id }, await login('bob'))
    expect(d.review.rejectionReason).toEqual(expect.any(String))
    expect(d.review.rejectionReason.length).toBeGreaterThan(0)
  })
})

describe('User.reviews', () => {
  it.each(['alice', 'bob', 'mallory'])('%s sees all of their own reviews, in every status', async (username) => {
    const user = await seedUser(username)
    const own = await reviewsOf(user.id, username)
    expect(own.nodes).toHaveLength(own.totalCount)
    const statuses = new Set(own.nodes.map((r) => r.status))
    // the seed gives each of them a published and a pending or rejected review
    expect(statuses.has('PUBLISHED')).toBe(true)
    expect(statuses.has('PENDING') || statuses.has('REJECTED')).toBe(true)
    for (const r of own.nodes) expect(r.author.id).toBe(user.id)
  })

  it('moderators and admins see every status; another customer, a merchant and anonymous only PUBLISHED', async () => {
    for (const username of ['alice', 'bob']) {
      const user = await seedUser(username)
      const everything = await reviewsOf(user.id, username)
      const published = everything.nodes.filter((r) => r.status === 'PUBLISHED')
      expect(published.length).toBeLessThan(everything.nodes.length)
      for (const viewer of ['moderator', 'admin']) {
        const seen = await reviewsOf(user.id, viewer)
        expect(seen.totalCount).toBe(everything.totalCount)
        expect(seen.nodes.map((r) => r.id)).toEqual(everything.nodes.map((r) => r.id))
      }
      for (const viewer of [username === 'alice' ? 'bob' : 'alice', 'mallory', undefined]) {
        const seen = await reviewsOf(user.id, viewer)
        expect(seen.totalCount).toBe(published.length)
        expect(seen.nodes.map((r) => r.id)).toEqual(published.map((r) => r.id))
      }
    }
  })

  it("me { reviews } is the signed-in user's full list", async () => {
    const alice = await seedUser('alice')
    const d = await query('{ me { reviews(first: 100) { totalCount edges { node { id } } } } }', {}, await login('alice'))
    const own = await reviewsOf(alice.id, 'alice')
    expect(d.me.reviews.totalCount).toBe(own.totalCount)
    expect(d.me.reviews.edges.map((e: any) => e.node.id)).toEqual(own.nodes.map((r) => r.id))
  })
})

describe('Product.reviews and Merchant.reviews show only PUBLISHED reviews, to everyone', () => {
  it("a pending or rejected review never appears in its subject's reviews, even for its author or a moderator", async () => {
    const hidden = [await reviewOf('alice', 'PENDING'), await reviewOf('bob', 'REJECTED')]
    for (const review of hidden) {
      const field = review.subject.__typename === 'Product' ? 'product' : 'merchant'
      for (const viewer of [undefined, 'alice', 'bob', 'moderator', 'admin']) {
        const token = viewer ? await login(viewer) : undefined
        const { nodes } = await walk<Review>(async (after) => {
          const d = await query(
            `query ($id: ID!, $after: String) { ${field}(id: $id) { reviews(first: 100, after: $after) { totalCount edges { cursor node { id status createdAt } } pageInfo { hasNextPage endCursor } } } }`,
            { id: review.subject.id, after },
            token,
          )
          return d[field].reviews
        })
        expect(nodes.map((r) => r.id)).not.toContain(review.id)
        for (const r of nodes) expect(r.status).toBe('PUBLISHED')
      }
    }
  })
})

describe('moderationQueue', () => {
  const QUEUE =
    'query ($after: String) { moderationQueue(first: 100, after: $after) { totalCount edges { cursor node { id status createdAt author { id } } } pageInfo { hasNextPage endCursor } } }'

  async function queueAs(viewer: string): Promise<Review[]> {
    const token = await login(viewer)
    return (await walk<Review>(async (after) => (await query(QUEUE, { after }, token)).moderationQueue)).nodes
  }

  it("moderator and admin see the same PENDING reviews, oldest first, including alice's and mallory's", async () => {
    const forModerator = await queueAs('moderator')
    const forAdmin = await queueAs('admin')
    expect(forModerator.length).toBeGreaterThan(0)
    expect(forAdmin).toEqual(forModerator)
    for (const r of forModerator) expect(r.status).toBe('PENDING')
    const times = forModerator.map((r) => Date.parse(r.createdAt))
    expect(times).toEqual([...times].sort((a, b) => a - b))
    const ids = forModerator.map((r) => r.id)
    expect(ids).toContain((await reviewOf('alice', 'PENDING')).id)
    expect(ids).toContain((await reviewOf('mallory', 'PENDING')).id)
    expect(ids).not.toContain((await reviewOf('bob', 'REJECTED')).id)
  })

  it('holds exactly the pending reviews the authors see as theirs', async () => {
    const queue = new Set((await queueAs('moderator')).map((r) => r.id))
    for (const username of ['alice', 'bob', 'mallory']) {
      const user = await seedUser(username)
      for (const r of (await reviewsOf(user.id, username)).nodes) expect(queue.has(r.id)).toBe(r.status === 'PENDING')
    }
  })

  it('is UNAUTHENTICATED for an anonymous caller (and for an invalid token)', async () => {
    expectOneError(await gql('{ moderationQueue { totalCount } }'), 'UNAUTHENTICATED')
    expectOneError(await gql('{ moderationQueue { totalCount } }', {}, { token: 'not-a-jwt' }), 'UNAUTHENTICATED')
  })

  it.each(['alice', 'bob', 'mallory'])('is FORBIDDEN for %s (not a moderator)', async (username) => {
    const res = await gql('{ moderationQueue { totalCount edges { node { id } } } }', {}, { token: await login(username) })
    expectOneError(res, 'FORBIDDEN')
    expect(res.data).toBeNull()
  })
})
