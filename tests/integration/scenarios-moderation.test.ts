// Scenario: moderators approve reviews twice, at the same moment, or twenty at once. One run per
// review (workflow `moderate-review-<id>`): a second decision is a CONFLICT, and the subject's
// rating counts every published review exactly once, whatever the interleaving.
import { gql, login } from '../support/client'
import {
  createFreshProduct,
  expectCompletedOperation,
  expectOneError,
  operationOf,
  query,
  registerFreshUser,
  removeCreatedRows,
  uniqueUsername,
  waitForOperation,
  mean,
  moderateReview,
  ratingOf,
  submitProductReview,
} from './helpers'

const REVIEW = 'query ($id: ID!) { review(id: $id) { id status moderator { id } rejectionReason } }'

afterAll(removeCreatedRows)

describe('idempotency: one decision per review', () => {
  let moderator: string
  beforeAll(async () => {
    moderator = await login('moderator')
  })

  it('the same approval twice, after the first run completed: the second is CONFLICT and the rating counts the review once', async () => {
    const productId = await createFreshProduct('Idempotency product')
    const author = await registerFreshUser('idem')
    const reviewId = await submitProductReview(author, productId, 4)
    const first = await moderateReview(reviewId, moderator)
    expect(first.errors).toBeUndefined()
    expect(first.data?.moderateReview.review).toEqual({ id: reviewId, status: 'PUBLISHED' })
    const firstRun = await waitForOperation(`moderate-review-${reviewId}`, moderator)
    expectCompletedOperation(firstRun, 'moderateReview', ['publishReview', 'subjectStats', 'updateProductRating'])
    expect((await ratingOf(productId)).stored).toEqual({ count: 1, average: 4 })

    const second = await moderateReview(reviewId, moderator)
    expectOneError(second, 'CONFLICT')
    expect(second.data?.moderateReview ?? null).toBeNull()
    const byAdmin = await moderateReview(reviewId, await login('admin'))
    expectOneError(byAdmin, 'CONFLICT')

    const rating = await ratingOf(productId)
    expect(rating.stored).toEqual({ count: 1, average: 4 })
    expect(rating.stored).toEqual(rating.published)
    expect(rating.reviewIds).toEqual([reviewId])
    expect((await query(REVIEW, { id: reviewId }, moderator)).review).toMatchObject({ status: 'PUBLISHED' })
  })

  it('REJECT after APPROVE is CONFLICT: the review stays PUBLISHED, without a rejection reason', async () => {
    const productId = await createFreshProduct('Approve then reject product')
    const author = await registerFreshUser('flip')
    const reviewId = await submitProductReview(author, productId, 2)
    expect((await moderateReview(reviewId, moderator)).data?.moderateReview.review.status).toBe('PUBLISHED')
    await waitForOperation(`moderate-review-${reviewId}`, moderator)
    expectOneError(await moderateReview(reviewId, moderator, 'REJECT', 'Second thoughts.'), 'CONFLICT')
    expect((await query(REVIEW, { id: reviewId }, moderator)).review).toMatchObject({ status: 'PUBLISHED', rejectionReason: null })
    expect((await ratingOf(productId)).stored).toEqual({ count: 1, average: 2 })
  })

  it('two approvals of the same review at the same moment: exactly one PUBLISHED answer, one CONFLICT; counted once', async () => {
    const productId = await createFreshProduct('Double click product')
    const author = await registerFreshUser('dbl')
    const reviewId = await submitProductReview(author, productId, 5)
    const answers = await Promise.all([moderateReview(reviewId, moderator), moderateReview(reviewId, await login('admin'))])
    const published = answers.filter((a) => a.data?.moderateReview?.review.status === 'PUBLISHED')
    const conflicts = answers.filter((a) => a.errors?.[0]?.extensions?.code === 'CONFLICT')
    expect({ published: published.length, conflicts: conflicts.length }).toEqual({ published: 1, conflicts: 1 })
    for (const res of conflicts) expectOneError(res, 'CONFLICT')
    await waitForOperation(`moderate-review-${reviewId}`, moderator)
    const rating = await ratingOf(productId)
    expect(rating.stored).toEqual({ count: 1, average: 5 })
    expect(rating.stored).toEqual(rating.published)
  })

  // A refused repeat must not start a new run under the finished run's id (an earlier version did,
  // and operation(id) then showed that failed run instead of the decision taken). Same for
  // submit-review-… and register-user-… ids, below.
  it("the approval's operation still reads COMPLETED after a refused second decision", async () => {
    const productId = await createFreshProduct('Operation after conflict product')
    const author = await registerFreshUser('opconf')
    const reviewId = await submitProductReview(author, productId, 3)
    await moderateReview(reviewId, moderator)
    const id = `moderate-review-${reviewId}`
    const done = await waitForOperation(id, moderator)
    expectCompletedOperation(done, 'moderateReview', ['publishReview', 'subjectStats', 'updateProductRating'])
    expectOneError(await moderateReview(reviewId, moderator), 'CONFLICT')
    const after = await waitForOperation(id, moderator)
    expect(after).toMatchObject({ status: 'COMPLETED', startedAt: done.startedAt, steps: done.steps })
  })

  it("a refused second registration of a username leaves the first registration's operation to its user", async () => {
    const user = await registerFreshUser('reuse')
    const id = `register-user-${user.username}`
    const done = await waitForOperation(id, user.token)
    expectCompletedOperation(done, 'registerUser', ['createUser'])
    const again = await gql('mutation ($input: RegisterUserInput!) { registerUser(input: $input) { user { id } } }', {
      input: { username: user.username, password: 'somebody-else' },
    })
    expectOneError(again, 'CONFLICT')
    // the refused run is over when the CONFLICT comes back; the user can still read how they
    // registered, and it is still the run that created them
    expect(await operationOf(id, user.token)).toMatchObject({ status: 'COMPLETED', startedAt: done.startedAt })
  })
})

describe('a double submit never runs a scenario twice (deterministic workflow ids)', () => {
  it('the same review submitted twice at the same moment: one review, the other answer CONFLICT', async () => {
    const productId = await createFreshProduct('Double submit product')
    const author = await registerFreshUser('dblsub')
    const submit = () =>
      gql(
        'mutation ($input: SubmitReviewInput!) { submitReview(input: $input) { review { id status } } }',
        { input: { subject: { type: 'PRODUCT', id: productId }, rating: 3, body: 'Clicked twice.' } },
        { token: author.token },
      )
    const answers = await Promise.all([submit(), submit()])
    const created = answers.filter((a) => a.data?.submitReview?.review?.status === 'PENDING')
    const conflicts = answers.filter((a) => a.errors?.[0]?.extensions?.code === 'CONFLICT')
    expect({ created: created.length, conflicts: conflicts.length }).toEqual({ created: 1, conflicts: 1 })
    for (const res of conflicts) expectOneError(res, 'CONFLICT')
    const mine = await query('{ me { reviews(first: 10) { totalCount edges { node { id } } } } }', {}, author.token)
    expect(mine.me.reviews.totalCount).toBe(1)
  })

  it('the same username registered twice at the same moment: one user, the other answer CONFLICT', async () => {
    const username = uniqueUsername('dblreg')
    const register = (password: string) =>
      gql('mutation ($input: RegisterUserInput!) { registerUser(input: $input) { user { id username } } }', {
        input: { username, password },
      })
    const answers = await Promise.all([register('first-password'), register('second-password')])
    const created = answers.filter((a) => a.data?.registerUser?.user?.username === username)
    const conflicts = answers.filter((a) => a.errors?.[0]?.extensions?.code === 'CONFLICT')
    expect({ created: created.length, conflicts: conflicts.length }).toEqual({ created: 1, conflicts: 1 })
    const user = (await query('query ($u: String!) { userByUsername(username: $u) { id } }', { u: username })).userByUsername
    expect(user).toEqual({ id: created[0]?.data?.registerUser.user.id })
  })
})

describe('concurrency: 20 approvals of 20 reviews of one product at once', () => {
  it('every answer is PUBLISHED; once the runs complete, the rating counts 20 reviews with their exact mean', async () => {
    const productId = await createFreshProduct('Concurrency product')
    const authors = await Promise.all(Array.from({ length: 20 }, (_, i) => registerFreshUser(`conc${i}`)))
    // ratings 1..5 four times over, in an order that makes the mean not a round number
    const ratings = authors.map((_, i) => ((i * 7) % 5) + 1).map((r, i) => (i === 0 ? 5 : r))
    const reviewIds = await Promise.all(authors.map((author, i) => submitProductReview(author, productId, ratings[i] as number)))
    expect(new Set(reviewIds).size).toBe(20)

    const moderator = await login('moderator')
    const admin = await login('admin')
    const answers = await Promise.all(reviewIds.map((id, i) => moderateReview(id, i % 2 === 0 ? moderator : admin)))
    for (const [i, res] of answers.entries()) {
      expect(res.errors).toBeUndefined()
      expect(res.data?.moderateReview.review).toEqual({ id: reviewIds[i], status: 'PUBLISHED' })
    }
    const runs = await Promise.all(reviewIds.map((id) => waitForOperation(`moderate-review-${id}`, moderator, 60_000)))
    for (const run of runs) expectCompletedOperation(run, 'moderateReview', ['publishReview', 'subjectStats', 'updateProductRating'])

    const rating = await ratingOf(productId)
    expect(rating.stored).toEqual({ count: 20, average: mean(ratings) }) // exact: sum / count, not rounded
    expect(rating.stored).toEqual(rating.published)
    expect([...rating.reviewIds].sort()).toEqual([...reviewIds].sort())
  }, 120_000)
})
