// Scenario: a tester follows a request through the system by its trace id. The embedded stack writes
// every process's spans as OTLP JSON under <data>/traces (npm run trace reads them); a mutation is
// always traced, end to end: gateway, façade, workflow, each activity and its SQL, one trace id,
// the one operation(id) reports. A read a client asks to trace (traceparent, sampled) is too.
import { randomBytes } from 'node:crypto'
import { join } from 'node:path'
import { readSpans, type TraceSpan } from '../../scripts/lib/traces'
import { stackUrls } from '../support/stack'
import { gql } from '../support/client'
import {
  COMMENTS_PAGE,
  createFreshProduct,
  hotProduct,
  OPERATION_FIELDS,
  pollUntil,
  query,
  registerFreshUser,
  removeCreatedRows,
  waitForOperation,
} from './helpers'

// the products made here are removed again: other suites count the seeded ones
afterAll(removeCreatedRows)

const SERVER = 2 // OTLP's SpanKind.SERVER

const tracesDir = (): string => join(stackUrls().dataDir, 'traces')

/** The trace's spans once `done` holds (spans reach the files in batches, every 200 ms in tests). */
const traceOnce = (traceId: string, done: (spans: TraceSpan[]) => boolean, what: string): Promise<TraceSpan[]> =>
  pollUntil(async () => readSpans(tracesDir(), traceId), done, { timeoutMs: 20_000, intervalMs: 250, what })

/** Whether `span` lies below `ancestor` in the tree. */
function isBelow(spans: readonly TraceSpan[], span: TraceSpan, ancestor: TraceSpan): boolean {
  const byId = new Map(spans.map((s) => [s.spanId, s]))
  for (
    let at = span.parentSpanId ? byId.get(span.parentSpanId) : undefined;
    at;
    at = at.parentSpanId ? byId.get(at.parentSpanId) : undefined
  )
    if (at.spanId === ancestor.spanId) return true
  return false
}

const isSql = (s: TraceSpan): boolean => typeof s.attributes['db.statement'] === 'string'

describe('a mutation is one trace, from the gateway to the last activity', () => {
  it('postComment: the gateway request, the façade fetch, the workflow, each activity and its SQL, under the id operation(id) reports', async () => {
    const author = await registerFreshUser('trace')
    const product = await hotProduct()
    const posted = await query<{ postComment: { comment: { id: string }; operation: { id: string } } }>(
      `mutation ($input: PostCommentInput!) { postComment(input: $input) { comment { id } ${OPERATION_FIELDS} } }`,
      { input: { subject: { type: 'PRODUCT', id: product.id }, body: 'Followed by its trace.' } },
      author.token,
    )
    const operation = await waitForOperation(posted.postComment.operation.id, author.token)
    const { operation: traced } = await query<{
      operation: { traceId: string | null; steps: { name: string; activity: string | null }[] }
    }>('query ($id: ID!) { operation(id: $id) { traceId steps { name activity } } }', { id: operation.id }, author.token)
    expect(traced.traceId).toMatch(/^[0-9a-f]{32}$/)
    const traceId = traced.traceId as string
    const activities = traced.steps.map((s) => s.activity).filter((a): a is string => a !== null)
    expect(activities.length).toBeGreaterThan(0)

    const spans = await traceOnce(
      traceId,
      (found) =>
        found.some((s) => s.service === 'gateway' && s.parentSpanId === null) &&
        found.some((s) => s.service === 'facade' && s.kind === SERVER) &&
        activities.every((a) => found.some((s) => s.name === `RunActivity:${a}` && found.some((q) => isSql(q) && isBelow(found, q, s)))),
      `trace ${traceId} with the gateway's request, the façade's and every activity's SQL`,
    )
    expect(new Set(spans.map((s) => s.traceId))).toEqual(new Set([traceId]))

    // the gateway's request: the root, a mutation
    const root = spans.find((s) => s.service === 'gateway' && s.parentSpanId === null)
    expect(root).toBeDefined()
    expect(root?.attributes['graphql.operation.type']).toBe('mutation')
    // one fetch span to the façade, and the façade's request below it
    const fetches = spans.filter((s) => s.name === 'gateway.fetch' && s.attributes.service === 'facade')
    expect(fetches).toHaveLength(1)
    const facadeRequest = spans.find((s) => s.service === 'facade' && s.parentSpanId === fetches[0]!.spanId)
    expect(facadeRequest?.name).toBe('mutation anonymous')
    // the façade starts the run; the workflow runs below that start; each activity below the workflow
    const start = spans.find((s) => s.name === 'StartWorkflow:postComment')
    expect(start && facadeRequest && isBelow(spans, start, facadeRequest)).toBe(true)
    const run = spans.find((s) => s.name === 'RunWorkflow:postComment')
    expect(run && start && isBelow(spans, run, start)).toBe(true)
    for (const activity of activities) {
      const span = spans.find((s) => s.name === `RunActivity:${activity}`)
      expect({ activity, belowTheRun: !!(span && run && isBelow(spans, span, run)) }).toEqual({ activity, belowTheRun: true })
    }
    // the comment's INSERT is in the trace, in the comments service
    expect(
      spans.some((s) => s.service === 'comments' && isSql(s) && /insert into "comments"/i.test(String(s.attributes['db.statement']))),
    ).toBe(true)
  })

  it('an error response carries the trace id, and that trace is kept although the ratio would drop it', async () => {
    const res = await gql('mutation { moderateReview(input: { reviewId: "not-a-uuid", decision: APPROVE }) { review { id } } }')
    const traceId = res.errors?.[0]?.extensions?.traceId
    expect(typeof traceId).toBe('string')
    const spans = await traceOnce(traceId as string, (found) => found.some((s) => s.parentSpanId === null), `trace ${String(traceId)}`)
    const root = spans.find((s) => s.parentSpanId === null)
    expect(root?.service).toBe('gateway')
    expect(root?.error).not.toBeNull()
  })
})

describe('a read a client asks to trace', () => {
  it('the comments page: the gateway span with one users fetch, and the users service answering it in one batch from Redis or SQL', async () => {
    // a product nobody has read yet: its page is a response-cache miss, so the plan runs
    const productId = await createFreshProduct('Traced page product')
    const author = await registerFreshUser('tracepage')
    await query(
      `mutation ($input: PostCommentInput!) { postComment(input: $input) { comment { id } } }`,
      { input: { subject: { type: 'PRODUCT', id: productId }, body: 'One comment with an author to look up.' } },
      author.token,
    )
    const traceId = randomBytes(16).toString('hex')
    const traceparent = `00-${traceId}-${randomBytes(8).toString('hex')}-01`
    const res = await gql(COMMENTS_PAGE, { subject: { type: 'PRODUCT', id: productId } }, { headers: { traceparent } })
    expect(res.errors).toBeUndefined()
    const spans = await traceOnce(
      traceId,
      (found) => found.some((s) => s.service === 'users' && s.kind === SERVER),
      `the users service's request in trace ${traceId}`,
    )
    const root = spans.find((s) => s.service === 'gateway' && s.kind === SERVER)
    expect(root?.name).toBe('query CommentsPage')
    expect(spans.find((s) => s.name === 'response-cache lookup')?.attributes['marketplace.cache.result']).toBe('miss')
    const userFetches = spans.filter((s) => s.name === 'gateway.fetch' && s.attributes.service === 'users')
    expect(userFetches).toHaveLength(1)
    const usersRequest = spans.find((s) => s.service === 'users' && s.parentSpanId === userFetches[0]!.spanId)
    expect(usersRequest?.kind).toBe(SERVER)
    // the resolver's I/O: one DataLoader batch for the page's authors, from the entity cache (Redis) or the database (SQL)
    const batch = spans.find((s) => s.service === 'users' && s.name === 'dataloader users by id')
    expect(batch && isBelow(spans, batch, usersRequest!)).toBe(true)
    expect(batch?.attributes['marketplace.batch.size']).toBeGreaterThan(0)
    const io = spans.filter((s) => isBelow(spans, s, batch!) && (isSql(s) || s.attributes['db.system'] === 'redis'))
    expect(io.length).toBeGreaterThan(0)
  })
})
