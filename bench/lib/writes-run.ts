// --writes: what each mutation costs. One at a time on an idle stack (latency, and CPU ms summed
// over every process of the stack), then under the steady read load, then open-loop postComment at
// rising rates beside that load, to find the highest rate answered with p99 ≤ 500 ms.
import { LoadStats, readPage } from './load'
import { runLoops } from './http'
import { processUsage, snapshot, type RunResult } from './measure'
import { WRITE_KINDS, WriteStats, type WriteKind } from './steady'
import { startSteadyStack, steadyWindows, type SteadyContext } from './steady-run'
import { summarizeLatencies, type LatencySummary } from './stats'
import type { VariantSpec } from './variants'

/** The processes a write goes through (the load generator is not one of them). */
const STACK_PROCESSES = (names: readonly string[]): string[] => names.filter((n) => n !== 'loadgen')

export interface IdleFigures {
  readonly count: number
  readonly errors: number
  readonly latencyMs: LatencySummary
  /** CPU ms per write summed over the stack's processes, idle baseline taken out */
  readonly cpuMsPerWrite: number
  /** the same per process */
  readonly cpuMsByProcess: Readonly<Record<string, number>>
}

export interface RampStep {
  readonly targetPerSecond: number
  readonly achievedPerSecond: number
  readonly skipped: number
  readonly errors: number
  readonly latencyMs: LatencySummary
  readonly pagesPerSecond: number
  readonly ok: boolean
}

export interface WritesModeResult {
  readonly idle: Partial<Record<WriteKind, IdleFigures>>
  /** CPU % of one core per process over 5 s with nothing to do (taken out of the idle figures) */
  readonly baselineCpuPercent: Readonly<Record<string, number>>
  readonly ramp: readonly RampStep[]
  /** the highest rate whose step met: achieved ≥ 90% of the target, no error, p99 ≤ 500 ms */
  readonly maxSustainedPerSecond: number
  readonly errorSamples: readonly string[]
}

export const RAMP_P99_LIMIT_MS = 500

// WRITE_KINDS's order: posts first, so that replies, edits and deletions find comments of their writers
const IDLE_ORDER: readonly WriteKind[] = WRITE_KINDS

export async function measureWrites(
  sc: SteadyContext,
  spec: VariantSpec,
  runNumber: number,
): Promise<{ loaded: RunResult; writes: WritesModeResult }> {
  const { options, redis } = sc
  const running = await startSteadyStack(sc, spec, 5000 + runNumber, { logPrefix: `${spec.name}-writes${runNumber}-` })
  const { writer, watched, read } = running
  try {
    // the idle baseline: the stack doing nothing (pollers, timers), to be taken out of each series
    const base0 = await snapshot(watched, redis)
    await new Promise((r) => setTimeout(r, 5_000))
    const base1 = await snapshot(watched, redis)
    const baseline = Object.fromEntries(
      Object.entries(processUsage(base0, base1))
        .filter(([n]) => n !== 'loadgen')
        .map(([n, u]) => [n, u.cpuPercent]),
    )
    const idle: Partial<Record<WriteKind, IdleFigures>> = {}
    const errorSamples: string[] = []
    writer.readBack = false
    const reads = new LoadStats()
    // comments of their own for every writer that will edit, reply or delete
    for (let i = 0; i < options.writesPerKind; i++) await writer.once('postComment', new WriteStats(), reads)
    for (const kind of IDLE_ORDER) {
      if (kind === 'moderateReview')
        for (let i = 0; i < options.writesPerKind; i++) await writer.once('submitReview', new WriteStats(), reads)
      const stats = new WriteStats()
      const before = await snapshot(watched, redis)
      for (let i = 0; i < options.writesPerKind; i++) await writer.once(kind, stats, reads)
      // a moderation's answer comes before its rating: wait for the runs, their cost is the write's
      if (kind === 'moderateReview') await writer.settle(60_000)
      const after = await snapshot(watched, redis)
      const seconds = (after.at - before.at) / 1000
      const usage = processUsage(before, after)
      const figures = stats.byKind()[kind]
      const count = figures?.count ?? 0
      const byProcess: Record<string, number> = {}
      for (const name of STACK_PROCESSES(Object.keys(usage))) {
        const busy = ((usage[name]?.cpuPercent ?? 0) - (baseline[name] ?? 0)) / 100
        byProcess[name] = count > 0 ? Math.max(0, (busy * seconds * 1000) / count) : Number.NaN
      }
      idle[kind] = {
        count,
        errors: figures?.errors ?? 0,
        latencyMs: figures?.latencyMs ?? summarizeLatencies([]),
        cpuMsPerWrite: Object.values(byProcess).reduce((a, b) => a + (Number.isFinite(b) ? b : 0), 0),
        cpuMsByProcess: byProcess,
      }
      errorSamples.push(...stats.errorSamples)
      console.log(
        `  idle ${kind}: ${count} writes, p50 ${idle[kind].latencyMs.p50.toFixed(0)} p99 ${idle[kind].latencyMs.p99.toFixed(0)} ms, ${idle[kind].cpuMsPerWrite.toFixed(1)} CPU ms per write, ${idle[kind].errors} errors`,
      )
    }
    writer.readBack = true

    // under the steady read load, writes at their share of the reads, the steady mix
    const loaded = await steadyWindows(
      { ...sc, options: { ...options, windowS: options.durationS, headlineFromS: 0 } },
      spec,
      running,
      runNumber,
      `${spec.name}+writes`,
    )

    // open-loop postComment at rising rates beside the read load
    const ramp: RampStep[] = []
    let maxSustained = 0
    for (const rate of options.rampRates) {
      const stats = new WriteStats()
      const pages = new LoadStats()
      let owed = 0
      let last = performance.now()
      let sent = 0
      const timer = setInterval(() => {
        const now = performance.now()
        owed += (rate * (now - last)) / 1000
        last = now
        while (owed >= 1) {
          owed -= 1
          if (writer.start('postComment', stats, pages)) sent++
          else stats.skipped++
        }
      }, 10)
      const started = performance.now()
      await runLoops(options.concurrency, options.rampStepS * 1000, async () => {
        await readPage(read, pages, read.pick())
      })
      clearInterval(timer)
      await writer.drain()
      const seconds = (performance.now() - started) / 1000
      const latency = stats.all()
      const achieved = stats.writes / (options.rampStepS || seconds)
      const ok = achieved >= 0.9 * rate && stats.errorCount === 0 && stats.skipped === 0 && latency.p99 <= RAMP_P99_LIMIT_MS
      ramp.push({
        targetPerSecond: rate,
        achievedPerSecond: achieved,
        skipped: stats.skipped,
        errors: stats.errorCount,
        latencyMs: latency,
        pagesPerSecond: pages.requests / seconds,
        ok,
      })
      errorSamples.push(...stats.errorSamples)
      console.log(
        `  ramp ${rate}/s: ${achieved.toFixed(1)} writes/s (${sent} sent, ${stats.skipped} skipped, ${stats.errorCount} errors), p50 ${latency.p50.toFixed(0)} p99 ${latency.p99.toFixed(0)} ms, ${(pages.requests / seconds).toFixed(0)} pages/s beside — ${ok ? 'ok' : 'over'}`,
      )
      if (!ok) break
      maxSustained = rate
    }
    await writer.settle(60_000)
    return {
      loaded,
      writes: { idle, baselineCpuPercent: baseline, ramp, maxSustainedPerSecond: maxSustained, errorSamples: errorSamples.slice(0, 10) },
    }
  } finally {
    await running.stop()
  }
}
