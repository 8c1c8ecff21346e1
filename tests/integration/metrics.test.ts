// Scenario: Prometheus scrapes the running stack. The gateway's /metrics (its own port) and a
// subgraph's parse as Prometheus text and hold the latency histograms, cache counters, pool gauges
// and Redis timings the dashboard reads, with the labels it groups by.
import { parseMetrics } from '@marketplace/service-template'
import { stackUrls } from '../support/stack'
import { gql } from '../support/client'
import { COMMENTS_PAGE, createFreshProduct, removeCreatedRows, query, registerFreshUser, siblingUrl, subgraphUrl } from './helpers'

// the products made here are removed again: other suites count the seeded ones
afterAll(removeCreatedRows)

// a sample line: name, optional {labels}, a number (Prometheus' text format, version 0.0.4; NaN and Inf in any case, as Go's ParseFloat reads them)
const SAMPLE = /^[a-zA-Z_:][a-zA-Z0-9_:]*(\{([a-zA-Z_][a-zA-Z0-9_]*="(\\.|[^"\\])*",?)*\})? -?(\d+(\.\d+)?(e[+-]?\d+)?|nan|\+inf|-inf)$/i

async function scrape(url: string): Promise<{ text: string; samples: Record<string, number> }> {
  const response = await fetch(url)
  expect(response.status).toBe(200)
  expect(response.headers.get('content-type')).toMatch(/^text\/plain/)
  const text = await response.text()
  return { text, samples: parseMetrics(text) }
}

/** Every line is a comment (# HELP / # TYPE) or a sample: what Prometheus would accept. */
function expectPrometheusText(text: string): void {
  const bad = text
    .split('\n')
    .filter((line) => line !== '' && !line.startsWith('# HELP ') && !line.startsWith('# TYPE ') && !SAMPLE.test(line))
  expect(bad).toEqual([])
}

const keysOf = (samples: Record<string, number>, prefix: string): string[] => Object.keys(samples).filter((k) => k.startsWith(prefix))

describe('/metrics', () => {
  beforeAll(async () => {
    // one comments page through the plan (a fresh product: a response-cache miss), once more from the cache, and a write
    const productId = await createFreshProduct('Metrics page product')
    const author = await registerFreshUser('metrics')
    await query(
      'mutation ($input: PostCommentInput!) { postComment(input: $input) { comment { id } } }',
      { input: { subject: { type: 'PRODUCT', id: productId }, body: 'Counted.' } },
      author.token,
    )
    for (let i = 0; i < 2; i++) expect((await gql(COMMENTS_PAGE, { subject: { type: 'PRODUCT', id: productId } })).errors).toBeUndefined()
  })

  it("the gateway's: operation latency by name, type and outcome; each subgraph fetch; cache counters; process metrics", async () => {
    const { text, samples } = await scrape(stackUrls().gatewayMetrics)
    expectPrometheusText(text)
    expect(text).toContain('# TYPE graphql_request_duration_seconds histogram')
    expect(text).toContain('# TYPE gateway_subgraph_fetch_duration_seconds histogram')
    const page = keysOf(samples, 'graphql_request_duration_seconds_count{').filter((k) => k.includes('operation="CommentsPage"'))
    expect(page.some((k) => k.includes('outcome="ok"') && k.includes('type="query"'))).toBe(true)
    expect(page.some((k) => k.includes('outcome="cached"'))).toBe(true)
    expect(keysOf(samples, 'graphql_request_duration_seconds_bucket{').some((k) => k.includes('le="+Inf"'))).toBe(true)
    const mutations = keysOf(samples, 'graphql_request_duration_seconds_count{').filter((k) => k.includes('type="mutation"'))
    expect(mutations.length).toBeGreaterThan(0)
    for (const subgraph of ['users', 'comments', 'facade'])
      expect(samples[`gateway_subgraph_fetch_duration_seconds_count{outcome="ok",subgraph="${subgraph}"}`]).toBeGreaterThan(0)
    expect(samples.response_cache_hits_total).toBeGreaterThan(0)
    expect(samples.response_cache_misses_total).toBeGreaterThan(0)
    expect(samples.process_resident_memory_bytes).toBeGreaterThan(0)
  })

  it("a subgraph's: its operations, pool gauges, Redis command latency and entity-cache counters", async () => {
    const { text, samples } = await scrape(siblingUrl(subgraphUrl('users'), '/metrics'))
    expectPrometheusText(text)
    expect(keysOf(samples, 'graphql_request_duration_seconds_count{').some((k) => k.includes('subgraph="users"'))).toBe(true)
    for (const state of ['total', 'idle', 'waiting', 'max'])
      expect(samples[`db_pool_connections{pool="reads",state="${state}"}`]).toBeGreaterThanOrEqual(0)
    expect(samples['db_pool_connections{pool="reads",state="max"}']).toBeGreaterThan(0)
    expect(keysOf(samples, 'redis_command_duration_seconds_count{').length).toBeGreaterThan(0)
    expect(text).toContain('# TYPE user_cache_misses_total counter')
  })

  it("the façade's: every mutation's latency as its client saw it, by scenario and outcome", async () => {
    const { samples } = await scrape(siblingUrl(stackUrls().subgraphs.facade, '/metrics'))
    expect(samples['scenario_duration_seconds_count{outcome="ok",scenario="postComment"}']).toBeGreaterThan(0)
  })
})
