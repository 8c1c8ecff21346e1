// A process's Prometheus metrics, on prom-client: counters by name (created on first use), the
// histograms and gauges listed below, and the process's own (CPU, memory, event loop, GC).
import cluster from 'node:cluster'
import type { ServerResponse } from 'node:http'
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client'
import { aggregateFromPrimary, answerClusterScrapes, type WorkerMetrics } from './workers'

export * from './metrics-hooks'

const SECONDS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]

/** Every histogram a process may have; observe() and startTimer() take these names only. */
export const HISTOGRAMS = {
  graphql_request_duration_seconds: {
    help: 'GraphQL requests by operation (its name, at most 200 of them, then "other"), type and outcome (ok, error; cached at the gateway: served by the response cache); a subgraph adds its name',
    labelNames: ['operation', 'type', 'outcome', 'subgraph'],
    buckets: SECONDS,
  },
  gateway_subgraph_fetch_duration_seconds: {
    help: "The gateway's calls to a subgraph, until the whole answer is read (outcome error: no answer or not a 2xx)",
    labelNames: ['subgraph', 'outcome'],
    buckets: SECONDS,
  },
  redis_command_duration_seconds: {
    help: "The cache's Redis round trips by command (a script or a transaction is one)",
    labelNames: ['command'],
    buckets: [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5],
  },
  scenario_duration_seconds: {
    help: 'A façade mutation, from its start to its answer (outcome ok, running: answered RUNNING after MUTATION_WAIT_MS, refused, compensated, error)',
    labelNames: ['scenario', 'outcome'],
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30],
  },
} as const

/** Every gauge a process may have; each is read when scraped, from the collectors gauge() adds. */
export const GAUGES = {
  db_pool_connections: {
    help: 'A pg pool by state: total (open), idle, waiting (queries queued for a connection), max (the pool size)',
    labelNames: ['pool', 'state'],
  },
} as const

/** The counters the code increments, with their help text (any other name gets a generic one). */
export const COUNTERS: Readonly<Record<string, string>> = {
  http_requests_total: 'HTTP requests to /graphql',
  graphql_operations_total: 'Subgraph: GraphQL operations resolved',
  entities_requests_total: 'Subgraph: operations selecting _entities or _service (the gateway fetching entities)',
  db_queries_total: 'Subgraph: SQL queries run (both pools)',
  redis_commands_total: 'Redis commands sent by the cache (a transaction counts its commands)',
  cache_broadcast_unacknowledged_total: 'Processes that did not acknowledge a cache invalidation in time',
  requests_refused_total: 'Gateway: requests refused before execution (a bad Idempotency-Key, a query over a limit)',
  requests_timed_out_total: 'Gateway: requests answered 504 after REQUEST_TIMEOUT_MS',
  rate_limited_total: 'Gateway: login or registration attempts refused by the per-address limit',
  response_cache_hits_total: 'Gateway: cacheable requests answered from the response cache',
  response_cache_misses_total: 'Gateway: cacheable requests not in the response cache (computed)',
  response_cache_unavailable_total: 'Gateway: cacheable requests computed because Redis did not answer the lookup (bypass)',
  response_cache_stores_total: 'Gateway: computed responses stored in the response cache',
  response_cache_stores_skipped_total: 'Gateway: computed responses not stored (an invalidation ran meanwhile, a full tag set, too late)',
  password_checks_total: 'Users: passwords hashed to check a login',
  login_rate_limited_total: 'Users: logins refused by the per-username limit',
}

// an entity cache's counters are named after it (user_cache_local_hits_total, …)
const ENTITY_CACHE_HELP: Readonly<Record<string, string>> = {
  _cache_local_hits_total: "Entity cache: ids served from this process's memory",
  _cache_shared_hits_total: 'Entity cache: ids served from Redis',
  _cache_misses_total: 'Entity cache: ids read from the database',
  _cache_local_resets_total: 'Entity cache: local layers dropped after a missed invalidation',
}

const counterHelp = (name: string): string =>
  COUNTERS[name] ?? Object.entries(ENTITY_CACHE_HELP).find(([suffix]) => name.endsWith(suffix))?.[1] ?? name.replace(/_/g, ' ')

export type HistogramName = keyof typeof HISTOGRAMS
export type GaugeName = keyof typeof GAUGES
/** A histogram's labels: any of its label names (the gateway and the subgraphs set different ones). */
export type HistogramLabels<N extends HistogramName> = Partial<Record<(typeof HISTOGRAMS)[N]['labelNames'][number], string>>
export type GaugeLabels<N extends GaugeName> = Record<(typeof GAUGES)[N]['labelNames'][number], string>
/** Called at each scrape: `set` one value per label set. */
export type GaugeCollector<N extends GaugeName> = (set: (labels: GaugeLabels<N>, value: number) => void) => void

/** distinct operation names kept as label values, per process; the rest are "other" */
export const MAX_OPERATION_LABELS = 200
const GRAPHQL_NAME = /^[_A-Za-z][_0-9A-Za-z]{0,99}$/

/** One counter's value: the hot path adds to a number, prom-client reads it when scraped. */
export class CounterCell {
  value = 0

  inc(by = 1): void {
    if (by > 0) this.value += by
  }
}

let processRegistry: Registry | undefined

// CPU, memory, event loop and GC describe the process, not an instance: collected once per process
function processMetrics(): Registry {
  if (!processRegistry) {
    processRegistry = new Registry()
    collectDefaultMetrics({ register: processRegistry })
  }
  return processRegistry
}

/** A process's metrics, served at `GET /metrics` (Prometheus' text format). */
export class Metrics {
  /** this instance's own registry (not prom-client's global one: tests run several services in one process) */
  readonly registry = new Registry()
  private readonly counters = new Map<string, CounterCell>()
  private readonly histograms = new Map<HistogramName, Histogram>()
  private readonly gauges = new Map<GaugeName, GaugeCollector<GaugeName>[]>()
  private readonly operations = new Set<string>()

  constructor() {
    // in a cluster worker the primary reads this registry over IPC (the process's latest instance)
    answerClusterScrapes(() => this.metricsJson())
  }

  increment(name: string, by = 1): void {
    this.counter(name).inc(by)
  }

  /** The counter `name` (created at 0): a hot path keeps it and skips the lookup by name. */
  counter(name: string): CounterCell {
    let cell = this.counters.get(name)
    if (!cell) {
      const created = new CounterCell()
      const counter: Counter = new Counter({
        name,
        help: counterHelp(name),
        registers: [this.registry],
        collect: () => {
          counter.reset()
          counter.inc(created.value)
        },
      })
      this.counters.set(name, (cell = created))
    }
    return cell
  }

  /** A counter's value in this process (tests and the benchmark read them). */
  get(name: string): number {
    return this.counters.get(name)?.value ?? 0
  }

  observe<N extends HistogramName>(name: N, labels: HistogramLabels<N>, seconds: number): void {
    let histogram = this.histograms.get(name)
    if (!histogram) {
      const spec = HISTOGRAMS[name]
      histogram = new Histogram({
        name,
        help: spec.help,
        labelNames: spec.labelNames,
        buckets: [...spec.buckets],
        registers: [this.registry],
      })
      this.histograms.set(name, histogram)
    }
    histogram.observe(labels, seconds)
  }

  /** Starts timing now; the function it returns observes the seconds since (with more labels) and returns them. */
  startTimer<N extends HistogramName>(name: N, labels: HistogramLabels<N> = {}): (more?: HistogramLabels<N>) => number {
    const started = performance.now()
    return (more) => {
      const seconds = (performance.now() - started) / 1000
      this.observe(name, more ? { ...labels, ...more } : labels, seconds)
      return seconds
    }
  }

  /** An operation name as a label value: "anonymous" without one, "other" past MAX_OPERATION_LABELS names (or not a GraphQL name). */
  operationLabel(name: string | null | undefined): string {
    if (!name) return 'anonymous'
    if (this.operations.has(name)) return name
    if (this.operations.size >= MAX_OPERATION_LABELS || !GRAPHQL_NAME.test(name)) return 'other'
    this.operations.add(name)
    return name
  }

  /** Adds a collector to the gauge `name`; the function returned removes it. */
  gauge<N extends GaugeName>(name: N, collect: GaugeCollector<N>): () => void {
    let collectors = this.gauges.get(name)
    if (!collectors) {
      const list: GaugeCollector<GaugeName>[] = []
      const spec = GAUGES[name]
      const gauge: Gauge = new Gauge({
        name,
        help: spec.help,
        labelNames: spec.labelNames,
        registers: [this.registry],
        collect: () => {
          gauge.reset()
          const set = (labels: GaugeLabels<GaugeName>, value: number): void => gauge.set(labels, value)
          for (const each of list) each(set)
        },
      })
      this.gauges.set(name, (collectors = list))
    }
    const added = collect as GaugeCollector<GaugeName>
    collectors.push(added)
    return () => {
      const at = collectors.indexOf(added)
      if (at !== -1) collectors.splice(at, 1)
    }
  }

  /** Everything, in Prometheus' text format: the process's metrics, then this instance's. */
  async metricsText(): Promise<string> {
    const [process, own] = await Promise.all([processMetrics().metrics(), this.registry.metrics()])
    return `${process}\n${own}`
  }

  /** The same as prom-client's JSON, which a cluster primary sums over its workers. */
  async metricsJson(): Promise<WorkerMetrics> {
    const [process, own] = await Promise.all([processMetrics().getMetricsAsJSON(), this.registry.getMetricsAsJSON()])
    return [...process, ...own]
  }
}

export const METRICS_CONTENT_TYPE = Registry.PROMETHEUS_CONTENT_TYPE

/** Answers a GET /metrics with `text()`, or 503 when it cannot be had (a cluster worker did not answer in time). */
export function sendMetrics(res: ServerResponse, text: () => Promise<string>): void {
  text().then(
    (body) => {
      res.writeHead(200, { 'content-type': METRICS_CONTENT_TYPE })
      res.end(body)
    },
    (err: unknown) => {
      res.writeHead(503, { 'content-type': 'text/plain; charset=utf-8' })
      res.end(`metrics unavailable: ${err instanceof Error ? err.message : String(err)}\n`)
    },
  )
}

/** A service's GET /metrics: its own, or in a cluster worker every worker's, summed by the primary. */
export function serveMetrics(res: ServerResponse, metrics: Metrics): void {
  sendMetrics(res, cluster.isWorker ? () => aggregateFromPrimary() : () => metrics.metricsText())
}

const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g
const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?:[^"}]|"(?:[^"\\]|\\.)*")*\})?\s+(\S+)(?:\s+-?\d+)?$/

const escapeLabelValue = (value: string): string => value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"')

/** The key parseMetrics gives a sample: `name`, or `name{a="x",b="y"}` with the labels sorted by name. */
export function metricKey(name: string, labels: Readonly<Record<string, string | number>> = {}): string {
  const names = Object.keys(labels).sort()
  if (names.length === 0) return name
  return `${name}{${names.map((label) => `${label}="${escapeLabelValue(String(labels[label]))}"`).join(',')}}`
}

const sampleValue = (raw: string): number =>
  raw === '+Inf' ? Infinity : raw === '-Inf' ? -Infinity : /^nan$/i.test(raw) ? Number.NaN : Number(raw)

/**
 * Samples of Prometheus text by metricKey(): `name` for an unlabelled one (as tests and the
 * benchmark read counters), `name{…}` for labelled ones and histogram buckets (`h_bucket{le="0.1"}`).
 */
export function parseMetrics(text: string): Record<string, number> {
  const out: Record<string, number> = {}
  for (const line of text.split('\n')) {
    const match = SAMPLE.exec(line)
    if (!match?.[1] || match[3] === undefined) continue
    const labels: Record<string, string> = {}
    for (const [, label = '', value = ''] of (match[2] ?? '').matchAll(LABEL)) labels[label] = value
    // the values stay as escaped in the text: the key escapes them again, so unescape first
    const unescaped = Object.fromEntries(
      Object.entries(labels).map(([label, value]) => [label, value.replace(/\\(["\\n])/g, (_, c: string) => (c === 'n' ? '\n' : c))]),
    )
    out[metricKey(match[1], unescaped)] = sampleValue(match[3])
  }
  return out
}
