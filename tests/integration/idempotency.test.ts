// Exactly-once writes under retries: a client that retries a mutation with the same
// Idempotency-Key gets the first attempt's answer (the same operation) and one effect; the same
// key with other input is a CONFLICT; another caller's key is another request. Writes that can
// arrive late (an older edit, an older profile change) are conditional on a version.
import { randomUUID } from 'node:crypto'
import type { ContextDependencies } from '@marketplace/service-template'
import { createDatabase } from '@marketplace/service-template'
import type { Kysely } from 'kysely'
import { createActivities as commentActivities } from '../../subgraphs/comments/src/activities'
import type { CommentsDatabase } from '../../subgraphs/comments/src/database'
import { createActivities as userActivities } from '../../subgraphs/users/src/activities'
import type { UsersDatabase } from '../../subgraphs/users/src/database'
import { gql, login, type GraphQLResponse } from '../support/client'
import { stackUrls } from '../support/stack'
import {
  createFreshProduct,
  expectOneError,
  malloryStore,
  registerFreshUser,
  removeCreatedRows,
  submitProductReview,
  trackCreated,
  uniqueUsername,
  waitForOperation,
  withDatabase,
  type FreshUser,
} from './helpers'

const POST_COMMENT = 'mutation ($input: PostCommentInput!) { postComment(input: $input) { comment { id body } operation { id status } } }'
const EDIT_COMMENT = 'mutation ($input: EditCommentInput!) { editComment(input: $input) { comment { id body } operation { id status } } }'
const DELETE_COMMENT = 'mutation ($id: ID!) { deleteComment(id: $id) { comment { id deleted } operation { id status } } }'
const CREATE_PRODUCT = 'mutation ($input: CreateProductInput!) { createProduct(input: $input) { product { id } operation { id status } } }'
const REGISTER_MERCHANT =
  'mutation ($input: RegisterMerchantInput!) { registerMerchant(input: $input) { merchant { id } operation { id status } } }'
const REGISTER_USER = 'mutation ($input: RegisterUserInput!) { registerUser(input: $input) { user { id } operation { id status } } }'

type Data = Record<string, any>

const send = (text: string, variables: Record<string, unknown>, token: string | undefined, key?: string): Promise<GraphQLResponse<Data>> =>
  gql<Data>(text, variables, { token, headers: key === undefined ? {} : { 'idempotency-key': key } })

function answer(res: GraphQLResponse<Data>, field: string): Data {
  if (res.errors?.length || !res.data) throw new Error(`unexpected answer: ${JSON.stringify(res.errors ?? res)}`)
  return res.data[field] as Data
}

const commentsWithBody = (subjectId: string, body: string): Promise<number> =>
  withDatabase(
    'comments',
    async (db) => (await db.query('SELECT 1 FROM comments WHERE subject_id = $1 AND body = $2', [subjectId, body])).rowCount ?? 0,
  )

let productId: string
let alice: FreshUser
let bob: FreshUser
let commentsDb: Kysely<CommentsDatabase>
let usersDb: Kysely<UsersDatabase>

beforeAll(async () => {
  productId = await createFreshProduct('Idempotency test product')
  ;[alice, bob] = await Promise.all([registerFreshUser('idem_a'), registerFreshUser('idem_b')])
  commentsDb = createDatabase<CommentsDatabase>(stackUrls().postgres.comments, 2)
  usersDb = createDatabase<UsersDatabase>(stackUrls().postgres.users, 2)
}, 60_000)

afterAll(async () => {
  await removeCreatedRows()
  await commentsDb?.destroy()
  await usersDb?.destroy()
})

describe('Idempotency-Key: a retry gets the first answer and changes nothing twice', () => {
  const comment = (body: string) => ({ input: { subject: { type: 'PRODUCT', id: productId }, body } })

  it('postComment sent twice with the same key: one comment, the same operation both times', async () => {
    const key = `post-${randomUUID()}`
    const body = `Said once ${randomUUID()}`
    const first = answer(await send(POST_COMMENT, comment(body), alice.token, key), 'postComment')
    const second = answer(await send(POST_COMMENT, comment(body), alice.token, key), 'postComment')
    expect(second.operation.id).toBe(first.operation.id)
    expect(second.comment.id).toBe(first.comment.id)
    expect(await commentsWithBody(productId, body)).toBe(1)
  })

  it('postComment sent three times at once with the same key: one comment, one operation', async () => {
    const key = `post-${randomUUID()}`
    const body = `Said at once ${randomUUID()}`
    const answers = (await Promise.all([1, 2, 3].map(() => send(POST_COMMENT, comment(body), alice.token, key)))).map((res) =>
      answer(res, 'postComment'),
    )
    expect(new Set(answers.map((a) => a.operation.id)).size).toBe(1)
    expect(new Set(answers.map((a) => a.comment?.id)).size).toBe(1)
    expect(await commentsWithBody(productId, body)).toBe(1)
  })

  it('the same key with another body is a CONFLICT and writes nothing', async () => {
    const key = `post-${randomUUID()}`
    const body = `First ${randomUUID()}`
    answer(await send(POST_COMMENT, comment(body), alice.token, key), 'postComment')
    const other = `Second ${randomUUID()}`
    const res = await send(POST_COMMENT, comment(other), alice.token, key)
    expectOneError(res, 'CONFLICT')
    expect(res.errors?.[0]?.message).toMatch(/Idempotency-Key/)
    expect(await commentsWithBody(productId, other)).toBe(0)
    expect(await commentsWithBody(productId, body)).toBe(1)
  })

  it("another user's request with the same key is a request of its own", async () => {
    const key = `post-${randomUUID()}`
    const body = `Both say ${randomUUID()}`
    const mine = answer(await send(POST_COMMENT, comment(body), alice.token, key), 'postComment')
    const theirs = answer(await send(POST_COMMENT, comment(body), bob.token, key), 'postComment')
    expect(theirs.operation.id).not.toBe(mine.operation.id)
    expect(theirs.comment.id).not.toBe(mine.comment.id)
    expect(await commentsWithBody(productId, body)).toBe(2)
  })

  it('without a key, two requests are two comments (as before)', async () => {
    const body = `Said twice ${randomUUID()}`
    const first = answer(await send(POST_COMMENT, comment(body), alice.token), 'postComment')
    const second = answer(await send(POST_COMMENT, comment(body), alice.token), 'postComment')
    expect(second.operation.id).not.toBe(first.operation.id)
    expect(await commentsWithBody(productId, body)).toBe(2)
  })

  it('createProduct retried with the same key: one product', async () => {
    const key = `product-${randomUUID()}`
    const name = `Once product ${randomUUID().slice(0, 8)}`
    const input = { input: { merchantId: await malloryStore(), name, price: { amount: 1234, currency: 'EUR' } } }
    const token = await login('mallory')
    const answers = (await Promise.all([send(CREATE_PRODUCT, input, token, key), send(CREATE_PRODUCT, input, token, key)])).map((res) =>
      answer(res, 'createProduct'),
    )
    const again = answer(await send(CREATE_PRODUCT, input, token, key), 'createProduct')
    trackCreated('product', again.product?.id)
    expect(new Set([...answers, again].map((a) => a.operation.id)).size).toBe(1)
    expect(new Set([...answers, again].map((a) => a.product?.id)).size).toBe(1)
    const rows = await withDatabase('catalog', (db) => db.query('SELECT id FROM products WHERE name = $1', [name]))
    expect(rows.rowCount).toBe(1)
  })

  it('registerMerchant retried with the same key: one store', async () => {
    const owner = await registerFreshUser('idem_m')
    const key = `store-${randomUUID()}`
    const name = `Once store ${randomUUID().slice(0, 8)}`
    const first = answer(await send(REGISTER_MERCHANT, { input: { name } }, owner.token, key), 'registerMerchant')
    trackCreated('merchant', first.merchant?.id)
    const second = answer(await send(REGISTER_MERCHANT, { input: { name } }, owner.token, key), 'registerMerchant')
    expect(second.operation.id).toBe(first.operation.id)
    expect(second.merchant.id).toBe(first.merchant.id)
    const rows = await withDatabase('merchants', (db) => db.query('SELECT id FROM merchants WHERE name = $1', [name]))
    expect(rows.rowCount).toBe(1)
  })

  it('registerUser retried with the same key: the first answer, not a CONFLICT for the username it took', async () => {
    const key = `signup-${randomUUID()}`
    const username = uniqueUsername('idem_u')
    const input = { input: { username, password: `pw-${username}` } }
    const first = answer(await send(REGISTER_USER, input, undefined, key), 'registerUser')
    const second = answer(await send(REGISTER_USER, input, undefined, key), 'registerUser')
    expect(second.operation.id).toBe(first.operation.id)
    expect(second.user.id).toBe(first.user.id)
    // another password under the same key is another request
    expectOneError(await send(REGISTER_USER, { input: { username, password: `other-${username}` } }, undefined, key), 'CONFLICT')
  })

  it.each([
    ['empty', ''],
    ['too long', 'k'.repeat(201)],
    ['not printable ASCII', 'clé-été'],
  ])('a key that is %s is refused with a clear message', async (_, key) => {
    const res = await gql(POST_COMMENT, comment('never'), { token: alice.token, headers: { 'idempotency-key': key } })
    expect(res.status).toBe(400)
    expect(res.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT')
    expect(res.errors?.[0]?.message).toMatch(/Idempotency-Key/)
  })
})

describe('Idempotency-Key on moderateReview (one run per review: the key names the decision)', () => {
  const MODERATE =
    'mutation ($input: ModerateReviewInput!) { moderateReview(input: $input) { review { id status } operation { id status } } }'

  it('a moderator retrying the same decision with the same key gets the first answer, while the run goes on and after it ended; another key is a CONFLICT', async () => {
    const reviewId = await submitProductReview(alice, productId, 4)
    const moderator = await login('moderator')
    const key = `moderate-${randomUUID()}`
    const input = { reviewId, decision: 'APPROVE' }
    const first = answer(await send(MODERATE, { input }, moderator, key), 'moderateReview')
    expect(first.review).toEqual({ id: reviewId, status: 'PUBLISHED' })
    // the retry of a lost answer: the same update, not "already moderated"
    const again = answer(await send(MODERATE, { input }, moderator, key), 'moderateReview')
    expect(again.operation.id).toBe(first.operation.id)
    expect(again.review.status).toBe('PUBLISHED')
    await waitForOperation(first.operation.id, moderator)
    const afterEnd = answer(await send(MODERATE, { input }, moderator, key), 'moderateReview')
    expect(afterEnd.operation.id).toBe(first.operation.id)
    expect(afterEnd.review).toEqual({ id: reviewId, status: 'PUBLISHED' })
    // a decision the run never took is still refused, with or without a key
    expectOneError(
      await send(MODERATE, { input: { reviewId, decision: 'REJECT', reason: 'Changed my mind.' } }, moderator, key),
      'CONFLICT',
    )
    expectOneError(await send(MODERATE, { input }, moderator, `other-${randomUUID()}`), 'CONFLICT')
    expectOneError(await send(MODERATE, { input }, moderator), 'CONFLICT')
  })
})

describe('a client that retries after a timeout', () => {
  it('postComment answered RUNNING (the comments service is down) and retried with the same key: the same operation, one comment once the service is back', async () => {
    const comments = stackUrls().pids.comments as number
    const key = `post-${randomUUID()}`
    const body = `Said while nobody listened ${randomUUID()}`
    const input = { input: { subject: { type: 'PRODUCT', id: productId }, body } }
    let answers: Data[]
    process.kill(comments, 'SIGSTOP')
    try {
      // the first attempt waits MUTATION_WAIT_MS; its retry comes while the first is still waiting
      const first = send(POST_COMMENT, input, alice.token, key)
      await new Promise((resolve) => setTimeout(resolve, 1000))
      answers = (await Promise.all([first, send(POST_COMMENT, input, alice.token, key)])).map((res) => answer(res, 'postComment'))
    } finally {
      process.kill(comments, 'SIGCONT')
    }
    expect(answers.map((a) => a.operation.status)).toEqual(['RUNNING', 'RUNNING'])
    expect(answers[1]?.operation.id).toBe(answers[0]?.operation.id)
    const id = answers[0]?.operation.id as string
    expect((await waitForOperation(id, alice.token, 60_000)).status).toBe('COMPLETED')
    // a retry after the run ended: its answer, the same operation
    const late = answer(await send(POST_COMMENT, input, alice.token, key), 'postComment')
    expect(late.operation).toEqual({ id, status: 'COMPLETED' })
    expect(late.comment.body).toBe(body)
    expect(await commentsWithBody(productId, body)).toBe(1)
  }, 120_000)
})

describe('conditional writes: a late, older attempt changes nothing', () => {
  // the activities as their worker runs them: only the database matters to these two
  const comments = () => commentActivities({ db: commentsDb } as unknown as ContextDependencies<CommentsDatabase>)
  const users = () => userActivities({ db: usersDb } as unknown as ContextDependencies<UsersDatabase>)

  async function postedComment(body: string): Promise<string> {
    const posted = answer(
      await send(POST_COMMENT, { input: { subject: { type: 'PRODUCT', id: productId }, body } }, alice.token),
      'postComment',
    )
    return posted.comment.id as string
  }
  const storedComment = (id: string) =>
    withDatabase(
      'comments',
      async (db) => (await db.query<{ body: string; deleted: boolean }>('SELECT body, deleted FROM comments WHERE id = $1', [id])).rows[0],
    )

  it('an older editComment attempt arriving after a newer one leaves the newer text', async () => {
    const id = await postedComment('Original text')
    const now = Date.now()
    await expect(comments().editComment({ commentId: id, authorId: alice.id, body: 'Newer text', version: now })).resolves.toEqual({
      id,
      changed: true,
    })
    await expect(comments().editComment({ commentId: id, authorId: alice.id, body: 'Older text', version: now - 1000 })).resolves.toEqual({
      id,
      changed: false,
    })
    // the same attempt again (a retry) changes nothing either
    await expect(comments().editComment({ commentId: id, authorId: alice.id, body: 'Newer text', version: now })).resolves.toEqual({
      id,
      changed: false,
    })
    expect(await storedComment(id)).toEqual({ body: 'Newer text', deleted: false })
  })

  it('an edit after a delete is a CONFLICT and the comment stays deleted with body ""', async () => {
    const id = await postedComment('Soon gone')
    answer(await send(DELETE_COMMENT, { id }, alice.token), 'deleteComment')
    expectOneError(await send(EDIT_COMMENT, { input: { id, body: 'Back from the dead' } }, alice.token), 'CONFLICT')
    await expect(
      comments().editComment({ commentId: id, authorId: alice.id, body: 'Late edit', version: Date.now() }),
    ).rejects.toMatchObject({ code: 'CONFLICT' })
    expect(await storedComment(id)).toEqual({ body: '', deleted: true })
  })

  it('an older updateProfile attempt arriving after a newer one leaves the newer profile', async () => {
    const now = Date.now()
    await expect(users().updateProfile({ userId: bob.id, displayName: 'Newer name', version: now })).resolves.toEqual({
      id: bob.id,
      changed: true,
    })
    await expect(users().updateProfile({ userId: bob.id, displayName: 'Older name', version: now - 1000 })).resolves.toEqual({
      id: bob.id,
      changed: false,
    })
    const row = await withDatabase(
      'users',
      async (db) => (await db.query<{ display_name: string }>('SELECT display_name FROM users WHERE id = $1', [bob.id])).rows[0],
    )
    expect(row?.display_name).toBe('Newer name')
  })
})
