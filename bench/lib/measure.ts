// Before/after snapshots of the counters (subgraphs' /metrics, Redis INFO, /proc) around a
// measured window, and what they mean per page.
import { parseMetrics } from '../../packages/service-template/src/metrics'
import { getText } from './http'
import type { AttackResult } from './attack'
import type { LoadStats } from './load'
import type { SteadyResult } from './steady'
import type { WritesModeResult } from './writes-run'
import { cpus } from 'node:os'
import { cpuPercent, machineCpuPercent, machineTicks, parentMap, sampleTree, type MachineTicks, type TreeSample } from './proc'
import type { RedisServer } from './stack'
import { summarizeLatencies, type LatencySummary } from './stats'

export type Counters = Record<string, number>

export interface Snapshot {
  readonly at: number // performance.now()
  readonly metrics: Readonly<Record<string, Counters | null>>
  readonly redisCommands: number
  readonly trees: Readonly<Record<string, TreeSample>>
  readonly loadgenCpu: NodeJS.CpuUsage
  readonly machine: MachineTicks | null
}

export interface Watched {
  /** name → base URL (http://host:port) whose /metrics to read */
  readonly metrics: Readonly<Record<string, string>>
  /** name → root pid whose process tree to sample */
  readonly pids: Readonly<Record<string, number>>
}

export async function readMetrics(base: string): Promise<Counters | null> {
  try {
    return parseMetrics(await getText(`${base}/metrics`))
  } catch {
    return null
  }
}

export async function snapshot(watched: Watched, redis: RedisServer): Promise<Snapshot> {
  const entries = await Promise.all(Object.entries(watched.metrics).map(async ([name, base]) => [name, await readMetrics(base)] as const))
  const redisCommands = await redis.totalCommands()
  const parents = parentMap()
  const trees: Record<string, TreeSample> = {}
  for (const [name, pid] of Object.entries(watched.pids)) if (pid > 0) trees[name] = sampleTree(pid, parents)
  return {
    at: performance.now(),
    metrics: Object.fromEntries(entries),
    redisCommands,
    trees,
    loadgenCpu: process.cpuUsage(),
    machine: machineTicks(),
  }
}

export const delta = (before: Snapshot, after: Snapshot, source: string, counter: string): number =>
  (after.metrics[source]?.[counter] ?? 0) - (before.metrics[source]?.[counter] ?? 0)

export interface ProcessUsage {
  /** % of one core over the measured window */
  readonly cpuPercent: number
  /** VmHWM summed over the process tree, MB */
  readonly peakRssMB: number
  /** the largest VmHWM of one process of the tree, MB */
  readonly maxProcessPeakRssMB: number
  readonly processes: number
}

const MB = 1024 * 1024

export function processUsage(before: Snapshot, after: Snapshot): Record<string, ProcessUsage> {
  const seconds = (after.at - before.at) / 1000
  const out: Record<string, ProcessUsage> = {}
  for (const [name, end] of Object.entries(after.trees)) {
    const start = before.trees[name]
    out[name] = {
      cpuPercent: cpuPercent(start?.ticks ?? new Map(), end.ticks, seconds),
      peakRssMB: end.peakRssBytes / MB,
      maxProcessPeakRssMB: end.maxProcessPeakRssBytes / MB,
      processes: end.processes,
    }
  }
  const cpu = process.cpuUsage(before.loadgenCpu)
  out.loadgen = {
    cpuPercent: seconds > 0 ? (100 * (cpu.user + cpu.system)) / 1e6 / seconds : Number.NaN,
    peakRssMB: (process.resourceUsage().maxRSS * 1024) / MB,
    maxProcessPeakRssMB: (process.resourceUsage().maxRSS * 1024) / MB,
    processes: 1,
  }
  return out
}

export interface CacheRatios {
  readonly localHits: number
  readonly sharedHits: number
  readonly misses: number
  readonly local: number
  readonly shared: number
  readonly miss: number
}

export function usersCacheRatios(before: Snapshot, after: Snapshot): CacheRatios | null {
  const localHits = delta(before, after, 'users', 'user_cache_local_hits_total')
  const sharedHits = delta(before, after, 'users', 'user_cache_shared_hits_total')
  const misses = delta(before, after, 'users', 'user_cache_misses_total')
  const total = localHits + sharedHits + misses
  if (total === 0) return null
  return { localHits, sharedHits, misses, local: localHits / total, shared: sharedHits / total, miss: misses / total }
}

export interface ResponseCacheRatio {
  readonly hitRatio: number
  /** how it was measured */
  readonly source: 'gateway /metrics (1 worker)' | 'derived: 1 − comments subgraph operations ÷ pages'
  readonly hits?: number
  readonly misses?: number
  /** misses whose answer was not stored (an invalidation came while it was computed, or a full tag set); our gateway's counters only */
  readonly storesRefused?: number
}

/**
 * The response cache's hit ratio over a window: from our gateway's counters with one worker; else
 * (several workers, whose /metrics answers for one of them, or a third-party gateway's cache, with
 * `workers: 0`) derived: every miss is exactly one comments subgraph operation. Null without a cache.
 */
export function responseCacheRatio(
  before: Snapshot,
  after: Snapshot,
  pages: number,
  cache: { readonly enabled: boolean; readonly workers: number } | null,
): ResponseCacheRatio | null {
  if (!cache?.enabled) return null
  if (cache.workers === 1) {
    const hits = delta(before, after, 'gateway', 'response_cache_hits_total')
    const misses = delta(before, after, 'gateway', 'response_cache_misses_total')
    const storesRefused = delta(before, after, 'gateway', 'response_cache_stores_skipped_total')
    if (hits + misses > 0) return { hitRatio: hits / (hits + misses), source: 'gateway /metrics (1 worker)', hits, misses, storesRefused }
  }
  const commentsOps = delta(before, after, 'comments', 'graphql_operations_total')
  return {
    hitRatio: pages > 0 ? Math.max(0, 1 - commentsOps / pages) : Number.NaN,
    source: 'derived: 1 − comments subgraph operations ÷ pages',
  }
}

/** The load's numbers plus the counters' growth: one run of one variant. */
export interface RunResult {
  readonly variant: string
  readonly run: number
  readonly seconds: number
  readonly pages: number
  readonly pagesPerSecond: number
  readonly meanEdges: number
  readonly lookupsPerSecond: number
  readonly latencyMs: LatencySummary
  readonly errors: number
  readonly errorSamples: readonly string[]
  readonly verified: number
  readonly verifyFailures: number
  readonly verifySamples: readonly string[]
  readonly warmup: { readonly pages: number; readonly errors: number; readonly errorSamples: readonly string[] }
  readonly usersEntitiesPerPage: number
  readonly usersSqlPerPage: number
  readonly usersSqlPer100Lookups: number
  /** the same over the last seconds of the window only (how warm the caches got) */
  readonly usersSqlPer100LookupsTail: { readonly seconds: number; readonly value: number } | null
  readonly commentsSqlPerPage: number
  readonly redisCommandsPerPage: number
  readonly usersCache: CacheRatios | null
  readonly responseCache: ResponseCacheRatio | null
  readonly processes: Readonly<Record<string, ProcessUsage>>
  /** the whole machine's busy CPU over the window (% of one core), and the part that was not ours */
  readonly machineCpuPercent: number
  readonly otherCpuPercent: number
  readonly steady?: SteadyResult
  readonly writesMode?: WritesModeResult
  readonly mix?: MixResult
  readonly attack?: AttackResult
}

export interface MixResult {
  readonly writes: number
  readonly postComments: number
  readonly updateProfiles: number
  readonly writeErrors: number
  readonly writeErrorSamples: readonly string[]
  readonly writeLatencyMs: LatencySummary
  readonly freshnessChecks: number
  readonly staleReads: number
  readonly staleSamples: readonly string[]
}

export interface ResultInput {
  readonly variant: string
  readonly run: number
  readonly stats: LoadStats
  readonly warmup: LoadStats | null
  readonly before: Snapshot
  readonly after: Snapshot
  /** our gateway: whether it caches responses, and how many workers it has */
  readonly responseCache: { readonly enabled: boolean; readonly workers: number } | null
  readonly steady?: SteadyResult
  readonly mix?: MixResult
  readonly attack?: AttackResult
  /** --users-only: every request looks up exactly this many users */
  readonly itemsPerRequest?: number
  /** the users counters and the request count some seconds before the end of the window */
  readonly tail?: { readonly seconds: number; readonly requests: number; readonly users: Counters | null } | null
}

export function runResult({
  variant,
  run,
  stats,
  warmup,
  before,
  after,
  responseCache,
  mix,
  attack,
  steady,
  itemsPerRequest,
  tail,
}: ResultInput): RunResult {
  const seconds = stats.elapsedMs / 1000
  const pages = stats.requests
  const per = (n: number): number => (pages > 0 ? n / pages : Number.NaN)
  const pagesPerSecond = pages / seconds
  const meanEdges = itemsPerRequest ?? stats.meanItems
  const usersSql = delta(before, after, 'users', 'db_queries_total')
  const response = responseCacheRatio(before, after, pages, responseCache)

  let tailValue: RunResult['usersSqlPer100LookupsTail'] = null
  if (tail?.users && after.metrics.users && meanEdges > 0) {
    const tailPages = stats.requests - tail.requests
    const tailSql = (after.metrics.users.db_queries_total ?? 0) - (tail.users.db_queries_total ?? 0)
    if (tailPages > 0) tailValue = { seconds: tail.seconds, value: (100 * tailSql) / (tailPages * meanEdges) }
  }
  const processes = processUsage(before, after)
  const machine = before.machine && after.machine ? machineCpuPercent(before.machine, after.machine, cpus().length) : Number.NaN
  const ours = Object.values(processes).reduce((a, p) => a + (Number.isFinite(p.cpuPercent) ? p.cpuPercent : 0), 0)
  return {
    variant,
    run,
    seconds,
    pages,
    pagesPerSecond,
    meanEdges,
    lookupsPerSecond: pagesPerSecond * meanEdges,
    latencyMs: summarizeLatencies(stats.latencies.toArray()),
    errors: stats.errors,
    errorSamples: stats.errorSamples,
    verified: stats.verified,
    verifyFailures: stats.verifyFailures,
    verifySamples: stats.verifySamples,
    warmup: {
      pages: warmup?.requests ?? 0,
      errors: (warmup?.errors ?? 0) + (warmup?.verifyFailures ?? 0),
      errorSamples: [...(warmup?.errorSamples ?? []), ...(warmup?.verifySamples ?? [])],
    },
    usersEntitiesPerPage: per(delta(before, after, 'users', 'entities_requests_total')),
    usersSqlPerPage: per(usersSql),
    usersSqlPer100Lookups: pages > 0 && meanEdges > 0 ? (100 * usersSql) / (pages * meanEdges) : Number.NaN,
    usersSqlPer100LookupsTail: tailValue,
    commentsSqlPerPage: per(delta(before, after, 'comments', 'db_queries_total')),
    // the INFO that took the first snapshot is counted in the difference: it is ours, not the load's
    redisCommandsPerPage: per(after.redisCommands - before.redisCommands - 1),
    usersCache: usersCacheRatios(before, after),
    responseCache: response,
    processes,
    machineCpuPercent: machine,
    otherCpuPercent: Math.max(0, machine - ours),
    ...(mix ? { mix } : {}),
    ...(attack ? { attack } : {}),
    ...(steady ? { steady } : {}),
  }
}

/**
 * Reads the users counters once, `seconds` before the end of a window of `durationMs`
 * (seconds = min(10, a third of the window)); `requests()` is the load's count at that moment.
 */
export function tailProbe(
  usersBase: string,
  durationMs: number,
  requests: () => number,
): { result: () => Promise<ResultInput['tail']>; cancel: () => void } {
  const seconds = Math.min(10, durationMs / 3000)
  let taken: Promise<ResultInput['tail']> = Promise.resolve(null)
  const timer = setTimeout(
    () => {
      const count = requests()
      taken = readMetrics(usersBase).then((users) => ({ seconds, requests: count, users }))
    },
    durationMs - seconds * 1000,
  )
  return { result: () => taken, cancel: () => clearTimeout(timer) }
}
