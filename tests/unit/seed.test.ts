import { parseSeedArguments } from '../../scripts/seed/arguments'
import { SEED_ACCOUNTS, chunksOf, generateSeedData, materialize, type PasswordHashes, type SeedRows } from '../../scripts/seed/generate'
import { DEFAULT_SEED_OPTIONS, SeedOptionsError, resolveSeedOptions } from '../../scripts/seed/options'

// stand-ins: the generator only copies hashes, and scrypt is far too slow for a unit test
const hashes: PasswordHashes = {
  seedAccounts: {
    admin: 'hash:admin',
    moderator: 'hash:moderator',
    alice: 'hash:alice',
    bob: 'hash:bob',
    mallory: 'hash:mallory',
  },
  generatedUsers: 'hash:generated',
}

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/
const TINY = { users: 5, merchants: 1, products: 3, reviews: 6, comments: 40 } as const

const seeded = materialize(generateSeedData({}, hashes))
const tiny = materialize(generateSeedData(TINY, hashes))

function userByName(rows: SeedRows, username: string) {
  const user = rows.users.find((u) => u.username === username)
  if (!user) throw new Error(`no user ${username}`)
  return user
}

function key(...parts: string[]): string {
  return parts.join('|')
}

describe('seed generator', () => {
  it('uses the documented defaults', () => {
    expect(seeded.users).toHaveLength(DEFAULT_SEED_OPTIONS.users)
    expect(seeded.merchants).toHaveLength(DEFAULT_SEED_OPTIONS.merchants)
    expect(seeded.products).toHaveLength(DEFAULT_SEED_OPTIONS.products)
    expect(seeded.reviews).toHaveLength(DEFAULT_SEED_OPTIONS.reviews)
    expect(seeded.comments).toHaveLength(DEFAULT_SEED_OPTIONS.comments)
  })

  it('produces the same rows for the same seed and different rows for another seed', () => {
    expect(materialize(generateSeedData({ seed: 42 }, hashes))).toEqual(seeded)
    const other = materialize(generateSeedData({ seed: 7 }, hashes))
    expect(other.users.map((u) => u.id)).not.toEqual(seeded.users.map((u) => u.id))
    expect(other.comments.map((c) => c.body)).not.toEqual(seeded.comments.map((c) => c.body))
  })

  it('streams the same rows in chunks as in memory', () => {
    const chunks = [...chunksOf(generateSeedData({}, hashes).comments, 700)]
    expect(chunks).toHaveLength(Math.ceil(DEFAULT_SEED_OPTIONS.comments / 700))
    expect(chunks.flat()).toEqual(seeded.comments)
  })

  it.each([
    ['default', seeded],
    ['tiny', tiny],
  ])('gives every row a unique v4 uuid (%s)', (_, rows) => {
    const ids = [rows.users, rows.merchants, rows.products, rows.reviews, rows.comments].flatMap((table) => table.map((row) => row.id))
    for (const id of ids) expect(id).toMatch(UUID_V4)
    expect(new Set(ids).size).toBe(ids.length)
  })

  describe.each([
    ['default', seeded],
    ['tiny', tiny],
  ])('users (%s)', (_, rows) => {
    it('has unique, valid usernames', () => {
      for (const user of rows.users) expect(user.username).toMatch(/^[a-z0-9_]{3,32}$/)
      expect(new Set(rows.users.map((u) => u.username.toLowerCase())).size).toBe(rows.users.length)
    })

    it('has the seed accounts with their roles and own password hashes', () => {
      for (const account of SEED_ACCOUNTS) {
        const user = userByName(rows, account.username)
        expect(user.role).toBe(account.role)
        expect(user.passwordHash).toBe(hashes.seedAccounts[account.username])
      }
      const seedNames: readonly string[] = SEED_ACCOUNTS.map((a) => a.username)
      for (const user of rows.users.filter((u) => !seedNames.includes(u.username))) {
        expect(user.passwordHash).toBe(hashes.generatedUsers)
      }
    })

    it('keeps profile fields within the contract', () => {
      for (const user of rows.users) {
        if (user.displayName !== null) expect(user.displayName.length).toBeGreaterThanOrEqual(1)
        if (user.displayName !== null) expect(user.displayName.length).toBeLessThanOrEqual(64)
        if (user.avatarUrl !== null) expect(user.avatarUrl).toBe(`https://avatars.example.com/${user.username}.png`)
      }
    })
  })

  it('gives most generated users a profile, and leaves some empty', () => {
    const generated = seeded.users.slice(SEED_ACCOUNTS.length)
    const withName = generated.filter((u) => u.displayName !== null).length
    const withAvatar = generated.filter((u) => u.avatarUrl !== null).length
    expect(withName / generated.length).toBeGreaterThan(0.6)
    expect(withName).toBeLessThan(generated.length)
    expect(withAvatar / generated.length).toBeGreaterThan(0.6)
    expect(withAvatar).toBeLessThan(generated.length)
  })

  describe.each([
    ['default', seeded],
    ['tiny', tiny],
  ])('merchants and products (%s)', (_, rows) => {
    it('gives mallory a store with at least three products', () => {
      const mallory = userByName(rows, 'mallory')
      const stores = rows.merchants.filter((m) => m.ownerId === mallory.id)
      expect(stores.length).toBeGreaterThanOrEqual(1)
      const counts = stores.map((store) => rows.products.filter((p) => p.merchantId === store.id).length)
      expect(Math.max(...counts)).toBeGreaterThanOrEqual(3)
    })

    it('has merchants owned by MERCHANT users, created after them', () => {
      const users = new Map(rows.users.map((u) => [u.id, u]))
      for (const merchant of rows.merchants) {
        const owner = users.get(merchant.ownerId)
        expect(owner?.role).toBe('MERCHANT')
        expect(merchant.createdAt.getTime()).toBeGreaterThan(owner!.createdAt.getTime())
        expect(merchant.name.length).toBeGreaterThanOrEqual(1)
        expect(merchant.name.length).toBeLessThanOrEqual(120)
        expect((merchant.description ?? '').length).toBeLessThanOrEqual(4000)
      }
    })

    it('has products of existing merchants with valid prices', () => {
      const merchants = new Map(rows.merchants.map((m) => [m.id, m]))
      for (const product of rows.products) {
        const merchant = merchants.get(product.merchantId)
        expect(merchant).toBeDefined()
        expect(product.createdAt.getTime()).toBeGreaterThan(merchant!.createdAt.getTime())
        expect(product.name.length).toBeGreaterThanOrEqual(1)
        expect(product.name.length).toBeLessThanOrEqual(200)
        expect((product.description ?? '').length).toBeLessThanOrEqual(4000)
        expect(Number.isInteger(product.priceAmount)).toBe(true)
        expect(product.priceAmount).toBeGreaterThanOrEqual(0)
        expect(['EUR', 'USD', 'GBP']).toContain(product.priceCurrency)
      }
    })
  })

  it('spreads other merchants over several generated owners', () => {
    const owners = new Set(seeded.merchants.map((m) => m.ownerId))
    expect(owners.size).toBeGreaterThan(seeded.merchants.length / 2)
  })

  describe.each([
    ['default', seeded],
    ['tiny', tiny],
  ])('reviews (%s)', (_, rows) => {
    it('has at most one review per author and subject', () => {
      const pairs = rows.reviews.map((r) => key(r.authorId, r.subjectType, r.subjectId))
      expect(new Set(pairs).size).toBe(pairs.length)
    })

    it('refers to existing authors and subjects, created earlier', () => {
      const users = new Map(rows.users.map((u) => [u.id, u]))
      const subjects = new Map<string, { createdAt: Date }>([
        ...rows.products.map((p) => [key('PRODUCT', p.id), p] as const),
        ...rows.merchants.map((m) => [key('MERCHANT', m.id), m] as const),
      ])
      for (const review of rows.reviews) {
        const author = users.get(review.authorId)
        const subject = subjects.get(key(review.subjectType, review.subjectId))
        expect(author).toBeDefined()
        expect(subject).toBeDefined()
        expect(review.createdAt.getTime()).toBeGreaterThan(author!.createdAt.getTime())
        expect(review.createdAt.getTime()).toBeGreaterThan(subject!.createdAt.getTime())
      }
    })

    it('keeps ratings, bodies and moderation fields consistent with the status', () => {
      const moderators = new Set([userByName(rows, 'moderator').id, userByName(rows, 'admin').id])
      for (const review of rows.reviews) {
        expect(review.rating).toBeGreaterThanOrEqual(1)
        expect(review.rating).toBeLessThanOrEqual(5)
        expect(review.body.length).toBeGreaterThanOrEqual(1)
        expect(review.body.length).toBeLessThanOrEqual(4000)
        if (review.status === 'PENDING') {
          expect(review.moderatedAt).toBeNull()
          expect(review.moderatorId).toBeNull()
          expect(review.rejectionReason).toBeNull()
        } else {
          expect(moderators.has(review.moderatorId ?? '')).toBe(true)
          expect(review.moderatedAt!.getTime()).toBeGreaterThan(review.createdAt.getTime())
          if (review.status === 'REJECTED') expect(review.rejectionReason?.length).toBeGreaterThanOrEqual(1)
          else expect(review.rejectionReason).toBeNull()
        }
      }
      expect(new Set(rows.reviews.map((r) => r.status))).toEqual(new Set(['PUBLISHED', 'PENDING', 'REJECTED']))
    })

    it('stores each subject rating as the sum and count of its published reviews', () => {
      const expected = new Map<string, { count: number; sum: number }>()
      for (const review of rows.reviews.filter((r) => r.status === 'PUBLISHED')) {
        const stats = expected.get(review.subjectId) ?? { count: 0, sum: 0 }
        expected.set(review.subjectId, { count: stats.count + 1, sum: stats.sum + review.rating })
      }
      for (const subject of [...rows.products, ...rows.merchants]) {
        const stats = expected.get(subject.id) ?? { count: 0, sum: 0 }
        expect({ id: subject.id, count: subject.ratingCount, sum: subject.ratingSum }).toEqual({ id: subject.id, ...stats })
        expect(subject.ratingVersion).toBe(0) // below the reviews service's first version (1)
      }
    })
  })

  it('has mostly published reviews on both kinds of subject', () => {
    const published = seeded.reviews.filter((r) => r.status === 'PUBLISHED').length
    expect(published / seeded.reviews.length).toBeGreaterThan(0.7)
    expect(new Set(seeded.reviews.map((r) => r.subjectType))).toEqual(new Set(['PRODUCT', 'MERCHANT']))
  })

  describe.each([
    ['default', seeded],
    ['tiny', tiny],
  ])('comments (%s)', (_, rows) => {
    it('links every reply to an older comment on the same subject', () => {
      const byId = new Map(rows.comments.map((c) => [c.id, c]))
      for (const reply of rows.comments.filter((c) => c.parentId !== null)) {
        const parent = byId.get(reply.parentId!)
        expect(parent).toBeDefined()
        expect(parent!.subjectType).toBe(reply.subjectType)
        expect(parent!.subjectId).toBe(reply.subjectId)
        expect(parent!.createdAt.getTime()).toBeLessThan(reply.createdAt.getTime())
      }
    })

    it('counts the direct replies of every comment', () => {
      const replies = new Map<string, number>()
      for (const c of rows.comments) if (c.parentId) replies.set(c.parentId, (replies.get(c.parentId) ?? 0) + 1)
      for (const comment of rows.comments) expect(comment.replyCount).toBe(replies.get(comment.id) ?? 0)
    })

    it('comments only on products, merchants and published reviews, after they exist', () => {
      const subjects = new Map<string, { createdAt: Date; moderatedAt?: Date | null }>([
        ...rows.products.map((p) => [key('PRODUCT', p.id), p] as const),
        ...rows.merchants.map((m) => [key('MERCHANT', m.id), m] as const),
        ...rows.reviews.filter((r) => r.status === 'PUBLISHED').map((r) => [key('REVIEW', r.id), r] as const),
      ])
      const users = new Map(rows.users.map((u) => [u.id, u]))
      for (const comment of rows.comments) {
        const subject = subjects.get(key(comment.subjectType, comment.subjectId))
        expect(subject).toBeDefined()
        const since = subject!.moderatedAt ?? subject!.createdAt
        expect(comment.createdAt.getTime()).toBeGreaterThan(since.getTime())
        expect(comment.createdAt.getTime()).toBeGreaterThan(users.get(comment.authorId)!.createdAt.getTime())
      }
    })

    it('keeps bodies within limits, empty only when deleted', () => {
      for (const comment of rows.comments) {
        if (comment.deleted) {
          expect(comment.body).toBe('')
        } else {
          expect(comment.body.length).toBeGreaterThanOrEqual(1)
          expect(comment.body.length).toBeLessThanOrEqual(2000)
        }
        if (comment.editedAt) expect(comment.editedAt.getTime()).toBeGreaterThan(comment.createdAt.getTime())
      }
    })

    it('creates comments in non-decreasing time, all before the project went live', () => {
      for (let i = 1; i < rows.comments.length; i++) {
        expect(rows.comments[i]!.createdAt.getTime()).toBeGreaterThanOrEqual(rows.comments[i - 1]!.createdAt.getTime())
      }
      const latest = Math.max(...rows.comments.map((c) => (c.editedAt ?? c.createdAt).getTime()))
      expect(latest).toBeLessThan(Date.UTC(2026, 10, 1))
    })

    it('has a product with at least 25 top-level comments', () => {
      const topLevel = new Map<string, number>()
      for (const c of rows.comments) {
        if (c.subjectType === 'PRODUCT' && c.parentId === null) topLevel.set(c.subjectId, (topLevel.get(c.subjectId) ?? 0) + 1)
      }
      expect(Math.max(...topLevel.values())).toBeGreaterThanOrEqual(25)
    })

    it('has comments and reviews written by alice, bob and mallory', () => {
      for (const username of ['alice', 'bob', 'mallory']) {
        const { id } = userByName(rows, username)
        expect(rows.comments.some((c) => c.authorId === id)).toBe(true)
        expect(rows.reviews.some((r) => r.authorId === id)).toBe(true)
      }
    })
  })

  it('mixes threads, soft deletes and edits on all three kinds of subject', () => {
    const topLevel = seeded.comments.filter((c) => c.parentId === null).length
    expect(topLevel / seeded.comments.length).toBeGreaterThan(0.6)
    expect(topLevel / seeded.comments.length).toBeLessThan(0.8)
    expect(seeded.comments.some((c) => c.deleted)).toBe(true)
    expect(seeded.comments.some((c) => c.editedAt !== null)).toBe(true)
    expect(seeded.comments.some((c) => c.parentId !== null && c.replyCount > 0)).toBe(true)
    expect(new Set(seeded.comments.map((c) => c.subjectType))).toEqual(new Set(['PRODUCT', 'MERCHANT', 'REVIEW']))
  })

  it('skews popularity: a few subjects get many of the comments', () => {
    const perSubject = new Map<string, number>()
    for (const c of seeded.comments) perSubject.set(c.subjectId, (perSubject.get(c.subjectId) ?? 0) + 1)
    const counts = [...perSubject.values()].sort((a, b) => b - a)
    const topTen = counts.slice(0, 10).reduce((sum, n) => sum + n, 0)
    expect(topTen / seeded.comments.length).toBeGreaterThan(0.15)
    expect(counts[0]).toBeGreaterThan(10 * counts[Math.floor(counts.length / 2)]!)
  })
})

describe('seed options', () => {
  it('rejects counts that break the seed guarantees', () => {
    expect(() => resolveSeedOptions({ users: 4 })).toThrow(SeedOptionsError)
    expect(() => resolveSeedOptions({ products: 2 })).toThrow(SeedOptionsError)
    expect(() => resolveSeedOptions({ merchants: 0 })).toThrow(SeedOptionsError)
    expect(() => resolveSeedOptions({ comments: 1.5 })).toThrow(SeedOptionsError)
    expect(() => resolveSeedOptions({ users: 5, products: 3, merchants: 1, reviews: 21 })).toThrow(/one review per author/)
  })

  it('fills a review space that is exactly full', () => {
    const rows = materialize(generateSeedData({ users: 5, products: 3, merchants: 1, reviews: 20, comments: 0 }, hashes))
    expect(new Set(rows.reviews.map((r) => key(r.authorId, r.subjectId))).size).toBe(20)
  })

  it('parses the command line', () => {
    expect(parseSeedArguments([])).toEqual({ help: false, options: {} })
    expect(parseSeedArguments(['--users', '10', '--comments=20', '--seed', '0'])).toEqual({
      help: false,
      options: { users: 10, comments: 20, seed: 0 },
    })
    expect(parseSeedArguments(['--users', '10', '--help'])).toEqual({ help: true })
    expect(() => parseSeedArguments(['--user', '10'])).toThrow(/unknown option --user/)
    expect(() => parseSeedArguments(['--users', 'ten'])).toThrow(/must be a non-negative integer/)
    expect(() => parseSeedArguments(['--users', '-3'])).toThrow(SeedOptionsError)
    expect(() => parseSeedArguments(['--users'])).toThrow(/needs a value/)
    expect(() => parseSeedArguments(['users'])).toThrow(/unexpected argument/)
  })
})
