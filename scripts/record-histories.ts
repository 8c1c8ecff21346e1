// Records one Temporal event history per kind of scenario run into workflows/histories/<name>.json,
// for tests/unit/workflow-replay.test.ts, which replays them against the current workflow code:
// a change to a workflow that would break runs already in flight (a non-deterministic change)
// fails that test.
//
//   npx tsx scripts/record-histories.ts        (about a minute: it starts and stops its own stack)
//
// When to re-record: only after a DELIBERATE workflow change that is versioned (guarded with
// `patched()`/`deprecatePatch()`, or shipped as a new workflow type) so that old runs still replay,
// and after adding a scenario (the replay test insists on a history for every exported workflow).
// Keep the old files of a versioned change next to the new ones (rename them, e.g. with a
// `-v1` suffix) so both code paths stay covered. Never re-record just to make a failing replay
// test pass: that failure is the warning that runs in production would break.
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import pg from 'pg'
import { Client, Connection } from '@temporalio/client'
import { historyFromJSON, historyToJSON, type History } from '@temporalio/common/lib/proto-utils'
import * as proto from '@temporalio/proto'
import { patchProtobufRoot } from '@temporalio/proto/lib/patch-protobuf-root'
import { gql, type GraphQLResponse } from '../tests/support/client'
import { startStack, type StackUrls } from '../tests/support/stack'

export const HISTORIES_DIR = join(__dirname, '..', 'workflows', 'histories')
const HISTORIES = HISTORIES_DIR

// ---------------------------------------------------------------------------------------------
// The file format: Temporal's JSON history (what `temporal workflow show --output json` and
// `historyToJSON` write). In this install `historyToJSON`/`historyFromJSON` throw "type must be a
// Type": @temporalio/common and @temporalio/proto each got their own copy of protobufjs 8 (the
// top-level protobufjs is 7, for OpenTelemetry), and protojson checks `instanceof Type` across
// them. The fallback does the same conversion with the copy @temporalio/proto's types come from.

interface ProtoJson {
  toJson(type: unknown, message: unknown): unknown
  fromJson(type: unknown, json: unknown, options: { ignoreUnknownFields: boolean }): History
}
let protoJson: { codec: ProtoJson; historyType: unknown } | undefined
function protoJsonOfTemporalProto(): { codec: ProtoJson; historyType: unknown } {
  if (!protoJson) {
    const codec = createRequire(require.resolve('@temporalio/proto'))('protobufjs/ext/protojson') as ProtoJson
    const root = patchProtobufRoot(proto) as unknown as { lookupType(name: string): unknown }
    protoJson = { codec, historyType: root.lookupType('temporal.api.history.v1.History') }
  }
  return protoJson
}

/** A fetched history as Temporal's JSON history text. */
export function historyToJSONText(history: History): string {
  try {
    return historyToJSON(history)
  } catch (err) {
    if (!(err instanceof TypeError)) throw err
    const { codec, historyType } = protoJsonOfTemporalProto()
    return JSON.stringify(codec.toJson(historyType, proto.temporal.api.history.v1.History.fromObject(history)), null, 2)
  }
}

/** Temporal's JSON history text back as a History that `Worker.runReplayHistories` replays. */
export function historyFromJSONText(text: string): History {
  const json: unknown = JSON.parse(text)
  try {
    return historyFromJSON(json)
  } catch (err) {
    if (!(err instanceof TypeError)) throw err
    const { codec, historyType } = protoJsonOfTemporalProto()
    return codec.fromJson(historyType, json, { ignoreUnknownFields: true })
  }
}

// ---------------------------------------------------------------------------------------------
// Recording

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- answers are read field by field, like a client
type Data = Record<string, any>

function stamp(): string {
  return `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`
}

async function main(): Promise<void> {
  console.log('starting an ephemeral stack…')
  const started = Date.now()
  const { urls, process: stack } = await startStack()
  console.log(`stack ready in ${((Date.now() - started) / 1000).toFixed(1)} s`)
  let connection: Connection | undefined
  try {
    connection = await Connection.connect({ address: urls.temporal.address })
    const client = new Client({ connection, namespace: 'default' })
    await record(urls, client)
  } finally {
    await connection?.close().catch(() => undefined)
    const exited = new Promise<void>((resolve) => stack.once('exit', () => resolve()))
    stack.kill('SIGTERM')
    const timer = setTimeout(() => stack.kill('SIGKILL'), 30_000)
    await exited
    clearTimeout(timer)
  }
}

async function record(urls: StackUrls, client: Client): Promise<void> {
  const call = async (text: string, variables: Record<string, unknown> = {}, token?: string): Promise<GraphQLResponse<Data>> =>
    gql<Data>(text, variables, { url: urls.gateway, token })
  const data = async (text: string, variables: Record<string, unknown> = {}, token?: string): Promise<Data> => {
    const res = await call(text, variables, token)
    if (res.errors?.length || !res.data) throw new Error(`unexpected answer: ${JSON.stringify(res.errors ?? res)}`)
    return res.data
  }
  const refused = async (code: string, text: string, variables: Record<string, unknown>, token?: string): Promise<void> => {
    const res = await call(text, variables, token)
    const got = res.errors?.[0]?.extensions?.code
    if (got !== code) throw new Error(`expected ${code}, got ${JSON.stringify(res.errors ?? res.data)}`)
  }
  const login = async (username: string, password = username): Promise<string> =>
    (await data('mutation ($u: String!, $p: String!) { login(username: $u, password: $p) { token } }', { u: username, p: password })).login
      .token

  const recorded = new Map<string, string>()
  /** Waits for the run to close, then writes its history as <name>.json. */
  const save = async (name: string, workflowId: string): Promise<void> => {
    const handle = client.workflow.getHandle(workflowId)
    await handle.result().catch(() => undefined) // failed and compensated runs are recorded too
    const history = await handle.fetchHistory()
    writeFileSync(join(HISTORIES, `${name}.json`), `${historyToJSONText(history)}\n`)
    const description = await handle.describe()
    recorded.set(name, `${description.type} (${description.status.name}, ${history.events?.length ?? 0} events)`)
    console.log(`  ${name.padEnd(34)} ${recorded.get(name)}`)
  }

  mkdirSync(HISTORIES, { recursive: true })
  // histories of older workflow versions (`<name>-v<N>.json`) stay: they keep the patched paths covered
  for (const file of readdirSync(HISTORIES)) if (file.endsWith('.json') && !/-v\d+\.json$/.test(file)) rmSync(join(HISTORIES, file))
  console.log(`recording into ${HISTORIES}:`)

  const OP = 'operation { id status }'
  const register = async (prefix: string) => {
    const username = `rec_${prefix}_${stamp()}`.slice(0, 32)
    const d = await data(`mutation ($input: RegisterUserInput!) { registerUser(input: $input) { user { id } ${OP} } }`, {
      input: { username, password: `pw-${username}`, displayName: 'Recorder' },
    })
    return {
      id: d.registerUser.user.id as string,
      username,
      token: await login(username, `pw-${username}`),
      operation: d.registerUser.operation.id as string,
    }
  }
  const moderator = await login('moderator')

  // registerUser: a success, and a refusal (the username is taken: a failed run)
  const customer = await register('customer')
  await save('registerUser', customer.operation)
  await refused('CONFLICT', `mutation ($input: RegisterUserInput!) { registerUser(input: $input) { ${OP} } }`, {
    input: { username: 'alice', password: 'not-alices-password' },
  })
  await save('registerUser-conflict', 'register-user-alice')

  // updateProfile
  const profile = await data(
    `mutation ($input: UpdateProfileInput!) { updateProfile(input: $input) { ${OP} } }`,
    { input: { displayName: 'Recorded', avatarUrl: 'https://example.com/r.png' } },
    customer.token,
  )
  await save('updateProfile', profile.updateProfile.operation.id)

  // registerMerchant (the saga), then createProduct in the new store
  const owner = await register('owner')
  const store = await data(
    `mutation ($input: RegisterMerchantInput!) { registerMerchant(input: $input) { merchant { id } ${OP} } }`,
    { input: { name: 'Recorded Store' } },
    owner.token,
  )
  await save('registerMerchant', store.registerMerchant.operation.id)
  const ownerToken = await login(owner.username, `pw-${owner.username}`) // the token now says MERCHANT
  const merchantId = store.registerMerchant.merchant.id as string
  const createProduct = async (name: string) => {
    const d = await data(
      `mutation ($input: CreateProductInput!) { createProduct(input: $input) { product { id } ${OP} } }`,
      { input: { merchantId, name, price: { amount: 500, currency: 'EUR' } } },
      ownerToken,
    )
    return { id: d.createProduct.product.id as string, operation: d.createProduct.operation.id as string }
  }
  const product = await createProduct('Recorded product')
  await save('createProduct', product.operation)

  // registerMerchant compensated: the owner's account is gone when the role is granted
  const ghost = await register('ghost')
  await withDatabase(urls.postgres.users, (db) => db.query('DELETE FROM users WHERE id = $1', [ghost.id]))
  const orphan = await data(
    `mutation ($input: RegisterMerchantInput!) { registerMerchant(input: $input) { merchant { id } ${OP} } }`,
    { input: { name: 'Never Opened' } },
    ghost.token,
  )
  await save('registerMerchant-compensated', orphan.registerMerchant.operation.id)

  // submitReview of a product and of a store
  const submit = async (author: { token: string }, subject: { type: string; id: string }, rating: number) => {
    const d = await data(
      `mutation ($input: SubmitReviewInput!) { submitReview(input: $input) { review { id } ${OP} } }`,
      { input: { subject, rating, body: 'Recorded review.' } },
      author.token,
    )
    return { id: d.submitReview.review.id as string, operation: d.submitReview.operation.id as string }
  }
  const approved = await submit(customer, { type: 'PRODUCT', id: product.id }, 4)
  await save('submitReview', approved.operation)
  const storeReview = await submit(customer, { type: 'MERCHANT', id: merchantId }, 3)
  await save('submitReview-merchant', storeReview.operation)

  // moderateReview: approve (product, store), reject, a refused second decision, a compensation
  const moderate = (reviewId: string, decision: 'APPROVE' | 'REJECT', reason?: string) =>
    data(
      `mutation ($input: ModerateReviewInput!) { moderateReview(input: $input) { review { id status } ${OP} } }`,
      { input: { reviewId, decision, reason } },
      moderator,
    )
  await moderate(approved.id, 'APPROVE')
  await save('moderateReview-approve', `moderate-review-${approved.id}`)
  await moderate(storeReview.id, 'APPROVE')
  await save('moderateReview-approve-merchant', `moderate-review-${storeReview.id}`)
  const other = await register('other')
  const rejected = await submit(other, { type: 'PRODUCT', id: product.id }, 1)
  await moderate(rejected.id, 'REJECT', 'Recorded rejection.')
  await save('moderateReview-reject', `moderate-review-${rejected.id}`)
  // a decision the reviews service refuses (no such review): the run fails
  const missing = '00000000-0000-4000-8000-000000000000'
  await refused(
    'NOT_FOUND',
    `mutation ($input: ModerateReviewInput!) { moderateReview(input: $input) { ${OP} } }`,
    { input: { reviewId: missing, decision: 'APPROVE' } },
    moderator,
  )
  await save('moderateReview-refused', `moderate-review-${missing}`)

  const locked = await createProduct('Recorded locked product')
  const undone = await submit(other, { type: 'PRODUCT', id: locked.id }, 5)
  console.log('  (holding a row lock until the rating deadline passes: ~20 s)')
  await withDatabase(urls.postgres.catalog, async (db) => {
    await db.query('BEGIN')
    try {
      await db.query('SELECT id FROM products WHERE id = $1 FOR UPDATE', [locked.id])
      await moderate(undone.id, 'APPROVE')
      await client.workflow
        .getHandle(`moderate-review-${undone.id}`)
        .result()
        .catch(() => undefined) // ends COMPENSATED
    } finally {
      await db.query('ROLLBACK')
    }
  })
  await save('moderateReview-compensated', `moderate-review-${undone.id}`)

  // postComment (top-level, reply, under a review), editComment, deleteComment
  const comment = async (subject: { type: string; id: string }, body: string, parentId?: string) => {
    const d = await data(
      `mutation ($input: PostCommentInput!) { postComment(input: $input) { comment { id } ${OP} } }`,
      { input: { subject, body, parentId } },
      customer.token,
    )
    return { id: d.postComment.comment.id as string, operation: d.postComment.operation.id as string }
  }
  const top = await comment({ type: 'PRODUCT', id: product.id }, 'Recorded comment.')
  await save('postComment', top.operation)
  const reply = await comment({ type: 'PRODUCT', id: product.id }, 'Recorded reply.', top.id)
  await save('postComment-reply', reply.operation)
  const onReview = await comment({ type: 'REVIEW', id: approved.id }, 'Recorded comment on a review.')
  await save('postComment-review', onReview.operation)
  const edited = await data(
    `mutation ($input: EditCommentInput!) { editComment(input: $input) { ${OP} } }`,
    { input: { id: top.id, body: 'Recorded, edited.' } },
    customer.token,
  )
  await save('editComment', edited.editComment.operation.id)
  const deleted = await data(`mutation ($id: ID!) { deleteComment(id: $id) { ${OP} } }`, { id: reply.id }, moderator)
  await save('deleteComment', deleted.deleteComment.operation.id)

  console.log(`recorded ${recorded.size} histories`)
}

async function withDatabase<T>(url: string, work: (db: pg.Client) => Promise<T>): Promise<T> {
  const db = new pg.Client({ connectionString: url })
  await db.connect()
  try {
    return await work(db)
  } finally {
    await db.end()
  }
}

if (require.main === module) {
  main().catch((err) => {
    console.error(err)
    process.exit(1)
  })
}
