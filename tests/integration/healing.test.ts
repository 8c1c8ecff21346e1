// Scenario: every part can die and come back (issue #10). A dependency that goes away — Postgres
// dropping every connection (a restart or a failover), Redis frozen, the workflow worker or the
// Temporal server frozen — makes requests fail or wait a bounded time; it never kills a process,
// and once the dependency is back everything answers again without anyone restarting anything.
import { SUBGRAPH_NAMES } from '@marketplace/services'
import { readdirSync, readFileSync } from 'node:fs'
import { Client, Connection } from '@temporalio/client'
import { sql } from 'kysely'
import pg from 'pg'
import { DEV_GATEWAY_SECRET } from '../../packages/service-template/src/config'
import { createDatabase } from '../../packages/service-template/src/database'
import { gql, login, type GraphQLResponse } from '../support/client'
import { stackUrls } from '../support/stack'
import {
  COMMENTS_PAGE,
  OPERATION_FIELDS,
  asUser,
  callerHeader,
  createFreshProduct,
  expectNoLeak,
  hotProduct,
  loginAs,
  moderateReview,
  operationOf,
  pollUntil,
  registerFreshUser,
  removeCreatedRows,
  seedUser,
  siblingUrl,
  submitProductReview,
  waitForOperation,
  withDatabase,
  type OperationView,
} from './helpers'

// the façade's MUTATION_WAIT_MS in the test stack (its default)
const MUTATION_WAIT_MS = 20_000

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

const resume = (pid: number | undefined): void => {
  if (!pid) return
  try {
    process.kill(pid, 'SIGCONT')
  } catch {
    // gone: nothing to resume
  }
}

/** The Temporal dev server of this stack: the ready file's pid, else the process whose command line names its port. */
function temporalPid(): number | undefined {
  if (stackUrls().pids.temporal) return stackUrls().pids.temporal
  const port = stackUrls().temporal.address.split(':').pop() as string
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    try {
      const args = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0')
      if (args.includes('start-dev') && args[args.indexOf('--port') + 1] === port) return Number(entry)
    } catch {
      // the process ended meanwhile
    }
  }
  return undefined
}

let uniquePage = 0
/** The comments page under a fresh operation name: the gateway's response cache cannot answer it, the subgraphs must. */
async function commentsPage(subjectId: string) {
  uniquePage += 1
  const text = COMMENTS_PAGE.replace('query CommentsPage', `query HealingPage${uniquePage}x${Date.now()}`)
  return gql(text, { subject: { type: 'PRODUCT', id: subjectId } })
}

const frozen: number[] = []
/** SIGSTOP, remembered so that afterEach resumes it whatever happens in the test. */
function freeze(pid: number): void {
  frozen.push(pid)
  process.kill(pid, 'SIGSTOP')
}
function thaw(pid: number): void {
  resume(pid)
  frozen.splice(frozen.indexOf(pid), 1)
}

afterEach(() => {
  for (const pid of frozen.splice(0)) resume(pid)
})
afterAll(removeCreatedRows)

describe('Postgres drops every connection (pg_terminate_backend, what a restart or failover does)', () => {
  it('users and comments keep running (same pids), requests around the drop answer (their page or an internal error, nothing leaked), and the comments page answers again within seconds', async () => {
    const { pids } = stackUrls()
    const product = await hotProduct()
    // warm both pools: every read connection open and idle, some of them busy when the drop comes
    expect((await commentsPage(product.id)).errors).toBeUndefined()
    const inFlight = Array.from({ length: 12 }, () =>
      commentsPage(product.id).catch((err: Error) => ({ errors: [{ message: err.message }] })),
    )

    const terminated = await withDatabase(
      'users',
      async (db) =>
        (
          await db.query<{ n: string }>(
            "SELECT count(pg_terminate_backend(pid)) AS n FROM pg_stat_activity WHERE datname IN ('users', 'comments') AND pid <> pg_backend_pid()",
          )
        ).rows[0]?.n,
    )
    expect(Number(terminated)).toBeGreaterThan(0)
    const droppedAt = Date.now()
    // each answered — its page, or an internal error without SQL or hosts — and none hung
    const during = await Promise.all(inFlight)
    for (const res of during) expectNoLeak(res as GraphQLResponse)
    console.log(
      `requests in flight during the drop: ${JSON.stringify(during.map((res) => (res.errors ? res.errors.map((e) => (e as { extensions?: { code?: string } }).extensions?.code ?? e.message).join(',') : 'data')))}`,
    )

    const answered = await pollUntil(
      () => commentsPage(product.id),
      (res) =>
        res.status === 200 &&
        !res.errors &&
        (res.data as { comments?: { totalCount: number } } | null)?.comments?.totalCount === product.topLevelComments,
      { timeoutMs: 10_000, intervalMs: 100, what: 'the comments page answering after the drop' },
    )
    const seconds = (Date.now() - droppedAt) / 1000
    console.log(`comments page answered ${seconds.toFixed(2)} s after pg_terminate_backend`)
    expect(answered.errors).toBeUndefined()

    // the same processes: nobody restarted them
    expect(alive(pids.users as number)).toBe(true)
    expect(alive(pids.comments as number)).toBe(true)
    // the users database answers again too (a sign-in reads it)
    expect(await loginAs('alice', 'alice')).toEqual(expect.any(String))
    for (const service of ['users', 'comments'] as const) {
      const ready = await fetch(siblingUrl(stackUrls().subgraphs[service], '/ready'))
      expect(ready.status).toBe(200)
    }
  }, 30_000)
})

describe("the template's pools when Postgres drops a connection that is checked out", () => {
  it('a transaction between two queries and a query in flight fail; the process goes on and the next query gets a fresh connection', async () => {
    const db = createDatabase<unknown>(stackUrls().postgres.users, { poolSize: 4 })
    const admin = new pg.Client({ connectionString: stackUrls().postgres.users })
    await admin.connect()
    try {
      const tag = `healing-${Date.now()}`
      // no active query on the transaction's connection when it is terminated: pg emits 'error' on the client itself
      const transaction = db.transaction().execute(async (trx) => {
        await sql`select set_config('application_name', ${tag}, false)`.execute(trx)
        await new Promise((resolve) => setTimeout(resolve, 1_500))
        await sql`select 1`.execute(trx)
      })
      const inFlight = sql`select pg_sleep(3), set_config('application_name', ${tag}, false)`.execute(db)
      await new Promise((resolve) => setTimeout(resolve, 500))
      const { rows } = await admin.query<{ n: string }>(
        "SELECT count(pg_terminate_backend(pid)) AS n FROM pg_stat_activity WHERE datname = 'users' AND (application_name = $1 OR query LIKE '%pg_sleep(3)%') AND pid <> pg_backend_pid()",
        [tag],
      )
      expect(Number(rows[0]?.n)).toBe(2)
      await expect(transaction).rejects.toThrow()
      await expect(inFlight).rejects.toThrow()
      expect((await sql<{ n: number }>`select 42 as n`.execute(db)).rows).toEqual([{ n: 42 }])
    } finally {
      await admin.end()
      await db.destroy()
    }
  })
})

describe('/health (alive) and /ready (dependencies reachable)', () => {
  it('a subgraph whose Redis is frozen: /health 200, /ready 503 naming redis within its timeout; once Redis is back, /ready 200', async () => {
    const redis = stackUrls().pids.redis
    if (!redis) return console.warn('no Redis in this stack: nothing to freeze')
    const comments = stackUrls().subgraphs.comments
    const ready = async () => {
      const response = await fetch(siblingUrl(comments, '/ready'))
      return { status: response.status, body: (await response.json()) as { dependencies: Record<string, { state: string }> } }
    }
    const before = await ready()
    expect(before).toMatchObject({ status: 200, body: { dependencies: { database: { state: 'up' }, redis: { state: 'up' } } } })

    freeze(redis)
    const asked = Date.now()
    const during = await ready()
    expect(Date.now() - asked).toBeLessThan(5_000)
    expect(during).toMatchObject({ status: 503, body: { dependencies: { database: { state: 'up' }, redis: { state: 'down' } } } })
    expect((await fetch(siblingUrl(comments, '/health'))).status).toBe(200)
    // reads go on without Redis (the cache falls back to the database)
    expect((await commentsPage((await hotProduct()).id)).errors).toBeUndefined()
    thaw(redis)

    const after = await pollUntil(ready, (r) => r.status === 200, { timeoutMs: 15_000, intervalMs: 200, what: '/ready once Redis is back' })
    expect(after.body.dependencies.redis?.state).toBe('up')
  }, 30_000)

  it('the gateway is ready when its subgraphs are alive; the façade when Temporal answers', async () => {
    const gatewayReady = await fetch(siblingUrl(stackUrls().gateway, '/ready'))
    expect(gatewayReady.status).toBe(200)
    const body = (await gatewayReady.json()) as { dependencies: Record<string, { state: string }> }
    expect(Object.keys(body.dependencies).sort()).toEqual([...SUBGRAPH_NAMES].sort())
    const facadeReady = await fetch(siblingUrl(stackUrls().subgraphs.facade, '/ready'))
    expect(facadeReady.status).toBe(200)
    expect(((await facadeReady.json()) as { dependencies: Record<string, { state: string }> }).dependencies.temporal?.state).toBe('up')
  })
})

describe('the workflow worker stops during a mutation', () => {
  it('postComment answers within MUTATION_WAIT_MS with its operation RUNNING; once the worker is back the operation completes', async () => {
    const worker = stackUrls().pids['workflow-worker'] as number
    const author = await registerFreshUser('heal')
    const product = await hotProduct()
    freeze(worker)
    const asked = Date.now()
    const res = await gql(
      `mutation ($input: PostCommentInput!) { postComment(input: $input) { comment { id } ${OPERATION_FIELDS} } }`,
      { input: { subject: { type: 'PRODUCT', id: product.id }, body: 'Posted while the worker slept.' } },
      { token: author.token },
    )
    const waited = Date.now() - asked
    expect(res.errors).toBeUndefined()
    expect(waited).toBeLessThan(MUTATION_WAIT_MS + 10_000)
    const operation = res.data?.postComment.operation as OperationView
    expect(operation).toMatchObject({ status: 'RUNNING', closedAt: null })
    expect(operation.id).toMatch(/^post-comment-/)
    expect(res.data?.postComment.comment).toBeNull()
    thaw(worker)

    const done = await waitForOperation(operation.id, author.token, 60_000)
    expect(done.status).toBe('COMPLETED')
    expect(alive(worker)).toBe(true)
  }, 120_000)
})

describe('the workflow worker is SIGKILLed during a mutation (the supervisor starts it again)', () => {
  it('postComment answers within MUTATION_WAIT_MS, and the operation completes on the new worker with one comment', async () => {
    const worker = stackUrls().pids['workflow-worker'] as number
    const author = await registerFreshUser('heal_kill')
    const product = await hotProduct()
    const body = `Posted while the worker died ${Date.now()}.`
    // frozen first, so that it has taken the run's first task when it dies
    freeze(worker)
    const answer = gql(
      `mutation ($input: PostCommentInput!) { postComment(input: $input) { comment { id } ${OPERATION_FIELDS} } }`,
      { input: { subject: { type: 'PRODUCT', id: product.id }, body } },
      { token: author.token },
    )
    await new Promise((resolve) => setTimeout(resolve, 1_000))
    process.kill(worker, 'SIGKILL')
    const asked = Date.now()
    const res = await answer
    expect(res.errors).toBeUndefined()
    expect(Date.now() - asked).toBeLessThan(MUTATION_WAIT_MS + 10_000)
    const operation = res.data?.postComment.operation as OperationView
    const done = await waitForOperation(operation.id, author.token, 90_000)
    expect(done.status).toBe('COMPLETED')
    const replacement = await pollUntil(
      async () => stackUrls().pids['workflow-worker'],
      (pid) => pid !== undefined && pid !== worker && alive(pid),
      {
        timeoutMs: 15_000,
        intervalMs: 200,
        what: 'the supervisor to start a new workflow worker',
      },
    )
    expect(replacement).not.toBe(worker)
    const comments = await withDatabase(
      'comments',
      async (db) => (await db.query('SELECT id FROM comments WHERE body = $1', [body])).rowCount,
    )
    expect(comments).toBe(1)
  }, 150_000)
})

describe('the Temporal server freezes during moderateReview', () => {
  it('the moderator gets a bounded answer (RUNNING with its operation, or an error to retry), and once Temporal is back the run ends', async () => {
    const temporal = temporalPid()
    expect(temporal).toBeDefined()
    const productId = await createFreshProduct('Frozen Temporal product')
    const reviewId = await submitProductReview(await registerFreshUser('frz'), productId, 4)
    const moderator = await login('moderator')
    const operationId = `moderate-review-${reviewId}`
    const moderatorId = (await seedUser('moderator')).id

    freeze(temporal as number)
    // asked of the façade itself: the gateway's own subgraph timeout must not be what answers
    const asked = Date.now()
    const response = await fetch(stackUrls().subgraphs.facade, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...callerHeader(asUser(moderatorId, 'MODERATOR'), DEV_GATEWAY_SECRET, Date.now(), 'facade'),
      },
      body: JSON.stringify({
        query: 'mutation ($input: ModerateReviewInput!) { moderateReview(input: $input) { review { id } operation { id } } }',
        variables: { input: { reviewId, decision: 'APPROVE' } },
      }),
      signal: AbortSignal.timeout(MUTATION_WAIT_MS + 5_000),
    })
    const answer = (await response.json()) as {
      data?: { moderateReview: { operation: { id: string } } } | null
      errors?: { extensions?: { code?: string } }[]
    }
    const waited = Date.now() - asked
    console.log(
      `moderateReview with Temporal frozen answered in ${(waited / 1000).toFixed(1)} s: ${JSON.stringify(answer.errors ?? answer.data)}`,
    )
    expect(waited).toBeLessThan(MUTATION_WAIT_MS + 5_000)
    if (answer.errors) {
      // not known whether the decision was taken: an error the client may retry
      expect(answer.errors.map((e) => e.extensions?.code)).toEqual(['INTERNAL_SERVER_ERROR'])
    } else {
      expect(answer.data?.moderateReview.operation).toEqual({ id: operationId })
    }
    // the façade and the services are still up meanwhile
    expect((await fetch(siblingUrl(stackUrls().subgraphs.facade, '/health'))).status).toBe(200)
    thaw(temporal as number)

    // the moderator retries (the same decision): it is taken now, or it was taken then (CONFLICT)
    const retried = await pollUntil(
      () => moderateReview(reviewId, moderator),
      (res) => !res.errors || res.errors.some((e) => e.extensions?.code === 'CONFLICT'),
      { timeoutMs: 60_000, intervalMs: 1_000, what: 'moderateReview answering once Temporal is back' },
    )
    if (!retried.errors) expect(retried.data?.moderateReview.review.status).toBe('PUBLISHED')
    const done = await waitForOperation(operationId, moderator, 60_000)
    expect(done.status).toBe('COMPLETED')
    const { pids } = stackUrls()
    for (const name of [...SUBGRAPH_NAMES, 'workflow-worker', 'gateway']) expect(alive(pids[name] as number)).toBe(true)
  }, 180_000)
})

describe('Temporal restarts (SIGKILL; the stack supervisor starts it again with the same state)', () => {
  it('reads never wait for it; every worker reconnects by itself (same pids) and a mutation afterwards completes', async () => {
    const temporal = temporalPid()
    if (!temporal || !stackUrls().pids.temporal) return console.warn('Temporal is not supervised in this stack: not killing it')
    const names = ['users', 'comments', 'facade', 'workflow-worker'] as const
    const before = Object.fromEntries(names.map((name) => [name, stackUrls().pids[name]]))
    const product = await hotProduct()
    const author = await registerFreshUser('tmprst')
    process.kill(temporal, 'SIGKILL')
    const killedAt = Date.now()
    // the read path does not touch Temporal
    expect((await commentsPage(product.id)).errors).toBeUndefined()

    const facadeReady = async () => (await fetch(siblingUrl(stackUrls().subgraphs.facade, '/ready'))).status
    await pollUntil(facadeReady, (status) => status === 200, {
      timeoutMs: 90_000,
      intervalMs: 500,
      what: "the façade's /ready once Temporal is back",
    })
    console.log(`Temporal answered the façade again ${((Date.now() - killedAt) / 1000).toFixed(1)} s after SIGKILL`)
    const res = await gql(
      `mutation ($input: PostCommentInput!) { postComment(input: $input) { comment { id } ${OPERATION_FIELDS} } }`,
      { input: { subject: { type: 'PRODUCT', id: product.id }, body: 'Posted after Temporal came back.' } },
      { token: author.token },
    )
    expect(res.errors).toBeUndefined()
    const operation = res.data?.postComment.operation as OperationView
    const done = operation.status === 'RUNNING' ? await waitForOperation(operation.id, author.token, 90_000) : operation
    expect(done.status).toBe('COMPLETED')
    console.log(`a postComment started after the restart completed ${((Date.now() - killedAt) / 1000).toFixed(1)} s after SIGKILL`)
    // healed, not restarted
    expect(Object.fromEntries(names.map((name) => [name, stackUrls().pids[name]]))).toEqual(before)
    for (const name of names) expect(alive(before[name] as number)).toBe(true)
  }, 240_000)
})

describe('a moderation run waits a bounded time for its decision', () => {
  it('a run started without its update (the update was lost) ends FAILED with the reason once the decision timeout passes, having changed nothing', async () => {
    const connection = await Connection.connect({ address: stackUrls().temporal.address })
    try {
      const client = new Client({ connection, namespace: 'default' })
      const reviewId = '00000000-0000-4000-8000-00000000d1ce'
      const workflowId = `moderate-review-${reviewId}-lost-${Date.now()}`
      const handle = await client.workflow.start('moderateReview', {
        taskQueue: 'scenarios',
        workflowId,
        args: [{ reviewId, ratingDeadline: '20s', decisionTimeout: '2s' }],
      })
      await expect(handle.result()).rejects.toThrow()
      const description = await handle.describe()
      expect(description.status.name).toBe('FAILED')
      const operation = await operationOf(workflowId, await login('moderator'))
      expect(operation).toMatchObject({ status: 'FAILED', error: expect.stringMatching(/no moderation decision/i) })
      expect(operation?.steps).toEqual([])
    } finally {
      await connection.close()
    }
  }, 60_000)
})
