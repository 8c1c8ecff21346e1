import cluster, { type Worker } from 'node:cluster'
import { AggregatorRegistry, type MetricObjectWithValues, type MetricValue } from 'prom-client'

/** How a supervisor waits before restarting a process that died (the stack's and a cluster primary's). */
export interface RestartPolicy {
  /** the wait before the first restart, doubled for each restart in a row */
  readonly initialDelayMs: number
  readonly maxDelayMs: number
  /** a process that stayed up this long was healthy: its next restart waits initialDelayMs again */
  readonly stableAfterMs: number
}

export const DEFAULT_RESTART_POLICY: RestartPolicy = { initialDelayMs: 500, maxDelayMs: 30_000, stableAfterMs: 60_000 }

/** The wait before the `inARow`-th restart in a row (1-based): 0.5 s, 1 s, 2 s, … up to 30 s. */
export function restartDelayMs(inARow: number, policy: RestartPolicy = DEFAULT_RESTART_POLICY): number {
  return Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** Math.max(0, inARow - 1))
}

/** Counts restarts in a row; a process that had stayed up `stableAfterMs` starts the count again. */
export class RestartBackoff {
  private inARow = 0
  restarts = 0

  constructor(private readonly policy: RestartPolicy = DEFAULT_RESTART_POLICY) {}

  /** The wait before restarting a process that ran for `upForMs`. */
  next(upForMs: number): number {
    if (upForMs >= this.policy.stableAfterMs) this.inARow = 0
    this.inARow++
    this.restarts++
    return restartDelayMs(this.inARow, this.policy)
  }
}

export const describeExit = (code: number | null, signal: string | null): string => `code ${code}, signal ${signal ?? 'none'}`

/**
 * `count` > 1: this process becomes a cluster primary that only forks `count` workers sharing the
 * port, and restarts a worker that dies (with back-off) instead of exiting; SIGINT/SIGTERM stop
 * them all. Returns true in the primary (which must not start the server itself).
 */
export function forkWorkers(name: string, count: number, policy: RestartPolicy = DEFAULT_RESTART_POLICY): boolean {
  if (count <= 1 || !cluster.isPrimary) return false
  // before the first fork: a worker announces its metrics as soon as it has them
  serveClusterMetrics()
  const backoff = new RestartBackoff(policy)
  const startedAt = new Map<number, number>()
  const fork = (): void => {
    const worker = cluster.fork()
    startedAt.set(worker.id, Date.now())
  }
  for (let i = 0; i < count; i++) fork()
  let stopping = false
  cluster.on('exit', (worker, code, signal) => {
    const upForMs = Date.now() - (startedAt.get(worker.id) ?? Date.now())
    startedAt.delete(worker.id)
    if (stopping) return
    const delayMs = backoff.next(upForMs)
    console.error(
      `[cluster] ${name} worker ${worker.process.pid} exited (${describeExit(code, signal)}); restarting in ${(delayMs / 1000).toFixed(1)} s (restart ${backoff.restarts})`,
    )
    setTimeout(() => {
      if (!stopping) fork()
    }, delayMs)
  })
  const stop = (): void => {
    stopping = true
    for (const worker of Object.values(cluster.workers ?? {})) {
      // a worker that already died may not be signalled or disconnected any more: its 'error'
      // event, unheard, would crash the primary (exit code 1) in the middle of a clean stop
      worker?.process.on('error', () => undefined)
      worker?.process.kill('SIGTERM')
    }
    setTimeout(() => process.exit(0), 10_000).unref()
    // done once every worker has exited (cluster forgets a worker when it has)
    const done = (): void => {
      if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(0)
    }
    cluster.on('exit', done)
    done()
  }
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)
  return true
}

// ---------------------------------------------------------------------------------------------
// Metrics across the cluster: each worker keeps its own registry; the primary asks every worker
// that announced one, over IPC, and sums their answers (prom-client's AggregatorRegistry.aggregate).
// Not AggregatorRegistry.clusterMetrics(): it asks every forked worker, so one still starting
// (no listener yet) fails the whole scrape after 5 s, and a worker serving /metrics must ask too.
// ---------------------------------------------------------------------------------------------

/** One process's metrics as prom-client's getMetricsAsJSON() gives them. */
export type WorkerMetrics = MetricObjectWithValues<MetricValue<string>>[]

/** a scrape gives up (503) when a worker has not answered by then */
export const CLUSTER_SCRAPE_TIMEOUT_MS = 3_000

const READY = 'marketplace:metrics-ready'
const COLLECT = 'marketplace:metrics-collect'
const COLLECTED = 'marketplace:metrics-collected'
const AGGREGATE = 'marketplace:metrics-aggregate'
const AGGREGATED = 'marketplace:metrics-aggregated'

interface MetricsMessage {
  readonly type: string
  readonly id?: number
  readonly metrics?: WorkerMetrics
  readonly text?: string
  readonly error?: string
}

const isMetricsMessage = (message: unknown): message is MetricsMessage =>
  typeof message === 'object' &&
  message !== null &&
  typeof (message as { type?: unknown }).type === 'string' &&
  (message as { type: string }).type.startsWith('marketplace:metrics-')

const errorText = (err: unknown): string => (err instanceof Error ? err.message : String(err))

// a closed channel (the other side is exiting) is not this process's failure
const sendTo = (target: Worker | NodeJS.Process, message: MetricsMessage): void => {
  try {
    if ('process' in target) target.send(message, () => undefined)
    else target.send?.(message, undefined, undefined, () => undefined)
  } catch {
    // ERR_IPC_CHANNEL_CLOSED: nobody is left to answer
  }
}

interface Round {
  readonly waiting: Set<number>
  readonly answers: WorkerMetrics[]
  finish(err?: Error): void
}

const readyWorkers = new Set<number>()
const rounds = new Map<number, Round>()
let nextRound = 0
let primaryListens = false

/** In a cluster primary: hears the workers' metrics and their requests for the sum (idempotent; forkWorkers calls it). */
export function serveClusterMetrics(): void {
  if (primaryListens || !cluster.isPrimary) return
  primaryListens = true
  cluster.on('message', (worker, message: unknown) => {
    if (!isMetricsMessage(message)) return
    if (message.type === READY) readyWorkers.add(worker.id)
    const id = message.id
    if (id === undefined) return
    if (message.type === COLLECTED) {
      const round = rounds.get(id)
      if (!round?.waiting.delete(worker.id)) return
      if (message.error !== undefined) return round.finish(new Error(`worker ${worker.process.pid}: ${message.error}`))
      round.answers.push(message.metrics ?? [])
      if (round.waiting.size === 0) round.finish()
    } else if (message.type === AGGREGATE) {
      clusterMetricsText().then(
        (text) => sendTo(worker, { type: AGGREGATED, id, text }),
        (err: unknown) => sendTo(worker, { type: AGGREGATED, id, error: errorText(err) }),
      )
    }
  })
  // a worker that died took its counters with it: a scrape under way goes on without it
  cluster.on('exit', (worker) => {
    readyWorkers.delete(worker.id)
    for (const round of rounds.values()) if (round.waiting.delete(worker.id) && round.waiting.size === 0) round.finish()
  })
}

/** In a cluster primary: every ready worker's metrics, summed (gauges too; see prom-client's aggregators). */
export function clusterMetricsText(timeoutMs = CLUSTER_SCRAPE_TIMEOUT_MS): Promise<string> {
  serveClusterMetrics()
  return new Promise<string>((resolve, reject) => {
    const id = nextRound++
    const workers = [...readyWorkers].map((wid) => cluster.workers?.[wid]).filter((w): w is Worker => w?.isConnected() === true)
    const round: Round = {
      waiting: new Set(workers.map((w) => w.id)),
      answers: [],
      finish: (err) => {
        if (!rounds.delete(id)) return
        clearTimeout(timer)
        if (err) reject(err)
        else AggregatorRegistry.aggregate(round.answers).metrics().then(resolve, reject)
      },
    }
    rounds.set(id, round)
    const timer = setTimeout(() => {
      const late = [...round.waiting].map((wid) => cluster.workers?.[wid]?.process.pid ?? wid)
      round.finish(new Error(`cluster workers ${late.join(', ')} did not answer within ${timeoutMs} ms`))
    }, timeoutMs)
    for (const worker of workers) sendTo(worker, { type: COLLECT, id })
    if (round.waiting.size === 0) round.finish()
  })
}

let collectHere: (() => Promise<WorkerMetrics>) | null = null
const askedPrimary = new Map<number, { resolve(text: string): void; reject(err: Error): void }>()
let workerListens = false

function listenAsWorker(): void {
  if (workerListens) return
  workerListens = true
  process.on('message', (message: unknown) => {
    if (!isMetricsMessage(message) || message.id === undefined) return
    const id = message.id
    if (message.type === COLLECT) {
      const collect = collectHere ?? (async (): Promise<WorkerMetrics> => [])
      collect().then(
        (metrics) => sendTo(process, { type: COLLECTED, id, metrics }),
        (err: unknown) => sendTo(process, { type: COLLECTED, id, error: errorText(err) }),
      )
    } else if (message.type === AGGREGATED) {
      const asked = askedPrimary.get(id)
      askedPrimary.delete(id)
      if (message.error !== undefined) asked?.reject(new Error(message.error))
      else asked?.resolve(message.text ?? '')
    }
  })
}

/** In a cluster worker: the primary's scrapes read `collect` from now on (a no-op elsewhere). */
export function answerClusterScrapes(collect: () => Promise<WorkerMetrics>): void {
  if (!cluster.isWorker) return
  const first = collectHere === null
  collectHere = collect
  listenAsWorker()
  if (first) sendTo(process, { type: READY })
}

/** In a cluster worker: the whole cluster's metrics, which the primary sums. */
export function aggregateFromPrimary(timeoutMs = CLUSTER_SCRAPE_TIMEOUT_MS + 1_000): Promise<string> {
  listenAsWorker()
  return new Promise<string>((resolve, reject) => {
    const id = nextRound++
    const timer = setTimeout(() => {
      askedPrimary.delete(id)
      reject(new Error(`the cluster primary did not answer within ${timeoutMs} ms`))
    }, timeoutMs)
    askedPrimary.set(id, {
      resolve: (text) => (clearTimeout(timer), resolve(text)),
      reject: (err) => (clearTimeout(timer), reject(err)),
    })
    sendTo(process, { type: AGGREGATE, id })
  })
}
