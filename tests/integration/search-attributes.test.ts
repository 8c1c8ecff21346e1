// Issue #13: runs a tester can find. Mutations through the real gateway, then Temporal's
// visibility (what the Web UI's search bar and `temporal workflow list --query` ask) finds their
// runs by the search attributes the façade sets at start: by subject, by initiator, by scenario
// and status. Visibility is eventually consistent: every list polls until a deadline.
import { randomUUID } from 'node:crypto'
import { Client, Connection } from '@temporalio/client'
import { gql, login } from '../support/client'
import { stackUrls } from '../support/stack'
import { INITIATOR, SCENARIO, SUBJECT_ID, SUBJECT_TYPE } from '../../workflows/src/search-attributes'
import {
  createFreshProduct,
  expectOneError,
  moderateReview,
  pollUntil,
  query,
  registerFreshUser,
  removeCreatedRows,
  waitForOperation,
  type FreshUser,
} from './helpers'

const POST_COMMENT = 'mutation ($input: PostCommentInput!) { postComment(input: $input) { comment { id } operation { id } } }'
const SUBMIT_REVIEW = 'mutation ($input: SubmitReviewInput!) { submitReview(input: $input) { review { id } operation { id } } }'

let connection: Connection
let client: Client
// runs started before the suite are not this suite's: StartTime bounds the broad queries
const startedAt = new Date(Date.now() - 1_000).toISOString()

beforeAll(async () => {
  connection = await Connection.connect({ address: stackUrls().temporal.address })
  client = new Client({ connection, namespace: 'default' })
})
afterAll(async () => {
  await connection?.close()
  await removeCreatedRows()
})

/** The ids of the runs `visibilityQuery` lists (an invalid query, e.g. an unregistered attribute, throws). */
async function listed(visibilityQuery: string): Promise<string[]> {
  const ids: string[] = []
  for await (const execution of client.workflow.list({ query: visibilityQuery })) ids.push(execution.workflowId)
  return ids.sort()
}

/** Polls the query until it lists `expected` exactly (visibility lags the runs a little). */
const listsExactly = (visibilityQuery: string, expected: readonly string[]) =>
  pollUntil(
    () => listed(visibilityQuery),
    (ids) => JSON.stringify(ids) === JSON.stringify([...expected].sort()),
    { timeoutMs: 30_000, intervalMs: 250, what: `${visibilityQuery} listing ${expected.join(', ')}` },
  )

/** Polls the query until it lists every one of `expected` (and maybe other runs). */
const listsAll = (visibilityQuery: string, expected: readonly string[]) =>
  pollUntil(
    () => listed(visibilityQuery),
    (ids) => expected.every((id) => ids.includes(id)),
    { timeoutMs: 30_000, intervalMs: 250, what: `${visibilityQuery} listing ${expected.join(', ')}` },
  )

describe('the runs of a product, of a user, of a scenario', () => {
  let author: FreshUser
  let productId: string
  let commentRun: string
  let reviewRun: string
  let reviewId: string
  let moderationRun: string

  beforeAll(async () => {
    author = await registerFreshUser('sa')
    productId = await createFreshProduct('Search attributes product')
    const posted = await query(POST_COMMENT, { input: { subject: { type: 'PRODUCT', id: productId }, body: 'Findable?' } }, author.token)
    commentRun = posted.postComment.operation.id
    const submitted = await query(
      SUBMIT_REVIEW,
      { input: { subject: { type: 'PRODUCT', id: productId }, rating: 4, body: 'Findable.' } },
      author.token,
    )
    reviewRun = submitted.submitReview.operation.id
    reviewId = submitted.submitReview.review.id
    const moderator = await login('moderator')
    expect((await moderateReview(reviewId, moderator)).data?.moderateReview.review.status).toBe('PUBLISHED')
    moderationRun = `moderate-review-${reviewId}`
    await waitForOperation(moderationRun, moderator)
  }, 120_000)

  it("a run carries its scenario, initiator and subject (describe shows what the Web UI's run page shows)", async () => {
    const { typedSearchAttributes } = await client.workflow.getHandle(commentRun).describe()
    expect(typedSearchAttributes.get(SCENARIO)).toBe('postComment')
    expect(typedSearchAttributes.get(INITIATOR)).toBe(author.id)
    expect(typedSearchAttributes.get(SUBJECT_TYPE)).toBe('Product')
    expect(typedSearchAttributes.get(SUBJECT_ID)).toBe(productId)
  })

  it("by subject: SubjectType = 'Product' AND SubjectId = P, and ProductId = P, list the comment's and the review's runs", async () => {
    await listsExactly(`SubjectType = 'Product' AND SubjectId = '${productId}'`, [commentRun, reviewRun])
    await listsExactly(`ProductId = '${productId}'`, [commentRun, reviewRun])
  })

  it("by initiator: Initiator = U lists the user's runs, narrowed by Scenario", async () => {
    await listsExactly(`Initiator = '${author.id}'`, [commentRun, reviewRun])
    await listsExactly(`Initiator = '${author.id}' AND Scenario = 'postComment'`, [commentRun])
    // the user's own registration was anonymous
    await listsAll(`Scenario = 'registerUser' AND Initiator = 'anonymous' AND StartTime > '${startedAt}'`, [
      `register-user-${author.username}`,
    ])
  })

  it('by scenario and status: ExecutionStatus and StartTime combine with the custom attributes', async () => {
    await listsAll(`Scenario = 'submitReview' AND ExecutionStatus = 'Completed' AND StartTime > '${startedAt}'`, [reviewRun])
    await listsExactly(`Scenario = 'postComment' AND ExecutionStatus = 'Failed' AND SubjectId = '${productId}'`, [])
  })

  it('a moderation run is found by its workflow id and type (the façade starts it outside startScenario)', async () => {
    await listsAll(`WorkflowType = 'moderateReview' AND ExecutionStatus = 'Completed' AND StartTime > '${startedAt}'`, [moderationRun])
    await listsExactly(`WorkflowId = '${moderationRun}'`, [moderationRun])
  })
})

describe('failed runs', () => {
  it("a refused comment's run is found by the subject it named: Scenario = 'postComment' AND ExecutionStatus = 'Failed'", async () => {
    const author = await registerFreshUser('safail')
    const missing = randomUUID()
    const res = await gql(POST_COMMENT, { input: { subject: { type: 'PRODUCT', id: missing }, body: 'Anyone?' } }, { token: author.token })
    expectOneError(res, 'NOT_FOUND')
    const [run] = await pollUntil(
      () => listed(`Scenario = 'postComment' AND ExecutionStatus = 'Failed' AND SubjectId = '${missing}'`),
      (ids) => ids.length === 1,
      { timeoutMs: 30_000, intervalMs: 250, what: `the failed postComment run about ${missing}` },
    )
    expect(run).toMatch(/^post-comment-/)
    await listsExactly(`Initiator = '${author.id}' AND ExecutionStatus = 'Failed'`, [run as string])
  })

  it("every failed moderation today: WorkflowType = 'moderateReview' AND ExecutionStatus = 'Failed' AND StartTime > …", async () => {
    const missing = randomUUID()
    expectOneError(await moderateReview(missing, await login('moderator')), 'NOT_FOUND')
    const today = `${new Date().toISOString().slice(0, 10)}T00:00:00Z`
    await listsAll(`WorkflowType = 'moderateReview' AND ExecutionStatus = 'Failed' AND StartTime > '${today}'`, [
      `moderate-review-${missing}`,
    ])
    // the Scenario and ReviewId spellings of the same question find it too
    await listsAll(`Scenario = 'moderateReview' AND ExecutionStatus = 'Failed' AND StartTime > '${today}'`, [`moderate-review-${missing}`])
    await listsAll(`ReviewId = '${missing}'`, [`moderate-review-${missing}`])
  })
})
