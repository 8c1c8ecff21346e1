// The chaos run's report, as Markdown (JSON is the same object).
import { markdownTable, type Machine } from '../report'
import type { Finding, LedgerEntry } from './ledger'
import type { FaultKind } from './faults'

export interface FaultRecord {
  readonly kind: FaultKind
  readonly process: string
  readonly pid: number
  readonly signal: string
  /** ms since the load started */
  readonly at: number
  /** until the process (or the worker) is back per the ready file / its primary (null: never) */
  readonly processBackMs: number | null
  /** until the gateway answers the comments page again and the part answers its probe (null: never) */
  readonly recoveredMs: number | null
  /** until the first mutation sent after the fault was accepted (null: none was) */
  readonly writeRecoveredMs?: number | null
  /** reads during [fault, recovered] and how many succeeded */
  readonly readsDuring: number
  readonly readsOkDuring: number
}

export interface ChaosReport {
  readonly kind: 'chaos' | 'chaos-smoke'
  readonly startedAt: string
  readonly commit: string
  readonly command: string
  readonly seed: number
  readonly machine: Machine
  readonly durations: { readonly startupS: number; readonly loadS: number; readonly settleS: number; readonly totalS: number }
  readonly clients: number
  readonly readers: number
  readonly mutations: Record<string, { attempted: number; accepted: number; refused: number; unknown: number; retried: number }>
  /** per request, and per read as a retrying client sees it (3 tries) */
  readonly reads: {
    readonly attempts: number
    readonly ok: number
    readonly availability: number
    readonly clientReads: number
    readonly clientReadsOk: number
    readonly clientAvailability: number
  }
  readonly faults: readonly FaultRecord[]
  readonly recoveryByKind: Record<
    string,
    {
      count: number
      maxProcessBackMs: number | null
      maxRecoveredMs: number | null
      medianRecoveredMs: number | null
      maxWriteRecoveredMs: number | null
    }
  >
  readonly checks: {
    readonly checkedWrites: number
    readonly unverifiable: number
    readonly pagesCompared: number
    readonly usersCompared: number
    readonly productsCompared: number
  }
  readonly findings: {
    readonly lost: number
    readonly duplicated: number
    readonly stale: number
    readonly rating: number
    readonly idempotency: number
    readonly unsettled: number
    readonly unrecovered: number
  }
  readonly samples: readonly Finding[]
  readonly refusals: Record<string, number>
  readonly passed: boolean
}

export function summarizeMutations(ledger: readonly LedgerEntry[]): ChaosReport['mutations'] {
  const out: ChaosReport['mutations'] = {}
  for (const e of ledger) {
    const m = (out[e.kind] ??= { attempted: 0, accepted: 0, refused: 0, unknown: 0, retried: 0 })
    m.attempted++
    m[e.outcome]++
    if (e.attempts > 1) m.retried++
  }
  return out
}

export function refusalCounts(ledger: readonly LedgerEntry[]): Record<string, number> {
  const out: Record<string, number> = {}
  for (const e of ledger) if (e.outcome === 'refused') out[`${e.kind}: ${e.refusal}`] = (out[`${e.kind}: ${e.refusal}`] ?? 0) + 1
  return out
}

/** Per fault: from the fault to the end of the first mutation started after it that was accepted. */
export function withWriteRecovery(faults: readonly FaultRecord[], ledger: readonly LedgerEntry[], t0: number): FaultRecord[] {
  return faults.map((f) => {
    const at = t0 + f.at
    const first = ledger
      .filter((e) => e.startedAt >= at && e.outcome === 'accepted' && e.endedAt > 0)
      .sort((a, b) => a.endedAt - b.endedAt)[0]
    return { ...f, writeRecoveredMs: first ? first.endedAt - at : null }
  })
}

export function recoveryByKind(faults: readonly FaultRecord[]): ChaosReport['recoveryByKind'] {
  const out: ChaosReport['recoveryByKind'] = {}
  for (const kind of [...new Set(faults.map((f) => f.kind))]) {
    const mine = faults.filter((f) => f.kind === kind)
    const back = mine.map((f) => f.processBackMs)
    const rec = mine.map((f) => f.recoveredMs)
    const known = (values: (number | null)[]) => (values.some((v) => v === null) ? null : Math.max(...(values as number[])))
    const sorted = rec.filter((v): v is number => v !== null).sort((a, b) => a - b)
    out[kind] = {
      count: mine.length,
      maxProcessBackMs: known(back),
      maxRecoveredMs: known(rec),
      medianRecoveredMs: sorted.length ? (sorted[Math.floor((sorted.length - 1) / 2)] as number) : null,
      maxWriteRecoveredMs: known(mine.map((f) => f.writeRecoveredMs ?? null)),
    }
  }
  return out
}

const s = (ms: number | null): string => (ms === null ? 'never' : `${(ms / 1000).toFixed(1)} s`)

export function renderChaosMarkdown(r: ChaosReport): string {
  const f = r.findings
  return [
    `# Chaos run ${r.startedAt}${r.kind === 'chaos-smoke' ? ' (smoke)' : ''}: ${r.passed ? 'PASSED' : 'FAILED'}`,
    '',
    `\`${r.command}\` — seed ${r.seed}, commit \`${r.commit}\`, ${r.machine.cores} cores (${r.machine.cpuModel}), Node ${r.machine.node}, load average at start ${r.machine.loadAverage.join(' / ')}.`,
    `Start-up ${r.durations.startupS} s, load and faults ${r.durations.loadS} s, settling and checks ${r.durations.settleS} s, ${r.durations.totalS} s in all; ${r.clients} signed-in clients, ${r.readers} anonymous readers.`,
    '',
    '## Verdict',
    '',
    markdownTable([
      ['check', 'found'],
      ['lost writes', String(f.lost)],
      ['duplicated writes', String(f.duplicated)],
      ['stale reads after settling', String(f.stale)],
      ['ratings ≠ mean of PUBLISHED reviews', String(f.rating)],
      ['same-key retries answered unlike the first attempt', String(f.idempotency)],
      ['operations still RUNNING after the settle deadline', String(f.unsettled)],
      ['faults not recovered from', String(f.unrecovered)],
    ]),
    '',
    `Checked: ${r.checks.checkedWrites} accepted writes against the databases (${r.checks.unverifiable} left without a definite answer, not checked), ${r.checks.pagesCompared} comments pages (anonymous and signed in) and ${r.checks.usersCompared} users through the gateway against the databases, ${r.checks.productsCompared} products' ratings.`,
    '',
    `Read availability during the run, as clients that try a failed read again (3 tries, 250 then 500 ms apart) see it: **${(100 * r.reads.clientAvailability).toFixed(2)}%** (${r.reads.clientReadsOk} of ${r.reads.clientReads} reads); per request: ${(100 * r.reads.availability).toFixed(2)}% (${r.reads.ok} of ${r.reads.attempts} comments-page requests answered).`,
    '',
    ...(r.samples.length ? ['Findings (first 20):', '', ...r.samples.slice(0, 20).map((x) => `- ${x.kind}: ${x.what}`), ''] : []),
    '## Mutations',
    '',
    markdownTable([
      ['kind', 'attempted', 'accepted', 'refused', 'no definite answer', 'retried (same key)'],
      ...Object.entries(r.mutations).map(([k, m]) => [
        k,
        String(m.attempted),
        String(m.accepted),
        String(m.refused),
        String(m.unknown),
        String(m.retried),
      ]),
    ]),
    '',
    ...(Object.keys(r.refusals).length
      ? [
          'Refusals: ' +
            Object.entries(r.refusals)
              .map(([k, n]) => `${k} ×${n}`)
              .join('; '),
          '',
        ]
      : []),
    '## Recovery per fault kind',
    '',
    "Process back: the ready file (or the primary) shows a live replacement. Recovered: that, the part answers its probe (`/health`, `select 1`, `PING`, the façade's `/ready` for Temporal) and the gateway answers the comments page. First write accepted: the end of the first mutation sent after the fault that was accepted (its retries included).",
    '',
    markdownTable([
      ['fault', 'count', 'process back (max)', 'recovered (median)', 'recovered (max)', 'first write accepted (max)'],
      ...Object.entries(r.recoveryByKind).map(([k, v]) => [
        k,
        String(v.count),
        s(v.maxProcessBackMs),
        s(v.medianRecoveredMs),
        s(v.maxRecoveredMs),
        s(v.maxWriteRecoveredMs),
      ]),
    ]),
    '',
    '## Faults',
    '',
    markdownTable([
      ['t (s)', 'fault', 'process', 'pid', 'signal', 'process back', 'recovered', 'first write accepted', 'reads ok until recovered'],
      ...r.faults.map((x) => [
        (x.at / 1000).toFixed(1),
        x.kind,
        x.process,
        String(x.pid),
        x.signal,
        s(x.processBackMs),
        s(x.recoveredMs),
        s(x.writeRecoveredMs ?? null),
        `${x.readsOkDuring}/${x.readsDuring}`,
      ]),
    ]),
    '',
  ].join('\n')
}
