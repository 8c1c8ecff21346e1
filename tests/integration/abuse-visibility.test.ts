// Attacks on the discussion of a review that is not PUBLISHED, and on the text of internal errors:
// - a PENDING review's comments are read by anyone (Query.comments, Query.comment, replies), and a
//   moderator's (or the author's) answer ends up in the gateway's response cache for everyone;
// - a moderation is compensated (the review back to PENDING) while its comments stay public and
//   cached;
// - an internal failure (a statement timeout under a held row lock) shows its SQL / host text in
//   operation(id) and in the stored moderation reason.
import pg from 'pg'
import { randomUUID } from 'node:crypto'
import { gql, login } from '../support/client'
import { TEST_RATING_DEADLINE_SECONDS, stackUrls } from '../support/stack'
import { parseMetrics } from '../../packages/service-template/src/metrics'
import {
  COMMENTS_PAGE,
  OPERATION_FIELDS,
  createFreshProduct,
  dataOf,
  expectOneError,
  moderateReview,
  operationOf,
  pollUntil,
  query,
  registerFreshUser,
  removeCreatedRows,
  stepOf,
  submitProductReview,
  waitForOperation,
  withDatabase,
  type FreshUser,
  type OperationView,
} from './helpers'

const COMMENT = 'query ($id: ID!) { comment(id: $id) { id body } }'
const COMMENT_WITH_REPLIES = 'query ($id: ID!) { comment(id: $id) { id replies { totalCount edges { node { id body } } } } }'
const REVIEW_DISCUSSION = 'query ($id: ID!) { review(id: $id) { id comments { totalCount edges { node { id body } } } } }'
const POST_COMMENT = `mutation ($input: PostCommentInput!) { postComment(input: $input) { comment { id } ${OPERATION_FIELDS} } }`

// no SQL, host, port or driver text in anything a client reads
const LEAKS = [/select /i, /statement/i, /econnrefused/i, /127\.0\.0\.1/, /:\d{4,5}\b/, /postgres/i, /relation /i, /\bat \S+ \(/]
const INTERNAL = /^Internal error \(ref [0-9a-f]{8}\)$/

function expectNoInternalText(text: string | null | undefined): void {
  for (const leak of LEAKS) expect(text ?? '').not.toMatch(leak)
}

async function cacheCounters(): Promise<{ stores: number; hits: number }> {
  const metrics = parseMetrics(await (await fetch(stackUrls().gatewayMetrics)).text())
  return { stores: metrics.response_cache_stores_total ?? 0, hits: metrics.response_cache_hits_total ?? 0 }
}

/** The comments page of a review, as `token` (anonymous without) sees it, through the gateway and its cache. */
async function reviewPage(reviewId: string, token?: string): Promise<{ totalCount: number; ids: string[] }> {
  const d = await query<{ comments: { totalCount: number; edges: { node: { id: string } }[] } }>(
    COMMENTS_PAGE,
    { subject: { type: 'REVIEW', id: reviewId } },
    token,
  )
  return { totalCount: d.comments.totalCount, ids: d.comments.edges.map((e) => e.node.id) }
}

/** A comment written straight into the comments database (as data that predates the scenario rules would be). */
async function insertComment(reviewId: string, authorId: string, body: string, parentId: string | null = null): Promise<string> {
  const id = randomUUID()
  await withDatabase('comments', async (db) => {
    await db.query(
      `INSERT INTO comments (id, subject_type, subject_id, parent_id, author_id, body) VALUES ($1, 'REVIEW', $2, $3, $4, $5)`,
      [id, reviewId, parentId, authorId, body],
    )
    if (parentId) await db.query('UPDATE comments SET reply_count = reply_count + 1 WHERE id = $1', [parentId])
    else {
      await db.query(
        `INSERT INTO subject_comment_counts (subject_type, subject_id, top_level) VALUES ('REVIEW', $1, 1)
         ON CONFLICT (subject_type, subject_id) DO UPDATE SET top_level = subject_comment_counts.top_level + 1`,
        [reviewId],
      )
    }
  })
  return id
}

const createdReviews: string[] = []
afterAll(async () => {
  await withDatabase('comments', (db) => db.query('DELETE FROM review_visibility WHERE review_id = ANY($1::uuid[])', [createdReviews]))
  await removeCreatedRows()
})

describe("a PENDING review's discussion", () => {
  let author: FreshUser
  let stranger: FreshUser
  let moderator: string
  let reviewId: string
  let topId: string
  let replyId: string
  let submission: OperationView

  beforeAll(async () => {
    const productId = await createFreshProduct('Pending discussion product')
    ;[author, stranger] = await Promise.all([registerFreshUser('pendauth'), registerFreshUser('pendother')])
    moderator = await login('moderator')
    const submitted = dataOf(
      await gql(
        `mutation ($input: SubmitReviewInput!) { submitReview(input: $input) { review { id status } ${OPERATION_FIELDS} } }`,
        {
          input: { subject: { type: 'PRODUCT', id: productId }, rating: 3, body: 'Hidden for now.' },
        },
        { token: author.token },
      ),
    )
    expect(submitted.submitReview.review.status).toBe('PENDING')
    reviewId = submitted.submitReview.review.id
    submission = submitted.submitReview.operation
    createdReviews.push(reviewId)
    topId = await insertComment(reviewId, author.id, 'Secret top-level comment.')
    replyId = await insertComment(reviewId, author.id, 'Secret reply.', topId)
  })

  it('the submission recorded the review as hidden for the comments service (a step of its run)', async () => {
    expect(submission.status).toBe('COMPLETED')
    expect(stepOf(submission, 'hideReviewComments')).toMatchObject({ status: 'COMPLETED', error: null })
  })

  it('is read by the moderator first, and the anonymous reader after still sees nothing: the moderator answer was not cached', async () => {
    const before = await cacheCounters()
    expect(await reviewPage(reviewId, moderator)).toEqual({ totalCount: 1, ids: [topId] })
    const afterModerator = await cacheCounters()
    expect(afterModerator.stores).toBe(before.stores)
    expect(afterModerator.hits).toBe(before.hits)

    expect(await reviewPage(reviewId)).toEqual({ totalCount: 0, ids: [] })
    expect(await reviewPage(reviewId)).toEqual({ totalCount: 0, ids: [] })
  })

  it('is hidden from anonymous callers and other customers, like an unknown subject: the list, the comment, its replies', async () => {
    for (const token of [undefined, stranger.token]) {
      expect(await reviewPage(reviewId, token)).toEqual({ totalCount: 0, ids: [] })
      expect((await query(COMMENT, { id: topId }, token)).comment).toBeNull()
      expect((await query(COMMENT, { id: replyId }, token)).comment).toBeNull()
      expect((await query(COMMENT_WITH_REPLIES, { id: topId }, token)).comment).toBeNull()
    }
  })

  it("is readable by the review's author and by moderators — never from what an anonymous reader cached", async () => {
    expect(await reviewPage(reviewId)).toEqual({ totalCount: 0, ids: [] }) // cached for anonymous readers
    const before = await cacheCounters()
    for (const token of [author.token, moderator]) {
      expect(await reviewPage(reviewId, token)).toEqual({ totalCount: 1, ids: [topId] })
      expect((await query(COMMENT, { id: topId }, token)).comment).toEqual({ id: topId, body: 'Secret top-level comment.' })
      expect((await query(COMMENT_WITH_REPLIES, { id: topId }, token)).comment.replies).toEqual({
        totalCount: 1,
        edges: [{ node: { id: replyId, body: 'Secret reply.' } }],
      })
      expect((await query(REVIEW_DISCUSSION, { id: reviewId }, token)).review.comments.edges).toEqual([
        { node: { id: topId, body: 'Secret top-level comment.' } },
      ])
    }
    const after = await cacheCounters()
    expect(after.hits).toBe(before.hits)
    expect(after.stores).toBe(before.stores)
  })

  it("is left out of its author's list of comments (User.comments) for everyone but the author and moderators", async () => {
    const listed = async (token?: string) => {
      const d = await query(
        'query ($u: String!) { userByUsername(username: $u) { comments(first: 50) { totalCount edges { node { id } } } } }',
        { u: author.username },
        token,
      )
      return {
        totalCount: d.userByUsername.comments.totalCount,
        ids: d.userByUsername.comments.edges.map((e: { node: { id: string } }) => e.node.id).sort(),
      }
    }
    const both = [topId, replyId].sort()
    for (const token of [undefined, stranger.token]) expect(await listed(token)).toEqual({ totalCount: 0, ids: [] })
    for (const token of [author.token, moderator]) expect(await listed(token)).toEqual({ totalCount: 2, ids: both })
  })

  it('refuses a comment from anyone else: NOT_FOUND, nothing written', async () => {
    const res = await gql(
      POST_COMMENT,
      { input: { subject: { type: 'REVIEW', id: reviewId }, body: 'Let me in.' } },
      { token: stranger.token },
    )
    expectOneError(res, 'NOT_FOUND')
    const { rows } = await withDatabase('comments', (db) =>
      db.query('SELECT count(*)::int AS n FROM comments WHERE subject_id = $1', [reviewId]),
    )
    expect(rows[0].n).toBe(2)
  })
})

describe('a compensated moderation', () => {
  it(
    "hides the review's comments again, from the response cache too; the run's errors and the stored reason are generic, with a reference",
    async () => {
      const productId = await createFreshProduct('Compensated discussion product')
      const [author, commenter] = await Promise.all([registerFreshUser('compauth'), registerFreshUser('compcomm')])
      const moderator = await login('moderator')
      const reviewId = await submitProductReview(author, productId, 2)
      createdReviews.push(reviewId)
      const operationId = `moderate-review-${reviewId}`

      // the product's row held: the rating write hits the catalog's statement timeout until the deadline
      const lock = new pg.Client({ connectionString: stackUrls().postgres.catalog })
      await lock.connect()
      let compensated: OperationView
      let commentId: string
      try {
        await lock.query('BEGIN')
        await lock.query('SELECT id FROM products WHERE id = $1 FOR UPDATE', [productId])
        const answer = await moderateReview(reviewId, moderator)
        expect(answer.data?.moderateReview.review.status).toBe('PUBLISHED')

        // published meanwhile: its discussion is public, and cached for anonymous readers
        await pollUntil(
          () => operationOf(operationId, moderator),
          (op) => op?.steps.some((s) => s.name === 'showReviewComments' && s.status === 'COMPLETED') ?? false,
          {
            what: 'showReviewComments completed',
          },
        )
        const posted = dataOf(
          await gql(
            POST_COMMENT,
            { input: { subject: { type: 'REVIEW', id: reviewId }, body: 'Public for now.' } },
            { token: commenter.token },
          ),
        )
        commentId = posted.postComment.comment.id
        expect(await reviewPage(reviewId)).toEqual({ totalCount: 1, ids: [commentId] })
        expect((await query(COMMENT, { id: commentId })).comment).toEqual({ id: commentId, body: 'Public for now.' })
        const beforeHit = await cacheCounters()
        expect(await reviewPage(reviewId)).toEqual({ totalCount: 1, ids: [commentId] })
        expect((await cacheCounters()).hits).toBe(beforeHit.hits + 1) // served from the cache

        // (c) while the rating step retries, its error is generic, with a reference
        const retrying = (await pollUntil(
          () => operationOf(operationId, moderator),
          (op) => (op?.steps.find((s) => s.name === 'updateProductRating')?.error ?? null) !== null,
          { timeoutMs: 30_000, intervalMs: 500, what: 'a failed attempt of the rating step' },
        )) as OperationView
        expect(stepOf(retrying, 'updateProductRating').error).toMatch(INTERNAL)
        for (const step of retrying.steps) expectNoInternalText(step.error)

        compensated = await waitForOperation(operationId, moderator, (TEST_RATING_DEADLINE_SECONDS + 40) * 1000)
      } finally {
        await lock.query('ROLLBACK').catch(() => undefined)
        await lock.end()
      }

      expect(compensated.status).toBe('COMPENSATED')
      expect(stepOf(compensated, 'hideReviewComments')).toMatchObject({ status: 'COMPLETED', error: null })
      const names = compensated.steps.map((s) => s.name)
      expect(names.indexOf('hideReviewComments')).toBeGreaterThan(names.indexOf('unpublishReview'))
      expect(compensated.error).toMatch(/^The rating could not be updated: /)
      expectNoInternalText(compensated.error)
      for (const step of compensated.steps) expectNoInternalText(step.error)

      // the discussion is gone for anonymous readers, cached pages included
      expect(await reviewPage(reviewId)).toEqual({ totalCount: 0, ids: [] })
      expect((await query(COMMENT, { id: commentId })).comment).toBeNull()
      // still there for the review's author and moderators
      expect(await reviewPage(reviewId, author.token)).toEqual({ totalCount: 1, ids: [commentId] })
      expect(await reviewPage(reviewId, moderator)).toEqual({ totalCount: 1, ids: [commentId] })

      // the stored reason is the same generic text
      const { rows } = await withDatabase('reviews', (db) =>
        db.query('SELECT reason FROM moderation_events WHERE review_id = $1', [reviewId]),
      )
      expect(rows).toHaveLength(1)
      expect(rows[0].reason).toBe(compensated.error)
    },
    (TEST_RATING_DEADLINE_SECONDS + 90) * 1000,
  )
})
