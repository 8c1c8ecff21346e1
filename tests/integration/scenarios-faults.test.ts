// Scenario: the moderation run meets a service that is down, then one that keeps failing. The
// moderator's answer never waits for the rating: a paused catalog only delays the rating step;
// a rating step that fails until the deadline (RATING_UPDATE_DEADLINE, 20 s in tests) undoes the
// publication, records why, and the run ends COMPENSATED.
import pg from 'pg'
import { gql, login } from '../support/client'
import { TEST_RATING_DEADLINE_SECONDS, stackUrls } from '../support/stack'
import {
  OPERATION_FIELDS,
  createFreshProduct,
  expectCompletedOperation,
  expectNoLeak,
  expectOneError,
  expectStepsInOrder,
  operationOf,
  pollUntil,
  query,
  registerFreshUser,
  removeCreatedRows,
  seedUser,
  stepOf,
  waitForOperation,
  walk,
  withDatabase,
  type Connection,
  type OperationView,
  moderateReview,
  ratingOf,
  submitProductReview,
} from './helpers'

const REVIEW = 'query ($id: ID!) { review(id: $id) { id status moderatedAt moderator { id } } }'

/** Approves and waits for the whole run (rating included). */
async function approve(reviewId: string, token: string): Promise<void> {
  expect((await moderateReview(reviewId, token)).data?.moderateReview.review.status).toBe('PUBLISHED')
  expectCompletedOperation(await waitForOperation(`moderate-review-${reviewId}`, token), 'moderateReview', [
    'publishReview',
    'subjectStats',
    'updateProductRating',
  ])
}

/** No step error and no run error shows SQL, a connection string or a stack frame. */
function expectNoLeakIn(operation: OperationView): void {
  const messages = [operation.error, ...operation.steps.map((s) => s.error)].filter((m): m is string => m !== null)
  expectNoLeak({ status: 200, errors: messages.map((message) => ({ message })) })
}

const resumeCatalog = (): void => {
  try {
    process.kill(stackUrls().pids.catalog as number, 'SIGCONT')
  } catch {
    // already gone: nothing to resume
  }
}

// whatever happens in a test, the catalog runs again afterwards
afterEach(resumeCatalog)
afterAll(removeCreatedRows)

describe('the moderation scenario, end to end', () => {
  it('with the catalog service DOWN during the run (SIGSTOP): the moderator has PUBLISHED at once, the run waits RUNNING on updateProductRating, then completes with the exact rating once the catalog is back', async () => {
    const productId = await createFreshProduct('Paused catalog product')
    const [early, late] = await Promise.all([registerFreshUser('pause1'), registerFreshUser('pause2')])
    const moderator = await login('moderator')
    await approve(await submitProductReview(early, productId, 1), moderator)
    expect((await ratingOf(productId)).stored).toEqual({ count: 1, average: 1 })
    const reviewId = await submitProductReview(late, productId, 4)
    const operationId = `moderate-review-${reviewId}`

    const catalog = stackUrls().pids.catalog as number
    process.kill(catalog, 'SIGSTOP')
    try {
      const asked = Date.now()
      const answer = await moderateReview(reviewId, moderator)
      // the answer does not wait for the catalog
      expect(answer.errors).toBeUndefined()
      expect(answer.data?.moderateReview.review).toEqual({ id: reviewId, status: 'PUBLISHED' })
      expect(Date.now() - asked).toBeLessThan(5_000)
      expect(answer.data?.moderateReview.operation).toMatchObject({ id: operationId, status: 'RUNNING', closedAt: null })
      expect(stepOf(answer.data?.moderateReview.operation as OperationView, 'publishReview').status).toBe('COMPLETED')
      // everyone already sees the review published (the reviews service answers alone)
      expect((await query(REVIEW, { id: reviewId })).review).toMatchObject({ id: reviewId, status: 'PUBLISHED' })

      // the run is waiting for the catalog: the rating step is started, not COMPLETED
      const waiting = (await pollUntil(
        () => operationOf(operationId, moderator),
        (op) => op?.steps.find((s) => s.name === 'updateProductRating')?.status === 'RUNNING',
        { timeoutMs: 10_000, what: 'the rating step running' },
      )) as OperationView
      expect(waiting).toMatchObject({ id: operationId, scenario: 'moderateReview', status: 'RUNNING', closedAt: null })
      expectStepsInOrder(waiting, ['publishReview', 'subjectStats', 'updateProductRating'])
      expect(stepOf(waiting, 'publishReview')).toMatchObject({ status: 'COMPLETED', error: null })
      expect(stepOf(waiting, 'publishReview').attempts).toBeGreaterThanOrEqual(1)
      expect(stepOf(waiting, 'subjectStats').status).toBe('COMPLETED')
      expect(stepOf(waiting, 'updateProductRating').status).not.toBe('COMPLETED')

      // a second decision meanwhile meets the running run: CONFLICT, and the run goes on
      expectOneError(await moderateReview(reviewId, await login('admin')), 'CONFLICT')
      expect((await operationOf(operationId, moderator))?.status).toBe('RUNNING')
    } finally {
      process.kill(catalog, 'SIGCONT')
    }

    const done = await waitForOperation(operationId, moderator, 60_000)
    expectCompletedOperation(done, 'moderateReview', ['publishReview', 'subjectStats', 'updateProductRating'])
    const rating = await ratingOf(productId)
    expect(rating.stored).toEqual({ count: 2, average: 2.5 })
    expect(rating.stored).toEqual(rating.published)
    expect(rating.reviewIds.sort()).toHaveLength(2)
  }, 90_000)
})

describe('compensation: the rating cannot be written before the deadline', () => {
  it('a row lock on the product makes setProductRating fail until the deadline: the publication is undone (review PENDING again), the event recorded, the run COMPENSATED, the rating unchanged', async () => {
    const productId = await createFreshProduct('Locked product')
    const [early, late] = await Promise.all([registerFreshUser('comp1'), registerFreshUser('comp2')])
    const moderator = await login('moderator')
    const moderatorId = (await seedUser('moderator')).id
    await approve(await submitProductReview(early, productId, 5), moderator)
    const before = await ratingOf(productId)
    expect(before.stored).toEqual({ count: 1, average: 5 })
    const reviewId = await submitProductReview(late, productId, 1)
    const operationId = `moderate-review-${reviewId}`

    // hold the product's row: every UPDATE of it waits, then hits the services' statement_timeout
    const lock = new pg.Client({ connectionString: stackUrls().postgres.catalog })
    await lock.connect()
    let compensated: OperationView
    try {
      await lock.query('BEGIN')
      await lock.query('SELECT id FROM products WHERE id = $1 FOR UPDATE', [productId])

      const answer = await moderateReview(reviewId, moderator)
      expect(answer.errors).toBeUndefined()
      expect(answer.data?.moderateReview.review).toEqual({ id: reviewId, status: 'PUBLISHED' })

      // while it retries, the operation shows the attempts and the last error
      const retrying = (await pollUntil(
        () => operationOf(operationId, moderator),
        (op) => (op?.steps.find((s) => s.name === 'updateProductRating')?.attempts ?? 0) >= 2,
        { timeoutMs: 30_000, intervalMs: 500, what: 'a second attempt of the rating step' },
      )) as OperationView
      expect(retrying.status).toBe('RUNNING')
      expect(stepOf(retrying, 'updateProductRating')).toMatchObject({ status: 'RUNNING', error: expect.any(String) })
      expectNoLeakIn(retrying)

      compensated = await waitForOperation(operationId, moderator, (TEST_RATING_DEADLINE_SECONDS + 40) * 1000)
    } finally {
      await lock.query('ROLLBACK').catch(() => undefined)
      await lock.end()
    }

    expect(compensated).toMatchObject({ id: operationId, scenario: 'moderateReview', status: 'COMPENSATED' })
    expect(compensated.error).toMatch(/rating could not be updated/i)
    expect(Date.parse(compensated.closedAt as string)).toBeGreaterThan(Date.parse(compensated.startedAt))
    const expected = {
      publishReview: 'COMPENSATED',
      subjectStats: 'COMPLETED',
      updateProductRating: 'FAILED',
      unpublishReview: 'COMPLETED',
      recordModerationEvent: 'COMPLETED',
    }
    expectStepsInOrder(compensated, Object.keys(expected))
    expect(Object.fromEntries(Object.keys(expected).map((name) => [name, stepOf(compensated, name).status]))).toEqual(expected)
    const ratingStep = stepOf(compensated, 'updateProductRating')
    expect(ratingStep.error).toEqual(expect.any(String))
    expect(ratingStep.error?.length).toBeGreaterThan(0)
    expect(ratingStep.attempts).toBeGreaterThanOrEqual(2)
    for (const step of ['unpublishReview', 'recordModerationEvent']) expect(stepOf(compensated, step).attempts).toBeGreaterThanOrEqual(1)
    expectNoLeakIn(compensated)

    // the review is PENDING again: back in the queue, hidden from the public, off the product
    expect((await query(REVIEW, { id: reviewId }, moderator)).review).toEqual({
      id: reviewId,
      status: 'PENDING',
      moderatedAt: null,
      moderator: null,
    })
    expect((await query(REVIEW, { id: reviewId })).review).toBeNull()
    const queue = await walk<{ id: string }>(
      async (after) =>
        (
          await query(
            'query ($after: String) { moderationQueue(first: 100, after: $after) { totalCount edges { cursor node { id } } pageInfo { hasNextPage endCursor } } }',
            { after },
            moderator,
          )
        ).moderationQueue as Connection<{ id: string }>,
    )
    expect(queue.nodes.map((n) => n.id)).toContain(reviewId)

    // why, for the moderators: one event in the reviews database
    const events = await withDatabase(
      'reviews',
      async (db) => (await db.query('SELECT kind, reason, moderator_id FROM moderation_events WHERE review_id = $1', [reviewId])).rows,
    )
    expect(events).toEqual([
      { kind: 'PUBLICATION_UNDONE', reason: expect.stringMatching(/rating could not be updated/i), moderator_id: moderatorId },
    ])

    // the rating never counted the undone approval
    const after = await ratingOf(productId)
    expect(after.stored).toEqual(before.stored)
    expect(after.stored).toEqual(after.published)
    expect(after.reviewIds).not.toContain(reviewId)

    // with the catalog free again, a new approval goes through for good
    await approve(reviewId, moderator)
    expect((await ratingOf(productId)).stored).toEqual({ count: 2, average: 3 })
  }, 120_000)
})

describe('compensation of registerMerchant (a saga of two services)', () => {
  it('when the role cannot be granted (the account vanished meanwhile), the new store is deleted again and the run ends COMPENSATED', async () => {
    const ghost = await registerFreshUser('ghost')
    // the token stays valid (JWTs are stateless) while the account is gone from the users service
    await withDatabase('users', (db) => db.query('DELETE FROM users WHERE id = $1', [ghost.id]))
    const res = await gql(
      `mutation ($input: RegisterMerchantInput!) { registerMerchant(input: $input) { merchant { id } ${OPERATION_FIELDS} } }`,
      { input: { name: 'Never Opened' } },
      { token: ghost.token },
    )
    expect(res.errors).toBeUndefined()
    const payload = res.data?.registerMerchant
    expect(payload.merchant).toBeNull()
    const operation: OperationView = payload.operation
    expect(operation).toMatchObject({ scenario: 'registerMerchant', status: 'COMPENSATED' })
    expect(operation.error).toMatch(/not opened/i)
    expect(operation.closedAt).toEqual(expect.any(String))
    const expected = { createMerchant: 'COMPENSATED', grantMerchantRole: 'FAILED', deleteMerchant: 'COMPLETED' }
    expectStepsInOrder(operation, Object.keys(expected))
    expect(Object.fromEntries(Object.keys(expected).map((name) => [name, stepOf(operation, name).status]))).toEqual(expected)
    expect(stepOf(operation, 'grantMerchantRole').error).toEqual(expect.any(String))
    expectNoLeakIn(operation)
    // nothing was kept
    const stores = await withDatabase(
      'merchants',
      async (db) => (await db.query('SELECT id FROM merchants WHERE owner_id = $1', [ghost.id])).rows,
    )
    expect(stores).toEqual([])
  })
})
