// Metrics on prom-client: the text GET /metrics serves, the catalogue's histograms and gauges, the
// operation label's cap, the hooks other files call, and the sum over a real node:cluster.
import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { request } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ApolloServer } from '@apollo/server'
import { parse } from 'graphql'
import { createCache, memoryCache } from '../../packages/service-template/src/cache'
import { ConfigError } from '../../packages/service-template/src/config'
import { createDatabase, createServiceDatabases } from '../../packages/service-template/src/database'
import { EntityCache } from '../../packages/service-template/src/entity-cache'
import {
  COUNTERS,
  GAUGES,
  HISTOGRAMS,
  MAX_OPERATION_LABELS,
  Metrics,
  metricKey,
  observeCachedResponse,
  operationMetricsPlugin,
  operationNameOf,
  parseMetrics,
  temporalMetricsOptions,
  timedFetcher,
} from '../../packages/service-template/src/metrics'
import { createLogger } from '../../packages/service-template/src/logger'
import { startSubgraph } from '../../packages/service-template/src/subgraph'
import { readServiceConfig } from '../../packages/service-template/src/config'
import { startMetricsServer } from '../../gateway/src/metrics-server'
import { freePort, waitFor } from '../../scripts/lib/ports'
import { findRedisServer } from '../../scripts/lib/prerequisites'
import { leashed } from '../../scripts/lib/processes'

const ROOT = join(__dirname, '..', '..')

/** `# TYPE` lines: name → type */
const typesOf = (text: string): Record<string, string> =>
  Object.fromEntries([...text.matchAll(/^# TYPE (\S+) (\S+)$/gm)].map(([, name = '', type = '']) => [name, type]))

const get = (url: string): Promise<{ status: number; type: string; body: string }> =>
  new Promise((resolve, reject) => {
    request(url, (res) => {
      let body = ''
      res.on('data', (chunk: Buffer) => (body += chunk.toString()))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type']), body }))
    })
      .on('error', reject)
      .end()
  })

describe('Metrics', () => {
  it('counts synchronously (get) and serves prom-client text with HELP and TYPE', async () => {
    const metrics = new Metrics()
    metrics.increment('response_cache_hits_total')
    metrics.increment('response_cache_hits_total', 2)
    metrics.increment('response_cache_misses_total', 0)
    metrics.increment('ignored_total', -1) // counters only go up
    expect(metrics.get('response_cache_hits_total')).toBe(3)
    expect(metrics.get('never_total')).toBe(0)
    const text = await metrics.metricsText()
    expect(text).toContain(`# HELP response_cache_hits_total ${COUNTERS.response_cache_hits_total}\n`)
    expect(text).toContain('# TYPE response_cache_hits_total counter\nresponse_cache_hits_total 3\n')
    // created on first use, at 0: its rate is defined from the start
    expect(parseMetrics(text)).toMatchObject({ response_cache_hits_total: 3, response_cache_misses_total: 0, ignored_total: 0 })
  })

  it('keeps each instance apart (tests run several services in one process)', async () => {
    const a = new Metrics()
    const b = new Metrics()
    a.increment('http_requests_total', 5)
    a.observe('redis_command_duration_seconds', { command: 'mget' }, 0.001)
    expect(b.get('http_requests_total')).toBe(0)
    const other = parseMetrics(await b.metricsText())
    expect(other.http_requests_total).toBeUndefined()
    expect(Object.keys(other).some((key) => key.startsWith('redis_command_duration_seconds'))).toBe(false)
  })

  it("serves the process's own metrics once (CPU, memory, event loop, GC), the old memory names with render()", async () => {
    const text = await new Metrics().metricsText()
    const types = typesOf(text)
    expect(types).toMatchObject({
      process_cpu_seconds_total: 'counter',
      process_resident_memory_bytes: 'gauge',
      nodejs_heap_size_used_bytes: 'gauge',
      nodejs_external_memory_bytes: 'gauge',
      nodejs_eventloop_lag_p99_seconds: 'gauge',
      nodejs_gc_duration_seconds: 'histogram',
    })
    expect(text.match(/^# TYPE process_resident_memory_bytes /gm)).toHaveLength(1)
    expect(parseMetrics(text).process_resident_memory_bytes).toBeGreaterThan(0)
  })

  it.each(Object.entries(HISTOGRAMS))('%s: a histogram with its buckets (le) and labels', async (name, spec) => {
    const metrics = new Metrics()
    const labels = Object.fromEntries(spec.labelNames.map((label) => [label, `a_${label}`]))
    metrics.observe(name as keyof typeof HISTOGRAMS, labels, spec.buckets[1] ?? 0)
    metrics.observe(name as keyof typeof HISTOGRAMS, labels, 1_000)
    const text = await metrics.metricsText()
    expect(typesOf(text)[name]).toBe('histogram')
    const samples = parseMetrics(text)
    const bucket = (le: string): number | undefined => samples[metricKey(`${name}_bucket`, { ...labels, le })]
    // cumulative: the first bucket holds neither, the second one, +Inf both
    expect(bucket(String(spec.buckets[0]))).toBe(0)
    expect(bucket(String(spec.buckets[1]))).toBe(1)
    expect(bucket('+Inf')).toBe(2)
    expect(samples[metricKey(`${name}_count`, labels)]).toBe(2)
    expect(samples[metricKey(`${name}_sum`, labels)]).toBeCloseTo(1_000 + (spec.buckets[1] ?? 0))
    const les = [...text.matchAll(new RegExp(`^${name}_bucket\\{le="([^"]+)"`, 'gm'))].map((m) => m[1])
    expect(les).toEqual([...spec.buckets.map(String), '+Inf'])
  })

  it('startTimer observes the seconds since, with the labels given at the end added', async () => {
    const metrics = new Metrics()
    const done = metrics.startTimer('scenario_duration_seconds', { scenario: 'postComment' })
    await new Promise((r) => setTimeout(r, 20))
    const seconds = done({ outcome: 'ok' })
    expect(seconds).toBeGreaterThanOrEqual(0.015)
    const samples = parseMetrics(await metrics.metricsText())
    expect(samples[metricKey('scenario_duration_seconds_count', { scenario: 'postComment', outcome: 'ok' })]).toBe(1)
    expect(samples[metricKey('scenario_duration_seconds_sum', { scenario: 'postComment', outcome: 'ok' })]).toBeCloseTo(seconds)
  })

  it('refuses a label the catalogue does not name (cardinality stays the catalogue’s)', () => {
    const metrics = new Metrics()
    expect(() => metrics.observe('redis_command_duration_seconds', { command: 'mget', key: 'user:1' } as never, 0.001)).toThrow(/label/i)
  })

  it.each(Object.entries(GAUGES))('%s: a gauge read from its collectors at each scrape', async (name, spec) => {
    const metrics = new Metrics()
    let value = 1
    const labels = Object.fromEntries(spec.labelNames.map((label) => [label, 'a']))
    const remove = metrics.gauge(name as keyof typeof GAUGES, (set) => set(labels as never, value))
    metrics.gauge(name as keyof typeof GAUGES, (set) => set({ ...labels, [spec.labelNames[0]]: 'b' } as never, 7))
    expect(typesOf(await metrics.metricsText())[name]).toBe('gauge')
    value = 3
    expect(parseMetrics(await metrics.metricsText())[metricKey(name, labels)]).toBe(3)
    remove()
    const after = parseMetrics(await metrics.metricsText())
    expect(after[metricKey(name, labels)]).toBeUndefined()
    expect(after[metricKey(name, { ...labels, [spec.labelNames[0]]: 'b' })]).toBe(7)
  })

  it(`caps operation names at ${MAX_OPERATION_LABELS}, then "other"; none is "anonymous"`, () => {
    const metrics = new Metrics()
    expect(metrics.operationLabel(undefined)).toBe('anonymous')
    expect(metrics.operationLabel(null)).toBe('anonymous')
    expect(metrics.operationLabel('')).toBe('anonymous')
    expect(metrics.operationLabel('CommentsPage')).toBe('CommentsPage')
    for (let i = 1; i < MAX_OPERATION_LABELS; i++) expect(metrics.operationLabel(`Op${i}`)).toBe(`Op${i}`)
    expect(metrics.operationLabel('OneTooMany')).toBe('other')
    // the names already seen keep their label
    expect(metrics.operationLabel('CommentsPage')).toBe('CommentsPage')
    expect(metrics.operationLabel(`Op${MAX_OPERATION_LABELS - 1}`)).toBe(`Op${MAX_OPERATION_LABELS - 1}`)
    // what is not a GraphQL name never becomes a label value
    const fresh = new Metrics()
    expect(fresh.operationLabel('a b')).toBe('other')
    expect(fresh.operationLabel('x'.repeat(101))).toBe('other')
    expect(fresh.operationLabel('"quoted"')).toBe('other')
  })
})

describe('parseMetrics', () => {
  it('reads labelled samples by metricKey (labels sorted), unescaping their values', () => {
    const text = [
      '# HELP h a histogram',
      '# TYPE h histogram',
      'h_bucket{le="0.1",op="A"} 1',
      'h_bucket{op="A",le="+Inf"} 2',
      'h_sum{op="A"} 0.3',
      'h_count{op="A"} 2',
      'g{path="a\\"b\\\\c",x="1,2}"} 5',
      'inf +Inf',
      'neg -Inf',
      'stamped 4 1700000000000',
      'g{} 9',
    ].join('\n')
    const parsed = parseMetrics(text)
    expect(parsed).toMatchObject({
      'h_bucket{le="0.1",op="A"}': 1,
      'h_bucket{le="+Inf",op="A"}': 2,
      'h_sum{op="A"}': 0.3,
      'h_count{op="A"}': 2,
      inf: Infinity,
      neg: -Infinity,
      stamped: 4,
      g: 9,
    })
    expect(parsed[metricKey('g', { path: 'a"b\\c', x: '1,2}' })]).toBe(5)
    expect(metricKey('h_bucket', { op: 'A', le: '0.1' })).toBe('h_bucket{le="0.1",op="A"}')
  })
})

describe('the hooks other files call', () => {
  const typeDefs = `#graphql
    type Query { hello: String, broken: String }
    type Mutation { poke: Boolean }
  `
  const resolvers = {
    Query: {
      hello: () => 'hi',
      broken: () => {
        throw new Error('no')
      },
    },
    Mutation: { poke: () => true },
  }

  async function run(metrics: Metrics, subgraph: string | undefined, queries: string[]): Promise<Record<string, number>> {
    const apollo = new ApolloServer({ typeDefs, resolvers, plugins: [operationMetricsPlugin(metrics, subgraph)] })
    await apollo.start()
    try {
      for (const query of queries) await apollo.executeOperation({ query })
    } finally {
      await apollo.stop()
    }
    return parseMetrics(await metrics.metricsText())
  }

  it('operationMetricsPlugin: graphql_request_duration_seconds{operation, type, outcome} per request', async () => {
    const samples = await run(new Metrics(), undefined, [
      'query Hello { hello }',
      'query Hello { hello }',
      '{ hello }',
      'query Broken { broken }',
      'mutation Poke { poke }',
      '{ hello ',
    ])
    const count = (labels: Record<string, string>): number | undefined =>
      samples[metricKey('graphql_request_duration_seconds_count', labels)]
    expect(count({ operation: 'Hello', type: 'query', outcome: 'ok' })).toBe(2)
    expect(count({ operation: 'anonymous', type: 'query', outcome: 'ok' })).toBe(1)
    expect(count({ operation: 'Broken', type: 'query', outcome: 'error' })).toBe(1)
    expect(count({ operation: 'Poke', type: 'mutation', outcome: 'ok' })).toBe(1)
    // a syntax error: no operation was resolved
    expect(count({ operation: 'anonymous', type: 'unknown', outcome: 'error' })).toBe(1)
  })

  it('operationMetricsPlugin at a subgraph adds its name', async () => {
    const samples = await run(new Metrics(), 'users', ['query Me { hello }'])
    expect(
      samples[metricKey('graphql_request_duration_seconds_count', { subgraph: 'users', operation: 'Me', type: 'query', outcome: 'ok' })],
    ).toBe(1)
  })

  it('observeCachedResponse: a response-cache hit at the gateway, named like Apollo names it (outcome cached)', async () => {
    const metrics = new Metrics()
    const page = parse('query CommentsPage { hello } fragment F on Query { hello }')
    observeCachedResponse(metrics, page, undefined, performance.now() - 5)
    observeCachedResponse(metrics, parse('query A { hello } query B { hello }'), 'B', performance.now())
    const samples = parseMetrics(await metrics.metricsText())
    const count = (operation: string) =>
      samples[metricKey('graphql_request_duration_seconds_count', { operation, type: 'query', outcome: 'cached' })]
    expect(count('CommentsPage')).toBe(1)
    expect(count('B')).toBe(1)
    expect(
      samples[metricKey('graphql_request_duration_seconds_sum', { operation: 'CommentsPage', type: 'query', outcome: 'cached' })],
    ).toBeGreaterThan(0.004)
    expect(operationNameOf(parse('query A { hello } query B { hello }'), undefined)).toBeUndefined()
    expect(operationNameOf(parse('{ hello }'), null)).toBeUndefined()
  })

  it('timedFetcher: gateway_subgraph_fetch_duration_seconds{subgraph, outcome} per call, the answer passed through', async () => {
    const metrics = new Metrics()
    const statuses = [200, 503]
    const fetch = timedFetcher(
      async (url: string, init?: { method: string }) => {
        const status = statuses.shift()
        if (status === undefined) throw new Error(`refused ${url} ${init?.method}`)
        return { status }
      },
      metrics,
      'users',
    )
    expect(await fetch('http://users/graphql', { method: 'POST' })).toEqual({ status: 200 })
    expect(await fetch('http://users/graphql')).toEqual({ status: 503 })
    await expect(fetch('http://users/graphql', { method: 'POST' })).rejects.toThrow('refused http://users/graphql POST')
    const samples = parseMetrics(await metrics.metricsText())
    const count = (outcome: string) => samples[metricKey('gateway_subgraph_fetch_duration_seconds_count', { subgraph: 'users', outcome })]
    expect(count('ok')).toBe(1)
    expect(count('error')).toBe(2)
  })

  it('temporalMetricsOptions: Temporal’s Prometheus exporter on TEMPORAL_METRICS_PORT, off without it', () => {
    expect(temporalMetricsOptions({})).toEqual({})
    expect(temporalMetricsOptions({ TEMPORAL_METRICS_PORT: '' })).toEqual({})
    expect(temporalMetricsOptions({ TEMPORAL_METRICS_PORT: '9464' })).toEqual({
      metrics: { prometheus: { bindAddress: '127.0.0.1:9464', countersTotalSuffix: true, useSecondsForDurations: true } },
    })
    expect(temporalMetricsOptions({ TEMPORAL_METRICS_PORT: '9464', TEMPORAL_METRICS_HOST: '0.0.0.0' }).metrics).toMatchObject({
      prometheus: { bindAddress: '0.0.0.0:9464' },
    })
    expect(temporalMetricsOptions({ TEMPORAL_METRICS_PORT: '9464', TEMPORAL_METRICS_HOST: '::' }).metrics).toMatchObject({
      prometheus: { bindAddress: '[::]:9464' },
    })
    expect(() => temporalMetricsOptions({ TEMPORAL_METRICS_PORT: 'x' })).toThrow(ConfigError)
  })

  it('db_pool_connections{pool, state}: both pools of a service, read from pg at each scrape', async () => {
    const metrics = new Metrics()
    // pools connect lazily: nothing listens there, nothing is opened
    const url = `postgres://postgres:postgres@127.0.0.1:${await freePort()}/none`
    const { reads, writes } = createServiceDatabases(
      { databaseUrl: url, databasePoolSize: 4, databaseWritePoolSize: 2, statementTimeoutMs: 1_000, databaseAcquireTimeoutMs: 200 },
      undefined,
      metrics,
    )
    const plain = createDatabase(url, 3) // no metrics: not counted
    try {
      const samples = parseMetrics(await metrics.metricsText())
      const pool = (name: string, state: string) => samples[metricKey('db_pool_connections', { pool: name, state })]
      expect([pool('reads', 'total'), pool('reads', 'idle'), pool('reads', 'waiting'), pool('reads', 'max')]).toEqual([0, 0, 0, 4])
      expect(pool('writes', 'max')).toBe(2)
      expect(Object.keys(samples).filter((key) => key.startsWith('db_pool_connections{'))).toHaveLength(8)
    } finally {
      await Promise.all([reads.destroy(), writes.destroy(), plain.destroy()])
    }
  })
})

describe('redis_command_duration_seconds', () => {
  it('times each round trip of the Redis cache by command, against a real redis-server', async () => {
    const binary = findRedisServer()
    if (!binary)
      throw new Error('redis-server not found: set REDIS_SERVER_PATH or put it on PATH (`npx tsx scripts/test-prerequisites.ts`)')
    const port = await freePort()
    const [command, args] = leashed(binary, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'])
    const server = spawn(command, args, { stdio: 'ignore' })
    const metrics = new Metrics()
    const cache = createCache(`redis://127.0.0.1:${port}`, createLogger('test', 'silent'), metrics)
    try {
      await waitFor(
        'redis',
        async () => {
          await cache.ping?.()
          return cache.healthy
        },
        { timeoutMs: 10_000, intervalMs: 50 },
      )
      await cache.put('k', 'v', 60)
      expect(await cache.getMany(['k', 'none'])).toEqual(['v', null])
      await cache.setIfUnchanged([{ key: 'g', value: '1', guardKey: 'g:v', guardValue: '' }], 60)
      await cache.getResponse('page')
      const samples = parseMetrics(await metrics.metricsText())
      const count = (name: string): number | undefined => samples[metricKey('redis_command_duration_seconds_count', { command: name })]
      expect(count('set')).toBe(1)
      expect(count('mget')).toBeGreaterThanOrEqual(1)
      expect(count('set_if_unchanged')).toBe(1)
      expect(count('get_response')).toBe(1)
      expect(count('ping')).toBeGreaterThanOrEqual(1)
      // the commands counter is still counted as before
      expect(metrics.get('redis_commands_total')).toBeGreaterThanOrEqual(4)
    } finally {
      await cache.close()
      server.kill('SIGKILL')
    }
  })
})

describe('GET /metrics over HTTP', () => {
  it('a subgraph serves prom-client text next to /graphql', async () => {
    const config = readServiceConfig('facade', { NODE_ENV: 'test', PORT: '0', LOG_LEVEL: 'silent', MIGRATE_ON_START: 'false' })
    const running = await startSubgraph(
      {
        name: 'facade',
        typeDefs: parse('type Query { hello: String }'),
        resolvers: { Query: { hello: () => 'hi' } },
        migrations: null,
        createLoaders: () => ({}),
      },
      config,
    )
    try {
      const graphql = await fetch(running.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ hello }' }),
      })
      expect(graphql.status).toBe(200)
      const served = await get(new URL('/metrics', running.url).toString())
      expect(served.status).toBe(200)
      expect(served.type).toBe('text/plain; version=0.0.4; charset=utf-8')
      expect(typesOf(served.body)).toMatchObject({ http_requests_total: 'counter', graphql_operations_total: 'counter' })
      expect(parseMetrics(served.body)).toMatchObject({ http_requests_total: 1, graphql_operations_total: 1 })
    } finally {
      await running.stop()
    }
  })

  it("the gateway's metrics listener: GET /metrics, 404 elsewhere", async () => {
    const metrics = new Metrics()
    metrics.increment('rate_limited_total')
    const server = await startMetricsServer(metrics, 0, '127.0.0.1')
    try {
      expect(server.url).toBe(`http://127.0.0.1:${server.port}/metrics`)
      const served = await get(server.url)
      expect(served.status).toBe(200)
      expect(served.body).toMatch(/^rate_limited_total 1$/m)
      expect((await get(server.url.replace('/metrics', '/'))).status).toBe(404)
    } finally {
      await server.stop()
    }
  })
})

describe('a cluster (WORKERS, GATEWAY_WORKERS > 1)', () => {
  const alive = (pid: number): boolean => existsSync(`/proc/${pid}`) && !/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'))

  it("sums the workers' metrics in the primary, and a worker's GET /metrics answers with the sum", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cluster-metrics-'))
    const program = join(dir, 'primary.ts')
    const src = (file: string): string => JSON.stringify(join(ROOT, 'packages', 'service-template', 'src', file))
    writeFileSync(
      program,
      `import { createServer } from 'node:http'
import { Metrics, sendMetrics, serveMetrics } from ${src('metrics')}
import { clusterMetricsText, forkWorkers } from ${src('workers')}
if (forkWorkers('demo', 2, { initialDelayMs: 50, maxDelayMs: 200, stableAfterMs: 60_000 })) {
  // the gateway's way: the primary serves the sum on a port of its own
  createServer((req, res) => sendMetrics(res, () => clusterMetricsText())).listen(Number(process.env.PRIMARY_PORT), '127.0.0.1')
} else {
  const metrics = new Metrics()
  metrics.increment('demo_total', 2)
  metrics.observe('scenario_duration_seconds', { scenario: 'postComment', outcome: 'ok' }, 0.2)
  metrics.gauge('db_pool_connections', (set) => set({ pool: 'reads', state: 'total' }, 3))
  // a subgraph's way: the workers share the port, whichever answers asks the primary
  createServer((req, res) => serveMetrics(res, metrics)).listen(Number(process.env.WORKER_PORT), '127.0.0.1', () => console.log('worker ' + process.pid))
}
`,
    )
    const [primaryPort, workerPort] = [await freePort(), await freePort()]
    const primary = spawn(process.execPath, ['--import', 'tsx', program], {
      cwd: ROOT,
      env: { ...process.env, PRIMARY_PORT: String(primaryPort), WORKER_PORT: String(workerPort) },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let out = ''
    primary.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString()))
    primary.stderr?.on('data', (chunk: Buffer) => (out += chunk.toString()))
    const workers = (): number[] => [...out.matchAll(/^worker (\d+)$/gm)].map((m) => Number(m[1]))
    const scrape = async (port: number): Promise<Record<string, number>> => {
      const served = await get(`http://127.0.0.1:${port}/metrics`)
      if (served.status !== 200) throw new Error(`${served.status}: ${served.body}`)
      return parseMetrics(served.body)
    }
    try {
      await waitFor('two workers', async () => workers().length === 2, { timeoutMs: 30_000, intervalMs: 50 })
      await waitFor('both workers in the sum', async () => (await scrape(primaryPort)).demo_total === 4, {
        timeoutMs: 10_000,
        intervalMs: 50,
      })
      const summed = await scrape(primaryPort)
      const labels = { scenario: 'postComment', outcome: 'ok' }
      expect(summed[metricKey('scenario_duration_seconds_count', labels)]).toBe(2)
      expect(summed[metricKey('scenario_duration_seconds_bucket', { ...labels, le: '0.25' })]).toBe(2)
      expect(summed[metricKey('scenario_duration_seconds_bucket', { ...labels, le: '0.1' })]).toBe(0)
      expect(summed[metricKey('db_pool_connections', { pool: 'reads', state: 'total' })]).toBe(6)
      expect(summed.process_resident_memory_bytes).toBeGreaterThan(0)
      for (let i = 0; i < 4; i++) expect((await scrape(workerPort)).demo_total).toBe(4)
      // a worker killed: the scrape goes on without it, and its replacement joins the sum
      const [first = 0] = workers()
      process.kill(first, 'SIGKILL')
      await waitFor('a third worker', async () => workers().length === 3, { timeoutMs: 30_000, intervalMs: 50 })
      await waitFor('the new worker in the sum', async () => (await scrape(primaryPort)).demo_total === 4, {
        timeoutMs: 10_000,
        intervalMs: 50,
      })
    } finally {
      primary.kill('SIGTERM')
      await waitFor('the workers to stop', async () => workers().every((pid) => !alive(pid)), { timeoutMs: 10_000, intervalMs: 50 }).catch(
        () => undefined,
      )
      primary.kill('SIGKILL')
      for (const pid of workers()) if (alive(pid)) process.kill(pid, 'SIGKILL')
    }
  }, 90_000)
})

describe('the counters the code increments', () => {
  const sources = (dir: string): string[] =>
    readdirSync(dir).flatMap((entry) => {
      const path = join(dir, entry)
      if (entry === 'node_modules' || entry === 'generated') return []
      if (statSync(path).isDirectory()) return sources(path)
      return path.endsWith('.ts') ? [path] : []
    })

  it('are all listed, with their help text, in COUNTERS', () => {
    const files = ['packages', 'gateway/src', 'subgraphs', 'workflows/src'].flatMap((dir) => sources(join(ROOT, dir)))
    const named = new Set<string>()
    for (const file of files) {
      for (const match of readFileSync(file, 'utf8').matchAll(/\.(?:increment|counter)\(\s*'([a-z_:]+)'/g)) named.add(match[1] ?? '')
      for (const match of readFileSync(file, 'utf8').matchAll(/increment\(\s*[\w.]+ \? '(\w+)' : '(\w+)'/g)) {
        named.add(match[1] ?? '')
        named.add(match[2] ?? '')
      }
    }
    expect(named.size).toBeGreaterThan(10)
    expect([...named].filter((name) => !(name in COUNTERS))).toEqual([])
    // and the list names none that nothing counts any more (the dashboard relies on it)
    expect(Object.keys(COUNTERS).filter((name) => !named.has(name))).toEqual([])
  })
})

describe('the Grafana dashboard (docker/grafana/dashboards/marketplace.json)', () => {
  interface Panel {
    readonly type: string
    readonly title: string
    readonly datasource?: { readonly uid: string }
    readonly targets?: readonly { readonly expr: string }[]
  }
  const dashboard = JSON.parse(readFileSync(join(ROOT, 'docker', 'grafana', 'dashboards', 'marketplace.json'), 'utf8')) as {
    readonly panels: readonly Panel[]
  }
  const graphs = dashboard.panels.filter((panel) => panel.type !== 'row')
  const expressions = graphs.flatMap((panel) => (panel.targets ?? []).map((target) => ({ panel: panel.title, expr: target.expr })))

  // PromQL's own words, and what is not a metric: functions (before a parenthesis), by/without lists, selectors, ranges
  const KEYWORDS = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'bool', 'and', 'or', 'unless', 'offset'])
  const metricNames = (expr: string): string[] => {
    const bare = expr
      .replace(/"(?:[^"\\]|\\.)*"/g, '""')
      .replace(/\{[^}]*\}/g, '')
      .replace(/\[[^\]]*\]/g, '')
      .replace(/\b(?:by|without|on|ignoring)\s*\([^)]*\)/g, '')
    return [...bare.matchAll(/[a-zA-Z_:][a-zA-Z0-9_:]*/g)]
      .filter((m) => !/^\s*\(/.test(bare.slice((m.index ?? 0) + m[0].length)) && !/[0-9.]$/.test(bare.slice(0, m.index)))
      .map((m) => m[0])
      .filter((word) => !KEYWORDS.has(word))
  }

  /** Every series name a process's Metrics registers, once each method has been used. */
  async function registeredNames(): Promise<Set<string>> {
    const metrics = new Metrics()
    for (const [name, spec] of Object.entries(HISTOGRAMS)) {
      metrics.observe(name as keyof typeof HISTOGRAMS, Object.fromEntries(spec.labelNames.map((label) => [label, 'x'])), 0.01)
    }
    for (const [name, spec] of Object.entries(GAUGES)) {
      metrics.gauge(name as keyof typeof GAUGES, (set) => set(Object.fromEntries(spec.labelNames.map((label) => [label, 'x'])) as never, 1))
    }
    for (const name of Object.keys(COUNTERS)) metrics.increment(name)
    // the users subgraph's entity cache, as subgraphs/users/src/user-cache.ts names it
    const users = new EntityCache<{ id: string }>(memoryCache(), metrics, {
      name: 'user',
      ttlSeconds: 60,
      localEntries: 10,
      localTtlSeconds: 5,
      fromJson: (json) => json,
    })
    await users.load(['1'], async () => [{ id: '1' }])
    const names = new Set<string>()
    for (const [name, type] of Object.entries(typesOf(await metrics.metricsText()))) {
      if (type === 'histogram') for (const suffix of ['_bucket', '_sum', '_count']) names.add(name + suffix)
      else names.add(name)
    }
    return names
  }

  it('has the panels asked for, each querying the provisioned Prometheus', () => {
    expect(graphs.length).toBeGreaterThanOrEqual(12)
    for (const panel of graphs) {
      expect({ panel: panel.title, uid: panel.datasource?.uid, targets: (panel.targets ?? []).length > 0 }).toEqual({
        panel: panel.title,
        uid: 'prometheus',
        targets: true,
      })
    }
    const all = expressions.map((e) => e.expr).join('\n')
    for (const needle of [
      'operation="CommentsPage"',
      'gateway_subgraph_fetch_duration_seconds_bucket{subgraph="users"}',
      'scenario_duration_seconds_count',
      'response_cache_hits_total',
      'user_cache_local_hits_total',
      'outcome="error"',
      'db_pool_connections',
      'redis_command_duration_seconds_bucket',
    ])
      expect(all).toContain(needle)
  })

  it('names only metrics that Metrics registers', async () => {
    const registered = await registeredNames()
    expect(metricNames('histogram_quantile(0.99, sum by (le, x) (rate(a_bucket{b="c"}[$__rate_interval]))) / b_total')).toEqual([
      'a_bucket',
      'b_total',
    ])
    const unknown = expressions.flatMap(({ panel, expr }) =>
      metricNames(expr)
        .filter((name) => !registered.has(name))
        .map((name) => `${panel}: ${name}`),
    )
    expect(unknown).toEqual([])
    expect(expressions.flatMap(({ expr }) => metricNames(expr)).length).toBeGreaterThan(20)
  })
})
