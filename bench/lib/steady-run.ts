// One steady run of one variant: fresh processes on cold caches, the read loops and the writes'
// own clients side by side, a snapshot of every counter at each window's end.
import type { BenchOptions } from './args'
import { onCleanup } from './cleanup'
import { loadReviewed, loadWriters, snapshotRating, undoMixWrites, undoReviewWrites, type BenchDatabase, type Subject } from './data'
import { keepAliveAgent, runLoops } from './http'
import { LoadStats, readPage, type PageLoadOptions } from './load'
import { processUsage, responseCacheRatio, runResult, snapshot, type RunResult, type Snapshot, type Watched } from './measure'
import {
  MODERATOR,
  SteadyWriter,
  WriteStats,
  depthPicker,
  login,
  mergeWriteStats,
  scheduleWrites,
  signInWriters,
  type SteadyResult,
  type SteadyWindow,
} from './steady'
import { startVariant, type RedisServer, type RunningStack, type StackContext } from './stack'
import { summarizeLatencies } from './stats'
import type { VariantSpec } from './variants'
import { ZIPF_EXPONENT, ZipfSampler, mulberry32 } from './zipf'

export const STEADY_WRITERS = 64

export interface SteadyContext {
  readonly options: BenchOptions
  readonly db: BenchDatabase
  readonly redis: RedisServer
  readonly ctx: StackContext
  /** every subject with comments, hottest first, with the cursors of its first pages */
  readonly subjects: readonly Subject[]
  /** the hottest subjects with their pages' authors (where the writers come from) */
  readonly authored: readonly Subject[]
  readonly products: readonly string[]
  readonly temporalPid: number | null
  readonly verifyEvery: number
}

/** Whether the variant caches whole responses, and where its hit ratio can be read. */
function responseCacheOf(spec: VariantSpec): { readonly enabled: boolean; readonly workers: number } | null {
  if (spec.gateway.kind === 'ours') return { enabled: spec.gateway.responseCache, workers: spec.gateway.workers }
  // Hive's response cache has no counters of ours: derive the hits from the comments subgraph's operations
  if (spec.gateway.kind === 'hive-gateway') return { enabled: true, workers: 0 }
  return null
}

function mergeLoadStats(parts: readonly LoadStats[]): LoadStats {
  const merged = new LoadStats()
  for (const part of parts) {
    for (const v of part.latencies.toArray()) merged.latencies.add(v)
    merged.requests += part.requests
    merged.errors += part.errors
    for (const s of part.errorSamples) if (merged.errorSamples.length < 5) merged.errorSamples.push(s)
    merged.verified += part.verified
    merged.verifyFailures += part.verifyFailures
    for (const s of part.verifySamples) if (merged.verifySamples.length < 5) merged.verifySamples.push(s)
    merged.verifiedItems += part.verifiedItems
    merged.elapsedMs += part.elapsedMs
  }
  return merged
}

export interface SteadyStack {
  readonly stack: RunningStack
  readonly writer: SteadyWriter
  readonly read: PageLoadOptions
  readonly watched: Watched
  readonly random: () => number
  /** stops the processes and undoes the writes */
  readonly stop: () => Promise<void>
}

/** Starts the variant with every service and Temporal's worker, signs the writers and the moderator in. */
export async function startSteadyStack(
  sc: SteadyContext,
  spec: VariantSpec,
  seed: number,
  { profileDir, logPrefix }: { profileDir?: string; logPrefix: string },
): Promise<SteadyStack> {
  const { options, redis, db } = sc
  await redis.flushAll()
  let writer: SteadyWriter | undefined
  const undo = onCleanup(`${spec.name}: undo the writes`, async () => {
    if (!writer) return
    await undoMixWrites(db.urls, writer.journal.commentIds, writer.journal.originalUsernames)
    await undoReviewWrites(db.urls, writer.journal.reviewIds, [...writer.journal.ratings.values()])
  })
  const stack = await startVariant(spec, sc.ctx, { ...(profileDir ? { profileDir } : {}), logPrefix })
  try {
    const agent = keepAliveAgent(options.concurrency + STEADY_WRITERS)
    const random = mulberry32(seed)
    const pick = depthPicker(sc.subjects, new ZipfSampler(sc.subjects.length, ZIPF_EXPONENT, random), random)
    const read: PageLoadOptions = { agent, url: new URL(stack.gatewayUrl), pick, verifyEvery: sc.verifyEvery, growing: true }
    const writers = await signInWriters(agent, read.url, await loadWriters(db.urls.users, sc.authored, STEADY_WRITERS))
    if (writers.length === 0) throw new Error('no writers: no generated user authored a comment on a later page')
    const moderator = await login(agent, read.url, MODERATOR.username, MODERATOR.password)
    writer = new SteadyWriter(writers, {
      agent,
      url: read.url,
      read,
      random,
      pick,
      products: sc.products,
      moderatorToken: moderator.token,
      alreadyReviewed: await loadReviewed(
        db.urls.reviews,
        writers.map((w) => w.userId),
        sc.products,
      ),
      snapshotRating: (id) => snapshotRating(db.urls, id),
    })
    const watched: Watched = {
      metrics: {
        users: new URL(stack.subgraphUrls.users as string).origin,
        comments: new URL(stack.subgraphUrls.comments as string).origin,
        ...(spec.gateway.kind === 'ours' ? { gateway: stack.gatewayMetricsOrigin } : {}),
      },
      pids: {
        ...stack.pids,
        redis: redis.pid,
        postgres: (await db.postmasterPid()) ?? 0,
        ...(sc.temporalPid ? { temporal: sc.temporalPid } : {}),
      },
    }
    const created = writer
    return {
      stack,
      writer: created,
      read,
      watched,
      random,
      stop: async () => {
        try {
          await stack.stop()
        } finally {
          agent.destroy()
          await undo()
        }
      },
    }
  } catch (err) {
    await stack.stop()
    await undo()
    throw err
  }
}

/** The steady run: reads from `concurrency` loops, writes at `writeShare` of them from their own clients, a window every `windowS`. */
export async function measureSteady(
  sc: SteadyContext,
  spec: VariantSpec,
  index: number,
  runNumber: number,
  profileDir?: string,
): Promise<RunResult> {
  const running = await startSteadyStack(sc, spec, 1000 * runNumber + index + 1, {
    ...(profileDir ? { profileDir } : {}),
    logPrefix: `${spec.name}-steady${runNumber}-`,
  })
  try {
    return await steadyWindows(sc, spec, running, runNumber)
  } finally {
    await running.stop()
  }
}

export async function steadyWindows(
  sc: SteadyContext,
  spec: VariantSpec,
  { stack, writer, read, watched, random }: SteadyStack,
  runNumber: number,
  label: string = spec.name,
): Promise<RunResult> {
  const { options, redis } = sc
  const windowMs = options.windowS * 1000
  const windowCount = Math.max(1, Math.round(options.durationS / options.windowS))
  let current = { stats: new LoadStats(), writes: new WriteStats() }
  let readsDone = 0
  const windows: SteadyWindow[] = []
  const headline: { stats: LoadStats; writes: WriteStats }[] = []
  let previous = await snapshot(watched, redis)
  let headlineBefore: Snapshot | null = options.headlineFromS <= 0 ? previous : null
  const started = performance.now()
  const stopWrites = scheduleWrites(
    writer,
    options.writeShare,
    () => readsDone,
    () => current,
    random,
  )
  const loops = runLoops(options.concurrency, windowCount * windowMs, async () => {
    await readPage(read, current.stats, read.pick())
    readsDone++
  })
  for (let w = 0; w < windowCount; w++) {
    const wait = started + (w + 1) * windowMs - performance.now()
    if (wait > 0) await new Promise((r) => setTimeout(r, wait))
    const closed = current
    current = { stats: new LoadStats(), writes: new WriteStats() }
    const now = await snapshot(watched, redis)
    const seconds = (now.at - previous.at) / 1000
    closed.stats.elapsedMs = now.at - previous.at
    const writeLatency = closed.writes.all()
    const cpu = processUsage(previous, now)
    const fromS = (previous.at - started) / 1000
    windows.push({
      index: w + 1,
      fromS: Math.max(0, Math.round(fromS)),
      toS: Math.round((now.at - started) / 1000),
      pagesPerSecond: closed.stats.requests / seconds,
      latencyMs: summarizeLatencies(closed.stats.latencies.toArray()),
      errors: closed.stats.errors + closed.stats.verifyFailures,
      writes: closed.writes.writes,
      writesPerSecond: closed.writes.writes / seconds,
      writeErrors: closed.writes.errorCount,
      writeP50: writeLatency.p50,
      writeP99: writeLatency.p99,
      freshnessChecks: closed.writes.checks,
      staleReads: closed.writes.stale,
      skippedWrites: closed.writes.skipped,
      responseCacheHit: responseCacheRatio(previous, now, closed.stats.requests, responseCacheOf(spec))?.hitRatio ?? Number.NaN,
      cpuPercent: Object.fromEntries(Object.entries(cpu).map(([name, usage]) => [name, usage.cpuPercent])),
    })
    if (headlineBefore) headline.push(closed)
    if (!headlineBefore && (w + 1) * options.windowS >= options.headlineFromS) headlineBefore = now
    previous = now
    const last = windows.at(-1) as SteadyWindow
    console.log(
      `  ${label} ${String(last.fromS).padStart(4)}–${String(last.toS).padEnd(4)} s: ${last.pagesPerSecond.toFixed(0)} pages/s, p50 ${last.latencyMs.p50.toFixed(1)} p99 ${last.latencyMs.p99.toFixed(1)} ms, hits ${Number.isFinite(last.responseCacheHit) ? `${(100 * last.responseCacheHit).toFixed(0)}%` : '–'}, ${last.writes} writes (p50 ${last.writeP50.toFixed(0)} p99 ${last.writeP99.toFixed(0)} ms, ${last.writeErrors} errors, ${last.skippedWrites} skipped), stale ${last.staleReads}/${last.freshnessChecks}`,
    )
    const crash = stack.crashed()
    if (crash) throw new Error(`CRASH during the steady run: ${crash}`)
  }
  await loops
  stopWrites()
  await writer.drain()
  const settled = await writer.settle(60_000)
  const end = previous
  const stats = mergeLoadStats(headline.map((h) => h.stats))
  const writes = mergeWriteStats(headline.map((h) => h.writes))
  const headlineSeconds = stats.elapsedMs / 1000
  const byKind = writes.byKind()
  const steady: SteadyResult = {
    windowS: options.windowS,
    headlineFromS: options.headlineFromS,
    windows,
    writes: {
      count: writes.writes,
      perSecond: writes.writes / headlineSeconds,
      shareOfReads: stats.requests > 0 ? writes.writes / stats.requests : Number.NaN,
      errors: writes.errorCount,
      errorSamples: writes.errorSamples,
      skipped: writes.skipped,
      latencyMs: writes.all(),
      byKind,
    },
    settled,
  }
  return runResult({
    variant: label,
    run: runNumber,
    stats,
    warmup: null,
    before: headlineBefore ?? end,
    after: end,
    responseCache: responseCacheOf(spec),
    mix: {
      writes: writes.writes,
      postComments: byKind.postComment?.count ?? 0,
      updateProfiles: byKind.updateProfile?.count ?? 0,
      writeErrors: writes.errorCount + settled.unfinished.length,
      writeErrorSamples: [
        ...writes.errorSamples,
        ...(settled.unfinished.length > 0 ? [`${settled.unfinished.length} moderation run(s) not COMPLETED 60 s after the load`] : []),
      ],
      writeLatencyMs: writes.all(),
      freshnessChecks: writes.checks,
      staleReads: writes.stale,
      staleSamples: writes.staleSamples,
    },
    steady,
  })
}
