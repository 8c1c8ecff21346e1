// The seed generator: deterministic (same options, same rows) and pure (no clock, no I/O).
// Relations and counters are planned up front in typed arrays; a row's text is rebuilt on demand
// from (seed, table, index), so a million comments stream in chunks instead of sitting in memory.
import type { CommentRow, CommentSubjectType } from '../../subgraphs/comments/src/database'
import type { MerchantRow } from '../../subgraphs/merchants/src/database'
import type { ProductRow } from '../../subgraphs/catalog/src/database'
import type { ReviewRow, ReviewStatus } from '../../subgraphs/reviews/src/database'
import type { Role, UserRow } from '../../subgraphs/users/src/database'
import { resolveSeedOptions, type SeedOptions } from './options'
import { createRandom, hash32, permutation, rowRandom, skewedIndex, stringHash, uuidFor, zipfSampler, type Random } from './random'
import {
  commentBody,
  merchantDescription,
  merchantName,
  personName,
  productDescription,
  productName,
  rejectionReason,
  reviewBody,
  usernameCandidate,
} from './text'

/** Every generated timestamp is this instant plus an offset, so reruns produce the same rows. */
export const BASE_TIME = Date.UTC(2026, 0, 1)
const MINUTE = 60_000
const DAY = 86_400_000

// each table's rows are created in its own window, so everything a row refers to already exists;
// all end before November 2026, so anything written through the API sorts as newer than the seed
const PHASE_DAYS = {
  users: [0, 30],
  merchants: [30, 45],
  products: [45, 75],
  reviews: [75, 120], // + at most 3 days until moderation
  comments: [125, 300],
} as const satisfies Record<string, readonly [number, number]>

export const SEED_ACCOUNTS = [
  { username: 'admin', role: 'ADMIN', displayName: 'Ada Admin' },
  { username: 'moderator', role: 'MODERATOR', displayName: 'Morgan Moderator' },
  { username: 'alice', role: 'CUSTOMER', displayName: 'Alice Liddell' },
  { username: 'bob', role: 'CUSTOMER', displayName: 'Bob Builder' },
  { username: 'mallory', role: 'MERCHANT', displayName: 'Mallory Merchant' },
] as const satisfies readonly { username: string; role: Role; displayName: string }[]

export type SeedAccountName = (typeof SEED_ACCOUNTS)[number]['username']

const ADMIN = 0
const MODERATOR = 1
const ALICE = 2
const BOB = 3
const MALLORY = 4

/** Hashing is slow (scrypt), so the caller computes the hashes and the generator stays pure. */
export interface PasswordHashes {
  /** password = username, per the contract's seed accounts */
  readonly seedAccounts: Readonly<Record<SeedAccountName, string>>
  /** one hash shared by every generated user (password `marketplace-dev`) */
  readonly generatedUsers: string
}

export const GENERATED_USER_PASSWORD = 'marketplace-dev'

// versions of later writes (profile changes, edits): seeded rows start at the column's default, 0
export type SeedUser = Omit<UserRow, 'profileVersion'>
// bigint columns: numbers here, the database returns them as strings
export type SeedMerchant = Omit<MerchantRow, 'ratingSum' | 'ratingVersion'> & {
  ratingSum: number
  ratingVersion: number
}
export type SeedProduct = Omit<ProductRow, 'ratingSum' | 'ratingVersion'> & {
  ratingSum: number
  ratingVersion: number
}
// moderationRunId belongs to scenario runs: seeded reviews were moderated by no run
export type SeedReview = Omit<ReviewRow, 'moderationRunId'>
export type SeedComment = Omit<CommentRow, 'editVersion'>

/** One table's rows, built on demand by index (0 ≤ index < count). */
export interface SeedTable<Row> {
  readonly name: string
  readonly count: number
  row(index: number): Row
}

export interface SeedData {
  readonly options: SeedOptions
  readonly users: SeedTable<SeedUser>
  readonly merchants: SeedTable<SeedMerchant>
  readonly products: SeedTable<SeedProduct>
  readonly reviews: SeedTable<SeedReview>
  readonly comments: SeedTable<SeedComment>
}

export interface SeedRows {
  readonly users: SeedUser[]
  readonly merchants: SeedMerchant[]
  readonly products: SeedProduct[]
  readonly reviews: SeedReview[]
  readonly comments: SeedComment[]
}

export function* chunksOf<Row>(table: SeedTable<Row>, size: number): Generator<Row[]> {
  for (let start = 0; start < table.count; start += size) {
    const end = Math.min(table.count, start + size)
    const chunk: Row[] = new Array(end - start)
    for (let i = start; i < end; i++) chunk[i - start] = table.row(i)
    yield chunk
  }
}

/** All rows in memory: for tests and small seeds. */
export function materialize(data: SeedData): SeedRows {
  const all = <Row>(table: SeedTable<Row>): Row[] => Array.from({ length: table.count }, (_, i) => table.row(i))
  return {
    users: all(data.users),
    merchants: all(data.merchants),
    products: all(data.products),
    reviews: all(data.reviews),
    comments: all(data.comments),
  }
}

const TABLE_KEYS = {
  users: stringHash('users'),
  merchants: stringHash('merchants'),
  products: stringHash('products'),
  reviews: stringHash('reviews'),
  comments: stringHash('comments'),
} as const

const REVIEW_STATUSES: readonly ReviewStatus[] = ['PUBLISHED', 'PENDING', 'REJECTED']
const PUBLISHED = 0
const PENDING = 1
const REJECTED = 2

// share of top-level comments; the rest reply to an earlier comment on the same subject
const TOP_LEVEL_SHARE = 0.7
// the hottest product always has this many top-level comments: several pages of 10
const HOT_PRODUCT_TOP_LEVEL = 25
// where top-level comments go, and how skewed popularity is within each kind of subject:
// rank r gets weight 1 / (r + 1)^0.8
const SUBJECT_SHARES = { product: 0.6, merchant: 0.1, review: 0.3 } as const
const SUBJECT_ZIPF_EXPONENT = 0.8

// when seed accounts write, it is mostly the customers and mallory
const SEED_AUTHORS = [ALICE, BOB, MALLORY, ALICE, BOB, ADMIN, MODERATOR] as const

// ratings lean positive, as on real marketplaces
const RATING_WEIGHTS = [0.05, 0.08, 0.15, 0.32, 0.4] as const

function ratingFrom(roll: number): number {
  let rating = 1
  for (const weight of RATING_WEIGHTS) {
    if (roll < weight) return rating
    roll -= weight
    rating++
  }
  return 5
}

function phaseTime(phase: keyof typeof PHASE_DAYS, index: number, count: number, jitter: number): number {
  const [from, to] = PHASE_DAYS[phase]
  return BASE_TIME + from * DAY + Math.floor(((index + jitter) * (to - from) * DAY) / Math.max(1, count))
}

function planRandom(seed: number, table: keyof typeof TABLE_KEYS): Random {
  return createRandom(hash32(seed, TABLE_KEYS[table], 0x91a2))
}

function ids(seed: number, table: keyof typeof TABLE_KEYS, count: number): string[] {
  return Array.from({ length: count }, (_, i) => uuidFor(seed, TABLE_KEYS[table], i))
}

function avatarUrl(username: string): string {
  return `https://avatars.example.com/${username}.png`
}

export function generateSeedData(options: Partial<SeedOptions>, passwordHashes: PasswordHashes): SeedData {
  const resolved = resolveSeedOptions(options)
  const { seed } = resolved
  const userCount = resolved.users
  const merchantCount = resolved.merchants
  const productCount = resolved.products
  const reviewCount = resolved.reviews
  const commentCount = resolved.comments
  const generatedUserCount = userCount - SEED_ACCOUNTS.length

  // --- users: unique handles, and the generated users that will own the other merchants
  const userIds = ids(seed, 'users', userCount)
  const usernames: string[] = SEED_ACCOUNTS.map((account) => account.username)
  {
    const plan = planRandom(seed, 'users')
    const taken = new Set<string>(usernames)
    for (let i = SEED_ACCOUNTS.length; i < userCount; i++) {
      let name = usernameCandidate(plan)
      for (let attempt = 0; taken.has(name) && attempt < 8; attempt++) name = usernameCandidate(plan)
      if (taken.has(name)) name = `user_${i}` // no candidate pattern starts with "user_"
      taken.add(name)
      usernames.push(name)
    }
  }

  /** Mostly generated users, older ones more active; seed accounts write a small share. */
  const pickAuthor = (random: Random): number => {
    if (generatedUserCount === 0 || random.chance(0.03)) return random.pick(SEED_AUTHORS)
    return SEED_ACCOUNTS.length + skewedIndex(random, generatedUserCount, 1.5)
  }

  // --- merchants: mallory owns the first; a fraction of generated users own the rest
  const merchantIds = ids(seed, 'merchants', merchantCount)
  const merchantOwner = new Int32Array(merchantCount).fill(MALLORY)
  const ownsMerchant = new Uint8Array(userCount)
  ownsMerchant[MALLORY] = 1
  {
    const plan = planRandom(seed, 'merchants')
    const ownerCount = Math.min(generatedUserCount, Math.max(1, Math.round((merchantCount - 1) * 0.8)))
    if (ownerCount > 0) {
      const owners = permutation(plan, generatedUserCount).subarray(0, ownerCount)
      for (let m = 1; m < merchantCount; m++) {
        const owner = SEED_ACCOUNTS.length + (owners[(m - 1) % ownerCount] as number)
        merchantOwner[m] = owner
        ownsMerchant[owner] = 1
      }
    }
  }

  // --- products: mallory's store gets the first three; the rest favour a few big merchants
  const productIds = ids(seed, 'products', productCount)
  const productMerchant = new Int32Array(productCount)
  {
    const plan = planRandom(seed, 'products')
    for (let p = 3; p < productCount; p++) productMerchant[p] = skewedIndex(plan, merchantCount, 1.6)
  }

  // --- reviews: one per author and subject; subjects are [0, P) products then [P, P+M) merchants
  const reviewSubjectCount = productCount + merchantCount
  const reviewIds = ids(seed, 'reviews', reviewCount)
  const reviewAuthor = new Int32Array(reviewCount)
  const reviewSubject = new Int32Array(reviewCount)
  const reviewStatus = new Uint8Array(reviewCount)
  const reviewRating = new Uint8Array(reviewCount)
  const ratingCount = new Int32Array(reviewSubjectCount)
  const ratingSum = new Float64Array(reviewSubjectCount)
  {
    const plan = planRandom(seed, 'reviews')
    const taken = new Set<number>()
    const keyOf = (author: number, subject: number): number => author * reviewSubjectCount + subject
    // alice, bob and mallory have reviews in every status, so each visibility rule has a case
    const forced: readonly (readonly [number, number, number, number])[] = [
      [ALICE, 0, PUBLISHED, 5],
      [BOB, productCount, PUBLISHED, 4],
      [ALICE, 1, PENDING, 3],
      [BOB, 2, REJECTED, 1],
      [MALLORY, merchantCount > 1 ? productCount + 1 : 0, PUBLISHED, 5],
      [MALLORY, 2, PENDING, 4],
    ]
    const drawPair = (): [number, number] => [
      pickAuthor(plan),
      plan.chance(0.8) ? skewedIndex(plan, productCount, 1.8) : productCount + skewedIndex(plan, merchantCount, 1.5),
    ]
    for (let k = 0; k < reviewCount; k++) {
      const preset = forced[k]
      let author: number
      let subject: number
      if (preset && !taken.has(keyOf(preset[0], preset[1]))) {
        ;[author, subject] = preset
        reviewStatus[k] = preset[2]
        reviewRating[k] = preset[3]
      } else {
        ;[author, subject] = drawPair()
        for (let attempt = 0; taken.has(keyOf(author, subject)) && attempt < 20; attempt++) {
          ;[author, subject] = drawPair()
        }
        // a crowded pair space: walk to the next free pair (validated to exist)
        while (taken.has(keyOf(author, subject))) {
          subject++
          if (subject === reviewSubjectCount) {
            subject = 0
            author = (author + 1) % userCount
          }
        }
        const roll = plan.next()
        reviewStatus[k] = roll < 0.8 ? PUBLISHED : roll < 0.92 ? PENDING : REJECTED
        reviewRating[k] = ratingFrom(plan.next())
      }
      reviewAuthor[k] = author
      reviewSubject[k] = subject
      taken.add(keyOf(author, subject))
      if (reviewStatus[k] === PUBLISHED) {
        ratingCount[subject] = (ratingCount[subject] as number) + 1
        ratingSum[subject] = (ratingSum[subject] as number) + (reviewRating[k] as number)
      }
    }
  }
  const publishedReviews: number[] = []
  for (let k = 0; k < reviewCount; k++) if (reviewStatus[k] === PUBLISHED) publishedReviews.push(k)

  // --- comments: subjects are [0, P) products, [P, P+M) merchants, then published reviews
  const commentSubject = new Int32Array(commentCount)
  const commentParent = new Int32Array(commentCount).fill(-1)
  const commentAuthor = new Int32Array(commentCount)
  const commentTime = new Float64Array(commentCount)
  const replyCount = new Int32Array(commentCount)
  {
    const plan = planRandom(seed, 'comments')
    // popularity: pick the kind of subject, then a Zipf draw over a shuffled list of that kind
    const productByRank = permutation(plan, productCount)
    productByRank[productByRank.indexOf(0)] = productByRank[0] as number
    productByRank[0] = 0 // the hot product
    const merchantByRank = permutation(plan, merchantCount)
    const reviewByRank = permutation(plan, publishedReviews.length)
    const drawProductRank = zipfSampler(productCount, SUBJECT_ZIPF_EXPONENT)
    const drawMerchantRank = zipfSampler(merchantCount, SUBJECT_ZIPF_EXPONENT)
    const drawReviewRank = zipfSampler(publishedReviews.length, SUBJECT_ZIPF_EXPONENT)
    const reviewShare = publishedReviews.length > 0 ? SUBJECT_SHARES.review : 0
    const drawSubject = (): number => {
      const roll = plan.next() * (SUBJECT_SHARES.product + SUBJECT_SHARES.merchant + reviewShare)
      if (roll < SUBJECT_SHARES.product) return productByRank[drawProductRank(plan)] as number
      if (roll < SUBJECT_SHARES.product + SUBJECT_SHARES.merchant) {
        return productCount + (merchantByRank[drawMerchantRank(plan)] as number)
      }
      return productCount + merchantCount + (reviewByRank[drawReviewRank(plan)] as number)
    }

    const isTopLevel = new Uint8Array(commentCount)
    let hotTopLevel = 0
    const topLevel: number[] = []
    for (let i = 0; i < commentCount; i++) {
      if (i > 0 && !plan.chance(TOP_LEVEL_SHARE)) continue
      isTopLevel[i] = 1
      const subject = drawSubject()
      commentSubject[i] = subject
      if (subject === 0) hotTopLevel++
      else topLevel.push(i)
    }
    // guarantee the hot product's pages even when the sample was unlucky, spread over time
    const missing = Math.min(HOT_PRODUCT_TOP_LEVEL, hotTopLevel + topLevel.length) - hotTopLevel
    for (let k = 0; k < missing; k++) {
      commentSubject[topLevel[Math.floor(((k + 0.5) * topLevel.length) / missing)] as number] = 0
    }

    const start = BASE_TIME + PHASE_DAYS.comments[0] * DAY
    const step = ((PHASE_DAYS.comments[1] - PHASE_DAYS.comments[0]) * DAY) / Math.max(1, commentCount)
    const forcedAuthors = [ALICE, BOB, MALLORY]
    for (let i = 0; i < commentCount; i++) {
      const candidate = start + Math.floor((i + plan.next()) * step)
      const previous = i > 0 ? (commentTime[i - 1] as number) : start
      if (isTopLevel[i]) {
        // ties on created_at happen in real data; the pages must order them by id
        commentTime[i] = i > 0 && plan.chance(0.01) ? previous : Math.max(candidate, previous)
      } else {
        // a recent comment, usually: conversations cluster in time
        const parent = i - 1 - Math.floor(Math.min(i, 5000) * plan.next() ** 3)
        commentParent[i] = parent
        commentSubject[i] = commentSubject[parent] as number
        replyCount[parent] = (replyCount[parent] as number) + 1
        // strictly after the previous comment, hence after its parent
        commentTime[i] = Math.max(candidate, previous + 1)
      }
      commentAuthor[i] = forcedAuthors[i] ?? pickAuthor(plan)
    }
  }

  const users: SeedTable<SeedUser> = {
    name: 'users',
    count: userCount,
    row(i) {
      const random = rowRandom(seed, TABLE_KEYS.users, i)
      const createdAt = new Date(phaseTime('users', i, userCount, random.next()))
      const username = usernames[i] as string
      const account = SEED_ACCOUNTS[i]
      if (account) {
        return {
          id: userIds[i] as string,
          username,
          displayName: account.displayName,
          avatarUrl: avatarUrl(username),
          role: account.role,
          passwordHash: passwordHashes.seedAccounts[account.username],
          createdAt,
          updatedAt: createdAt,
        }
      }
      return {
        id: userIds[i] as string,
        username,
        displayName: random.chance(0.85) ? personName(random) : null,
        avatarUrl: random.chance(0.8) ? avatarUrl(username) : null,
        role: ownsMerchant[i] ? 'MERCHANT' : 'CUSTOMER',
        passwordHash: passwordHashes.generatedUsers,
        createdAt,
        updatedAt: createdAt,
      }
    },
  }

  const merchants: SeedTable<SeedMerchant> = {
    name: 'merchants',
    count: merchantCount,
    row(m) {
      const random = rowRandom(seed, TABLE_KEYS.merchants, m)
      const createdAt = new Date(phaseTime('merchants', m, merchantCount, random.next()))
      const stats = productCount + m
      return {
        id: merchantIds[m] as string,
        ownerId: userIds[merchantOwner[m] as number] as string,
        name: m === 0 ? "Mallory's Curiosities" : merchantName(random),
        description: m === 0 || random.chance(0.8) ? merchantDescription(random) : null,
        ratingCount: ratingCount[stats] as number,
        ratingSum: ratingSum[stats] as number,
        ratingVersion: 0, // the reviews service has versioned nothing yet: its first change (version 1) wins
        createdAt,
      }
    },
  }

  const products: SeedTable<SeedProduct> = {
    name: 'products',
    count: productCount,
    row(p) {
      const random = rowRandom(seed, TABLE_KEYS.products, p)
      const createdAt = new Date(phaseTime('products', p, productCount, random.next()))
      const name = productName(random)
      // log-uniform between 1.99 and 499.99, ending in .99; a few free items
      const raw = Math.exp(Math.log(199) + random.next() * (Math.log(49_999) - Math.log(199)))
      const currencyRoll = random.next()
      return {
        id: productIds[p] as string,
        merchantId: merchantIds[productMerchant[p] as number] as string,
        name,
        description: random.chance(0.85) ? productDescription(random, name) : null,
        priceAmount: random.chance(0.01) ? 0 : Math.floor(raw / 100) * 100 + 99,
        priceCurrency: currencyRoll < 0.5 ? 'EUR' : currencyRoll < 0.85 ? 'USD' : 'GBP',
        ratingCount: ratingCount[p] as number,
        ratingSum: ratingSum[p] as number,
        ratingVersion: 0, // see merchants
        createdAt,
      }
    },
  }

  const reviews: SeedTable<SeedReview> = {
    name: 'reviews',
    count: reviewCount,
    row(k) {
      const random = rowRandom(seed, TABLE_KEYS.reviews, k)
      const createdAt = phaseTime('reviews', k, reviewCount, random.next())
      const subject = reviewSubject[k] as number
      const status = REVIEW_STATUSES[reviewStatus[k] as number] as ReviewStatus
      const moderated = status !== 'PENDING'
      return {
        id: reviewIds[k] as string,
        authorId: userIds[reviewAuthor[k] as number] as string,
        subjectType: subject < productCount ? 'PRODUCT' : 'MERCHANT',
        subjectId: (subject < productCount ? productIds[subject] : merchantIds[subject - productCount]) as string,
        rating: reviewRating[k] as number,
        body: reviewBody(random),
        status,
        createdAt: new Date(createdAt),
        moderatedAt: moderated ? new Date(createdAt + random.int(10 * MINUTE, 3 * DAY)) : null,
        moderatorId: moderated ? (userIds[random.chance(0.8) ? MODERATOR : ADMIN] as string) : null,
        rejectionReason: status === 'REJECTED' ? rejectionReason(random) : null,
      }
    },
  }

  const subjectOf = (subject: number): [CommentSubjectType, string] => {
    if (subject < productCount) return ['PRODUCT', productIds[subject] as string]
    if (subject < productCount + merchantCount) return ['MERCHANT', merchantIds[subject - productCount] as string]
    return ['REVIEW', reviewIds[publishedReviews[subject - productCount - merchantCount] as number] as string]
  }

  const comments: SeedTable<SeedComment> = {
    name: 'comments',
    count: commentCount,
    row(i) {
      const random = rowRandom(seed, TABLE_KEYS.comments, i)
      const [subjectType, subjectId] = subjectOf(commentSubject[i] as number)
      const parent = commentParent[i] as number
      const createdAt = commentTime[i] as number
      // the first comments are the seed accounts' and stay readable
      const deleted = i >= 3 && random.chance(0.02)
      return {
        id: uuidFor(seed, TABLE_KEYS.comments, i),
        subjectType: subjectType,
        subjectId: subjectId,
        parentId: parent < 0 ? null : uuidFor(seed, TABLE_KEYS.comments, parent),
        authorId: userIds[commentAuthor[i] as number] as string,
        body: deleted ? '' : commentBody(random),
        deleted,
        replyCount: replyCount[i] as number,
        createdAt: new Date(createdAt),
        editedAt: !deleted && random.chance(0.06) ? new Date(createdAt + random.int(MINUTE, 2 * DAY)) : null,
      }
    },
  }

  return { options: resolved, users, merchants, products, reviews, comments }
}
