// Scenario: every mutation's success path, through the gateway as a client calls it. Each change
// runs as a durable run (a Temporal workflow): the payload carries the changed entity and its
// operation, COMPLETED with every step COMPLETED, and the next read shows the change.
import { gql, login } from '../support/client'
import {
  COMMENTS_PAGE,
  OPERATION_FIELDS,
  UNKNOWN_ID,
  createFreshProduct,
  expectCompletedOperation,
  loginAs,
  malloryStore,
  operationOf,
  query,
  registerFreshUser,
  removeCreatedRows,
  seedUser,
  trackCreated,
  uniqueUsername,
  waitForOperation,
  walk,
  type Connection,
  type FreshUser,
  type OperationView,
} from './helpers'

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/

const USER_FIELDS = 'id username displayName avatarUrl role createdAt'
const REVIEW_FIELDS =
  'id status rating body createdAt moderatedAt rejectionReason author { id } moderator { id } subject { __typename ... on Product { id } ... on Merchant { id } }'
const COMMENT_FIELDS =
  'id body deleted createdAt editedAt replyCount author { id username avatarUrl } parent { id } subject { __typename ... on Product { id } ... on Merchant { id } ... on Review { id } }'

const REGISTER_USER = `mutation ($input: RegisterUserInput!) { registerUser(input: $input) { user { ${USER_FIELDS} } ${OPERATION_FIELDS} } }`
const UPDATE_PROFILE = `mutation ($input: UpdateProfileInput!) { updateProfile(input: $input) { user { ${USER_FIELDS} } ${OPERATION_FIELDS} } }`
const REGISTER_MERCHANT = `mutation ($input: RegisterMerchantInput!) { registerMerchant(input: $input) { merchant { id name description createdAt owner { id } rating { count average } } ${OPERATION_FIELDS} } }`
const CREATE_PRODUCT = `mutation ($input: CreateProductInput!) { createProduct(input: $input) { product { id name description createdAt price { amount currency } merchant { id } rating { count average } } ${OPERATION_FIELDS} } }`
const SUBMIT_REVIEW = `mutation ($input: SubmitReviewInput!) { submitReview(input: $input) { review { ${REVIEW_FIELDS} } ${OPERATION_FIELDS} } }`
const MODERATE_REVIEW = `mutation ($input: ModerateReviewInput!) { moderateReview(input: $input) { review { ${REVIEW_FIELDS} } ${OPERATION_FIELDS} } }`
const POST_COMMENT = `mutation ($input: PostCommentInput!) { postComment(input: $input) { comment { ${COMMENT_FIELDS} } ${OPERATION_FIELDS} } }`
const EDIT_COMMENT = `mutation ($input: EditCommentInput!) { editComment(input: $input) { comment { ${COMMENT_FIELDS} } ${OPERATION_FIELDS} } }`
const DELETE_COMMENT = `mutation ($id: ID!) { deleteComment(id: $id) { comment { ${COMMENT_FIELDS} } ${OPERATION_FIELDS} } }`

const PRODUCT_RATING =
  'query ($id: ID!) { product(id: $id) { rating { count average } reviews(first: 100) { totalCount edges { node { id rating } } } } }'
const MERCHANT_RATING =
  'query ($id: ID!) { merchant(id: $id) { rating { count average } reviews(first: 100) { totalCount edges { node { id rating } } } } }'
const REVIEW_BY_ID = `query ($id: ID!) { review(id: $id) { ${REVIEW_FIELDS} } }`
const COMMENT_BY_ID = `query ($id: ID!) { comment(id: $id) { ${COMMENT_FIELDS} replies(first: 10) { totalCount edges { node { id } } } } }`

/** Every PENDING review in the moderation queue, as a moderator walks it. */
async function moderationQueueIds(): Promise<string[]> {
  const token = await login('moderator')
  const { nodes } = await walk<{ id: string }>(
    async (after) =>
      (
        await query(
          'query ($after: String) { moderationQueue(first: 100, after: $after) { totalCount edges { cursor node { id } } pageInfo { hasNextPage endCursor } } }',
          { after },
          token,
        )
      ).moderationQueue as Connection<{ id: string }>,
  )
  return nodes.map((n) => n.id)
}

async function submitReview(
  author: FreshUser,
  subject: { type: 'PRODUCT' | 'MERCHANT'; id: string },
  rating: number,
  body = 'A fair review.',
) {
  const d = await query(SUBMIT_REVIEW, { input: { subject, rating, body } }, author.token)
  return d.submitReview as { review: any; operation: OperationView }
}

async function postComment(
  author: FreshUser,
  subject: { type: 'PRODUCT' | 'MERCHANT' | 'REVIEW'; id: string },
  body: string,
  parentId?: string,
) {
  const d = await query(POST_COMMENT, { input: { subject, body, ...(parentId ? { parentId } : {}) } }, author.token)
  return d.postComment as { comment: any; operation: OperationView }
}

afterAll(removeCreatedRows)

describe('registerUser', () => {
  it('creates a CUSTOMER (username stored lower-cased) whose password signs in; the run is COMPLETED', async () => {
    const username = uniqueUsername('reg')
    const input = {
      username: username.toUpperCase(),
      password: '12345678',
      displayName: '  Reggie  ',
      avatarUrl: 'https://example.com/avatars/reggie.png',
    }
    const d = await query(REGISTER_USER, { input })
    const { user, operation } = d.registerUser
    expect(user).toMatchObject({ username, displayName: 'Reggie', avatarUrl: input.avatarUrl, role: 'CUSTOMER' })
    expect(user.createdAt).toMatch(ISO)
    expect(operation.id).toBe(`register-user-${username}`)
    expectCompletedOperation(operation, 'registerUser', ['createUser'])

    // the password (8 chars, the minimum) signs in, with the username in any case
    const signedIn = await query(
      'mutation ($u: String!, $p: String!) { login(username: $u, password: $p) { token user { id username role } } }',
      { u: input.username, p: input.password },
    )
    expect(signedIn.login.user).toEqual({ id: user.id, username, role: 'CUSTOMER' })
    const me = await query(`{ me { ${USER_FIELDS} } }`, {}, signedIn.login.token)
    expect(me.me).toEqual(user)
    expect((await query('query ($u: String!) { userByUsername(username: $u) { id } }', { u: username })).userByUsername).toEqual({
      id: user.id,
    })
  })

  it('optional fields may be left out: displayName and avatarUrl are null', async () => {
    const username = uniqueUsername('min')
    const d = await query(REGISTER_USER, { input: { username, password: 'x'.repeat(128) } })
    expect(d.registerUser.user).toMatchObject({ username, displayName: null, avatarUrl: null, role: 'CUSTOMER' })
    expectCompletedOperation(d.registerUser.operation, 'registerUser', ['createUser'])
    await expect(loginAs(username, 'x'.repeat(128))).resolves.toEqual(expect.any(String))
  })
})

describe('updateProfile', () => {
  it('a new username, displayName and avatarUrl show on the very next read, also as the author on the comments page', async () => {
    const user = await registerFreshUser('prof', { displayName: 'Before', avatarUrl: 'https://example.com/before.png' })
    const productId = await createFreshProduct('Profile test product')
    const { comment } = await postComment(user, { type: 'PRODUCT', id: productId }, 'Commenting before my name changes.')
    const page = async () => (await query(COMMENTS_PAGE, { subject: { type: 'PRODUCT', id: productId } })).comments
    // read everything once first, so that any cache holds the old profile
    expect((await page()).edges[0].node.author).toEqual({
      id: user.id,
      username: user.username,
      avatarUrl: 'https://example.com/before.png',
    })
    expect((await query(`query ($id: ID!) { user(id: $id) { ${USER_FIELDS} } }`, { id: user.id })).user.username).toBe(user.username)

    const username = uniqueUsername('renamed')
    const avatarUrl = 'http://example.org/after.png'
    const d = await query(UPDATE_PROFILE, { input: { username, displayName: 'After', avatarUrl } }, user.token)
    expect(d.updateProfile.user).toMatchObject({ id: user.id, username, displayName: 'After', avatarUrl, role: 'CUSTOMER' })
    expect(d.updateProfile.operation.id).toMatch(new RegExp(`^update-profile-${user.id}-[0-9a-f-]{36}$`))
    expectCompletedOperation(d.updateProfile.operation, 'updateProfile', ['updateUser'])

    // no waiting: the mutation answered once every cache was invalidated
    const after = await query(
      `query ($id: ID!, $new: String!, $old: String!) { user(id: $id) { ${USER_FIELDS} } byNew: userByUsername(username: $new) { id } byOld: userByUsername(username: $old) { id } }`,
      { id: user.id, new: username, old: user.username },
    )
    expect(after.user).toMatchObject({ username, displayName: 'After', avatarUrl })
    expect(after.byNew).toEqual({ id: user.id })
    expect(after.byOld).toBeNull()
    expect((await query(`{ me { ${USER_FIELDS} } }`, {}, user.token)).me).toMatchObject({ username, displayName: 'After', avatarUrl })
    expect((await page()).edges[0].node).toMatchObject({ id: comment.id, author: { id: user.id, username, avatarUrl } })
    expect((await query(COMMENT_BY_ID, { id: comment.id })).comment.author).toEqual({ id: user.id, username, avatarUrl })
    // the new username signs in
    await expect(loginAs(username, user.password)).resolves.toEqual(expect.any(String))
  })

  it('displayName null clears it; fields left out stay as they are', async () => {
    const user = await registerFreshUser('clear', { displayName: 'Soon Gone', avatarUrl: 'https://example.com/keep.png' })
    const d = await query(UPDATE_PROFILE, { input: { displayName: null } }, user.token)
    expect(d.updateProfile.user).toMatchObject({
      id: user.id,
      username: user.username,
      displayName: null,
      avatarUrl: 'https://example.com/keep.png',
    })
    expectCompletedOperation(d.updateProfile.operation, 'updateProfile', ['updateUser'])
    const read = await query(`query ($id: ID!) { user(id: $id) { ${USER_FIELDS} } }`, { id: user.id })
    expect(read.user).toMatchObject({ username: user.username, displayName: null, avatarUrl: 'https://example.com/keep.png' })
  })
})

describe('registerMerchant and createProduct', () => {
  it('opens a store owned by the caller, who becomes a MERCHANT (a new token shows it) and lists it in owner.merchants', async () => {
    const owner = await registerFreshUser('shop')
    const d = await query(REGISTER_MERCHANT, { input: { name: '  Fresh Store  ', description: 'We sell tests.' } }, owner.token)
    const { merchant, operation } = d.registerMerchant
    trackCreated('merchant', merchant?.id)
    expect(merchant).toMatchObject({
      name: 'Fresh Store',
      description: 'We sell tests.',
      owner: { id: owner.id },
      rating: { count: 0, average: null },
    })
    expect(merchant.createdAt).toMatch(ISO)
    expect(operation.id).toMatch(/^register-merchant-[0-9a-f-]{36}$/)
    expectCompletedOperation(operation, 'registerMerchant', ['createMerchant', 'grantMerchantRole', 'invalidateUserCache'])

    const read = await query(
      `query ($id: ID!, $u: ID!) { merchant(id: $id) { id name owner { id username } } user(id: $u) { role merchants { id name } } }`,
      { id: merchant.id, u: owner.id },
    )
    expect(read.merchant).toEqual({ id: merchant.id, name: 'Fresh Store', owner: { id: owner.id, username: owner.username } })
    expect(read.user).toEqual({ role: 'MERCHANT', merchants: [{ id: merchant.id, name: 'Fresh Store' }] })
    const token = await loginAs(owner.username, owner.password)
    expect((await query('{ me { role merchants { id } } }', {}, token)).me).toEqual({ role: 'MERCHANT', merchants: [{ id: merchant.id }] })

    // the new owner adds a product to the new store
    const p = await query(
      CREATE_PRODUCT,
      { input: { merchantId: merchant.id, name: 'First product', price: { amount: 0, currency: 'USD' } } },
      token,
    )
    trackCreated('product', p.createProduct.product?.id)
    expect(p.createProduct.product).toMatchObject({
      name: 'First product',
      description: null,
      price: { amount: 0, currency: 'USD' },
      merchant: { id: merchant.id },
    })
    expectCompletedOperation(p.createProduct.operation, 'createProduct', ['checkMerchantOwner', 'createProduct'])
    const products = await query('query ($id: ID!) { merchant(id: $id) { products(first: 10) { totalCount edges { node { id } } } } }', {
      id: merchant.id,
    })
    expect(products.merchant.products).toEqual({ totalCount: 1, edges: [{ node: { id: p.createProduct.product.id } }] })
  })

  // registerMerchant's role grant must reach the users' caches too (an earlier version left a cached
  // CUSTOMER for up to the cache's TTL).
  it('the new MERCHANT role shows on the next read even when the user was read (and cached) before', async () => {
    const owner = await registerFreshUser('cached')
    const ROLE = 'query ($id: ID!) { user(id: $id) { role } }'
    expect((await query(ROLE, { id: owner.id })).user.role).toBe('CUSTOMER')
    expect((await query('{ me { role } }', {}, owner.token)).me.role).toBe('CUSTOMER')
    const d = await query(REGISTER_MERCHANT, { input: { name: 'Cached Owner Store' } }, owner.token)
    trackCreated('merchant', d.registerMerchant.merchant?.id)
    expectCompletedOperation(d.registerMerchant.operation, 'registerMerchant', [
      'createMerchant',
      'grantMerchantRole',
      'invalidateUserCache',
    ])
    const token = await loginAs(owner.username, owner.password)
    expect({
      user: (await query(ROLE, { id: owner.id })).user.role,
      me: (await query('{ me { role } }', {}, token)).me.role,
    }).toEqual({ user: 'MERCHANT', me: 'MERCHANT' })
  })

  it("createProduct: the owner adds a product to their store; it is readable and first in the store's products", async () => {
    const merchantId = await malloryStore()
    const input = { merchantId, name: 'Brand new gadget', description: 'Shiny.', price: { amount: 4250, currency: 'EUR' } }
    const d = await query(CREATE_PRODUCT, { input }, await login('mallory'))
    const { product, operation } = d.createProduct
    trackCreated('product', product?.id)
    expect(product).toMatchObject({
      name: input.name,
      description: input.description,
      price: input.price,
      merchant: { id: merchantId },
      rating: { count: 0, average: null },
    })
    expect(product.createdAt).toMatch(ISO)
    expect(operation.id).toMatch(/^create-product-[0-9a-f-]{36}$/)
    expectCompletedOperation(operation, 'createProduct', ['checkMerchantOwner', 'createProduct'])
    const read = await query(
      'query ($id: ID!, $m: ID!) { product(id: $id) { id name price { amount currency } merchant { id } } merchant(id: $m) { products(first: 1) { edges { node { id } } } } }',
      { id: product.id, m: merchantId },
    )
    expect(read.product).toEqual({ id: product.id, name: input.name, price: input.price, merchant: { id: merchantId } })
    expect(read.merchant.products.edges[0].node.id).toBe(product.id)
  })
})

describe('submitReview and moderateReview', () => {
  let productId: string
  let moderatorId: string
  let adminId: string
  beforeAll(async () => {
    productId = await createFreshProduct('Review test product')
    moderatorId = (await seedUser('moderator')).id
    adminId = (await seedUser('admin')).id
  })

  it('submitReview creates a PENDING review, visible to its author and in the moderation queue, not yet on the product', async () => {
    const author = await registerFreshUser('rev')
    const { review, operation } = await submitReview(author, { type: 'PRODUCT', id: productId }, 4, 'Does what it says.')
    expect(review).toMatchObject({
      status: 'PENDING',
      rating: 4,
      body: 'Does what it says.',
      author: { id: author.id },
      subject: { __typename: 'Product', id: productId },
      moderatedAt: null,
      moderator: null,
    })
    expect(operation.id).toBe(`submit-review-${author.id}-product-${productId}`)
    expectCompletedOperation(operation, 'submitReview', ['checkSubject', 'createReview'])

    expect((await query(REVIEW_BY_ID, { id: review.id }, author.token)).review).toMatchObject({ id: review.id, status: 'PENDING' })
    expect((await query('{ me { reviews(first: 10) { totalCount edges { node { id status } } } } }', {}, author.token)).me.reviews).toEqual(
      {
        totalCount: 1,
        edges: [{ node: { id: review.id, status: 'PENDING' } }],
      },
    )
    expect(await moderationQueueIds()).toContain(review.id)
    expect((await query(PRODUCT_RATING, { id: productId })).product.reviews.edges.map((e: any) => e.node.id)).not.toContain(review.id)
  })

  it('moderateReview APPROVE answers PUBLISHED at once; the run then brings the product rating up to date and is COMPLETED', async () => {
    const author = await registerFreshUser('appr')
    const { review } = await submitReview(author, { type: 'PRODUCT', id: productId }, 5)
    const before = (await query(PRODUCT_RATING, { id: productId })).product
    const d = await query(MODERATE_REVIEW, { input: { reviewId: review.id, decision: 'APPROVE' } }, await login('admin'))
    expect(d.moderateReview.review).toMatchObject({ id: review.id, status: 'PUBLISHED', moderator: { id: adminId }, rejectionReason: null })
    expect(d.moderateReview.review.moderatedAt).toMatch(ISO)
    expect(d.moderateReview.operation).toMatchObject({ id: `moderate-review-${review.id}`, scenario: 'moderateReview' })
    expect(d.moderateReview.operation.steps[0]).toMatchObject({ name: 'publishReview', status: 'COMPLETED' })

    const operation = await waitForOperation(`moderate-review-${review.id}`, await login('moderator'))
    expectCompletedOperation(operation, 'moderateReview', ['publishReview', 'subjectStats', 'updateProductRating'])
    const after = (await query(PRODUCT_RATING, { id: productId })).product
    const ratings: number[] = after.reviews.edges.map((e: any) => e.node.rating)
    expect(after.reviews.edges.map((e: any) => e.node.id)).toContain(review.id)
    expect(after.rating).toEqual({ count: before.rating.count + 1, average: ratings.reduce((a, b) => a + b, 0) / ratings.length })
    expect(await moderationQueueIds()).not.toContain(review.id)
  })

  it('moderateReview REJECT with a reason: REJECTED with the reason for its author; the rating does not change', async () => {
    const author = await registerFreshUser('rej')
    const { review } = await submitReview(author, { type: 'PRODUCT', id: productId }, 1, 'Buy something else!!!')
    const before = (await query(PRODUCT_RATING, { id: productId })).product.rating
    const d = await query(
      MODERATE_REVIEW,
      { input: { reviewId: review.id, decision: 'REJECT', reason: 'Not about the product.' } },
      await login('moderator'),
    )
    expect(d.moderateReview.review).toMatchObject({
      id: review.id,
      status: 'REJECTED',
      rejectionReason: 'Not about the product.',
      moderator: { id: moderatorId },
    })
    const operation = await waitForOperation(`moderate-review-${review.id}`, await login('moderator'))
    expectCompletedOperation(operation, 'moderateReview', ['rejectReview'])
    expect((await query(REVIEW_BY_ID, { id: review.id }, author.token)).review).toMatchObject({
      status: 'REJECTED',
      rejectionReason: 'Not about the product.',
    })
    expect((await query(REVIEW_BY_ID, { id: review.id })).review).toBeNull() // hidden from everyone else
    expect((await query(PRODUCT_RATING, { id: productId })).product.rating).toEqual(before)
    expect(await moderationQueueIds()).not.toContain(review.id)
  })

  it("a store's review: submitReview on a MERCHANT, approved, updates the store's rating (updateMerchantRating)", async () => {
    const owner = await registerFreshUser('mrev')
    const m = await query(REGISTER_MERCHANT, { input: { name: 'Reviewed Store' } }, owner.token)
    const merchantId: string = m.registerMerchant.merchant.id
    trackCreated('merchant', merchantId)
    const author = await registerFreshUser('mrevauth')
    const { review, operation } = await submitReview(author, { type: 'MERCHANT', id: merchantId }, 2, 'Slow shipping.')
    expect(review).toMatchObject({ status: 'PENDING', subject: { __typename: 'Merchant', id: merchantId } })
    expect(operation.id).toBe(`submit-review-${author.id}-merchant-${merchantId}`)
    expectCompletedOperation(operation, 'submitReview', ['checkSubject', 'createReview'])

    const moderator = await login('moderator')
    expect(
      (await query(MODERATE_REVIEW, { input: { reviewId: review.id, decision: 'APPROVE' } }, moderator)).moderateReview.review.status,
    ).toBe('PUBLISHED')
    expectCompletedOperation(await waitForOperation(`moderate-review-${review.id}`, moderator), 'moderateReview', [
      'publishReview',
      'subjectStats',
      'updateMerchantRating',
    ])
    const store = (await query(MERCHANT_RATING, { id: merchantId })).merchant
    expect(store.rating).toEqual({ count: 1, average: 2 })
    expect(store.reviews.edges.map((e: any) => e.node.id)).toEqual([review.id])
  })
})

describe('postComment, editComment and deleteComment', () => {
  let productId: string
  let author: FreshUser
  let replier: FreshUser
  beforeAll(async () => {
    productId = await createFreshProduct('Comment test product')
    ;[author, replier] = await Promise.all([registerFreshUser('com'), registerFreshUser('reply')])
  })

  it('a top-level comment, then a reply: the reply names its parent and the parent counts it', async () => {
    const top = await postComment(author, { type: 'PRODUCT', id: productId }, 'First!')
    expect(top.comment).toMatchObject({
      body: 'First!',
      deleted: false,
      editedAt: null,
      replyCount: 0,
      parent: null,
      author: { id: author.id, username: author.username },
      subject: { __typename: 'Product', id: productId },
    })
    expect(top.operation.id).toMatch(/^post-comment-[0-9a-f-]{36}$/)
    expectCompletedOperation(top.operation, 'postComment', ['checkSubject', 'createComment'])

    const reply = await postComment(replier, { type: 'PRODUCT', id: productId }, 'Second, as a reply.', top.comment.id)
    expect(reply.comment).toMatchObject({
      body: 'Second, as a reply.',
      parent: { id: top.comment.id },
      author: { id: replier.id },
      subject: { __typename: 'Product', id: productId },
    })
    expectCompletedOperation(reply.operation, 'postComment', ['checkSubject', 'createComment'])

    const parent = (await query(COMMENT_BY_ID, { id: top.comment.id })).comment
    expect(parent.replyCount).toBe(1)
    expect(parent.replies).toEqual({ totalCount: 1, edges: [{ node: { id: reply.comment.id } }] })
    // the page lists top-level comments only
    const page = (await query(COMMENTS_PAGE, { subject: { type: 'PRODUCT', id: productId } })).comments
    expect(page.totalCount).toBe(1)
    expect(page.edges[0].node).toMatchObject({ id: top.comment.id, replyCount: 1 })
    const mine = await query('{ me { comments(first: 10) { edges { node { id } } } } }', {}, replier.token)
    expect(mine.me.comments.edges.map((e: any) => e.node.id)).toContain(reply.comment.id)
  })

  it('comments under a store and under a published review (each subject is checked by its owning service)', async () => {
    const owner = await registerFreshUser('cstore')
    const m = await query(REGISTER_MERCHANT, { input: { name: 'Commented Store' } }, owner.token)
    const merchantId: string = m.registerMerchant.merchant.id
    trackCreated('merchant', merchantId)
    const onStore = await postComment(author, { type: 'MERCHANT', id: merchantId }, 'Nice shop.')
    expect(onStore.comment.subject).toEqual({ __typename: 'Merchant', id: merchantId })
    expectCompletedOperation(onStore.operation, 'postComment', ['checkSubject', 'createComment'])

    const { review } = await submitReview(replier, { type: 'PRODUCT', id: productId }, 3)
    const moderator = await login('moderator')
    await query(MODERATE_REVIEW, { input: { reviewId: review.id, decision: 'APPROVE' } }, moderator)
    await waitForOperation(`moderate-review-${review.id}`, moderator)
    const onReview = await postComment(author, { type: 'REVIEW', id: review.id }, 'Agreed.')
    expect(onReview.comment.subject).toEqual({ __typename: 'Review', id: review.id })
    expectCompletedOperation(onReview.operation, 'postComment', ['checkSubject', 'createComment'])
    const listed = await query('query ($id: ID!) { review(id: $id) { comments(first: 10) { totalCount edges { node { id } } } } }', {
      id: review.id,
    })
    expect(listed.review.comments).toEqual({ totalCount: 1, edges: [{ node: { id: onReview.comment.id } }] })
  })

  it('editComment by its author: the new body, with editedAt set', async () => {
    const { comment } = await postComment(author, { type: 'PRODUCT', id: productId }, 'Typo hree.')
    const d = await query(EDIT_COMMENT, { input: { id: comment.id, body: 'Typo here.' } }, author.token)
    expect(d.editComment.comment).toMatchObject({ id: comment.id, body: 'Typo here.', deleted: false })
    expect(d.editComment.comment.editedAt).toMatch(ISO)
    expect(Date.parse(d.editComment.comment.editedAt)).toBeGreaterThanOrEqual(Date.parse(comment.createdAt))
    expect(d.editComment.operation.id).toMatch(new RegExp(`^edit-comment-${comment.id}-`))
    expectCompletedOperation(d.editComment.operation, 'editComment', ['editComment'])
    expect((await query(COMMENT_BY_ID, { id: comment.id })).comment).toMatchObject({
      body: 'Typo here.',
      editedAt: d.editComment.comment.editedAt,
    })
  })

  it('deleteComment by its author: body "" and deleted true; a deleted reply still counts in its thread', async () => {
    const top = await postComment(replier, { type: 'PRODUCT', id: productId }, 'A thread.')
    const { comment } = await postComment(author, { type: 'PRODUCT', id: productId }, 'I will regret this.', top.comment.id)
    const d = await query(DELETE_COMMENT, { id: comment.id }, author.token)
    expect(d.deleteComment.comment).toMatchObject({ id: comment.id, body: '', deleted: true, parent: { id: top.comment.id } })
    expect(d.deleteComment.operation.id).toMatch(new RegExp(`^delete-comment-${comment.id}-`))
    expectCompletedOperation(d.deleteComment.operation, 'deleteComment', ['deleteComment'])
    expect((await query(COMMENT_BY_ID, { id: comment.id })).comment).toMatchObject({ body: '', deleted: true })
    expect((await query(COMMENT_BY_ID, { id: top.comment.id })).comment).toMatchObject({ replyCount: 1, replies: { totalCount: 1 } })
  })

  it.each(['moderator', 'admin'])("deleteComment by a %s, of a customer's comment", async (who) => {
    const { comment } = await postComment(replier, { type: 'PRODUCT', id: productId }, `Something the ${who} removes.`)
    const d = await query(DELETE_COMMENT, { id: comment.id }, await login(who))
    expect(d.deleteComment.comment).toMatchObject({ id: comment.id, body: '', deleted: true, author: { id: replier.id } })
    expectCompletedOperation(d.deleteComment.operation, 'deleteComment', ['deleteComment'])
    expect((await query(COMMENT_BY_ID, { id: comment.id })).comment).toMatchObject({ body: '', deleted: true })
  })
})

describe('operation(id): the initiator sees their own runs, moderators and admins see all', () => {
  let owner: FreshUser
  let other: FreshUser
  let operationId: string
  beforeAll(async () => {
    ;[owner, other] = await Promise.all([registerFreshUser('opown'), registerFreshUser('opother')])
    const productId = await createFreshProduct('Operation visibility product')
    operationId = (await postComment(owner, { type: 'PRODUCT', id: productId }, 'Whose run is this?')).operation.id
  })

  it('the initiator, a moderator and an admin see the run, with the same content', async () => {
    const seen = await Promise.all(
      [owner.token, await login('moderator'), await login('admin')].map((token) => operationOf(operationId, token)),
    )
    for (const operation of seen) {
      expect(operation).toEqual(seen[0])
      expectCompletedOperation(operation as OperationView, 'postComment', ['checkSubject', 'createComment'])
      expect(operation?.id).toBe(operationId)
    }
  })

  it('another customer, a merchant and an anonymous caller get null (no error)', async () => {
    for (const token of [other.token, await login('mallory'), await login('alice'), undefined]) {
      const res = await gql('query ($id: ID!) { operation(id: $id) { id status } }', { id: operationId }, { token })
      expect(res.errors).toBeUndefined()
      expect(res.data?.operation).toBeNull()
    }
  })

  it("a new user's own registration run is theirs (but not the anonymous caller's who started it)", async () => {
    const id = `register-user-${owner.username}`
    expectCompletedOperation((await operationOf(id, owner.token)) as OperationView, 'registerUser', ['createUser'])
    expect(await operationOf(id)).toBeNull()
    expect(await operationOf(id, other.token)).toBeNull()
  })

  it('an unknown id is null, for a moderator too', async () => {
    for (const id of [`post-comment-${UNKNOWN_ID}`, 'no-such-operation', `moderate-review-${UNKNOWN_ID}`, 'x'.repeat(300)]) {
      for (const token of [await login('moderator'), owner.token]) {
        const res = await gql('query ($id: ID!) { operation(id: $id) { id status } }', { id }, { token })
        expect(res.errors).toBeUndefined()
        expect(res.data?.operation).toBeNull()
      }
    }
  })

  // An id the façade never gives (e.g. empty) names no run; one lookup's failure must not fail the
  // other operation(id) fields of the request (an earlier version answered INTERNAL_SERVER_ERROR).
  it('an empty id is null (not an internal error), and does not break the other operations of the request', async () => {
    const res = await gql(
      'query ($id: ID!) { empty: operation(id: "") { id } mine: operation(id: $id) { id } }',
      { id: operationId },
      { token: await login('moderator') },
    )
    expect(res.errors).toBeUndefined()
    expect(res.data).toEqual({ empty: null, mine: { id: operationId } })
  })
})

// Issue #11: a step's name is its activity's id in Temporal's Web UI, next to the activity's type;
// operation(id) shows that type too, so the two views can be matched step by step.
describe('operation(id): each step names the Temporal activity it runs', () => {
  const STEP_ACTIVITIES = 'query ($id: ID!) { operation(id: $id) { id status steps { name status activity } } }'

  /** step name → activity, as `token` reads the run; every step of a finished run ran one. */
  async function stepActivities(id: string, token: string): Promise<Record<string, string | null>> {
    const { operation } = await query<{
      operation: { status: string; steps: { name: string; status: string; activity: string | null }[] }
    }>(STEP_ACTIVITIES, { id }, token)
    expect(operation.status).toBe('COMPLETED')
    for (const step of operation.steps)
      expect({ step: step.name, activity: step.activity }).toEqual({ step: step.name, activity: expect.any(String) })
    return Object.fromEntries(operation.steps.map((s) => [s.name, s.activity]))
  }

  it('postComment (its write step drops the pages itself), updateProfile (updateUser → updateProfile, which drops the caches) and moderateReview (publishReview → moderateReview, updateProductRating → setProductRating)', async () => {
    const user = await registerFreshUser('act')
    const productId = await createFreshProduct('Activity names product')

    const posted = await postComment(user, { type: 'PRODUCT', id: productId }, 'Which activity ran?')
    expect(await stepActivities(posted.operation.id, user.token)).toEqual({
      checkSubject: 'checkProductExists',
      createComment: 'createComment',
    })

    const updated = await query(UPDATE_PROFILE, { input: { displayName: 'Activity' } }, user.token)
    expect(updated.updateProfile.operation.id).toMatch(/^update-profile-/)
    expect(await stepActivities(updated.updateProfile.operation.id, user.token)).toEqual({
      updateUser: 'updateProfile',
    })

    const { review } = await submitReview(user, { type: 'PRODUCT', id: productId }, 4)
    const moderator = await login('moderator')
    const moderated = await query(
      `mutation ($input: ModerateReviewInput!) { moderateReview(input: $input) { review { id status } operation { id steps { name status activity } } } }`,
      { input: { reviewId: review.id, decision: 'APPROVE' } },
      moderator,
    )
    expect(moderated.moderateReview.review.status).toBe('PUBLISHED')
    // the answer comes as soon as the decision's step has run: it already names its activity
    expect(moderated.moderateReview.operation.steps[0]).toEqual({ name: 'publishReview', status: 'COMPLETED', activity: 'moderateReview' })
    const operationId = `moderate-review-${review.id}`
    await waitForOperation(operationId, moderator)
    expect(await stepActivities(operationId, moderator)).toEqual({
      publishReview: 'moderateReview',
      showReviewComments: 'showReviewComments',
      subjectStats: 'subjectStats',
      updateProductRating: 'setProductRating',
    })
  })
})
