// The report: medians across runs, ratios, targets, machine; as a table, Markdown and JSON.
import { cpus, loadavg, totalmem, type as osType, release } from 'node:os'
import { readFileSync } from 'node:fs'
import { SUBGRAPH_NAMES } from '@marketplace/services'
import { OUR_VARIANTS, type Mode, type VariantName } from './args'
import { mergeAttackResults } from './attack'
import type { ProfileSummary } from './cpuprofile'
import type { RunResult } from './measure'
import { median, ratio } from './stats'

export interface Machine {
  readonly cpuModel: string
  readonly cores: number
  readonly memoryGB: number
  readonly node: string
  readonly os: string
  /** 1/5/15-minute load averages when the benchmark started (the machine may be shared) */
  readonly loadAverage: readonly number[]
}

export function machineInfo(): Machine {
  let model = cpus()[0]?.model ?? 'unknown'
  try {
    const match = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))
    if (match?.[1]) model = match[1].trim()
  } catch {
    // not Linux
  }
  return {
    cpuModel: model,
    cores: cpus().length,
    memoryGB: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
    node: process.version,
    os: `${osType()} ${release()}`,
    loadAverage: loadavg().map((l) => Math.round(l * 100) / 100),
  }
}

/** The medians across runs of one variant (errors and write counts: totals across runs). */
export interface VariantSummary {
  readonly runs: number
  readonly pagesPerSecond: number
  readonly lookupsPerSecond: number
  readonly meanEdges: number
  readonly p50: number
  readonly p95: number
  readonly p99: number
  readonly errors: number
  readonly verified: number
  readonly verifyFailures: number
  readonly usersEntitiesPerPage: number
  readonly usersSqlPerPage: number
  readonly usersSqlPer100Lookups: number
  readonly usersSqlPer100LookupsTail: number
  readonly tailSeconds: number
  readonly commentsSqlPerPage: number
  readonly redisCommandsPerPage: number
  readonly usersCacheLocal: number
  readonly usersCacheShared: number
  readonly usersCacheMiss: number
  readonly responseCacheHit: number
  readonly responseCacheSource: string | null
  /** of the response cache's misses, the share whose answer was not stored */
  readonly responseCacheRefused: number
  readonly machineCpuPercent: number
  readonly otherCpuPercent: number
  readonly processes: Readonly<
    Record<
      string,
      { readonly cpuPercent: number; readonly peakRssMB: number; readonly maxProcessPeakRssMB: number; readonly processes: number }
    >
  >
  readonly steady?: {
    readonly writesPerSecond: number
    readonly shareOfReads: number
    readonly skipped: number
  }
  readonly mix?: {
    readonly writes: number
    readonly writeErrors: number
    readonly freshnessChecks: number
    readonly staleReads: number
    readonly writeP50: number
    readonly writeP99: number
  }
}

const sum = (values: readonly number[]): number => values.reduce((a, b) => a + b, 0)

export function summarizeRuns(runs: readonly RunResult[]): VariantSummary {
  const m = (f: (r: RunResult) => number | undefined): number => median(runs.map((r) => f(r) ?? Number.NaN))
  const processNames = [...new Set(runs.flatMap((r) => Object.keys(r.processes)))]
  const processes = Object.fromEntries(
    processNames.map((name) => [
      name,
      {
        cpuPercent: m((r) => r.processes[name]?.cpuPercent),
        peakRssMB: m((r) => r.processes[name]?.peakRssMB),
        maxProcessPeakRssMB: m((r) => r.processes[name]?.maxProcessPeakRssMB),
        processes: m((r) => r.processes[name]?.processes),
      },
    ]),
  )
  const mixRuns = runs.filter((r) => r.mix)
  const steadyRuns = runs.flatMap((r) => (r.steady ? [r.steady] : []))
  return {
    ...(steadyRuns.length > 0
      ? {
          steady: {
            writesPerSecond: median(steadyRuns.map((r) => r.writes.perSecond)),
            shareOfReads: median(steadyRuns.map((r) => r.writes.shareOfReads)),
            skipped: sum(steadyRuns.map((r) => r.writes.skipped)),
          },
        }
      : {}),
    runs: runs.length,
    pagesPerSecond: m((r) => r.pagesPerSecond),
    lookupsPerSecond: m((r) => r.lookupsPerSecond),
    meanEdges: m((r) => r.meanEdges),
    p50: m((r) => r.latencyMs.p50),
    p95: m((r) => r.latencyMs.p95),
    p99: m((r) => r.latencyMs.p99),
    errors: sum(runs.map((r) => r.errors)),
    verified: sum(runs.map((r) => r.verified)),
    verifyFailures: sum(runs.map((r) => r.verifyFailures)),
    usersEntitiesPerPage: m((r) => r.usersEntitiesPerPage),
    usersSqlPerPage: m((r) => r.usersSqlPerPage),
    usersSqlPer100Lookups: m((r) => r.usersSqlPer100Lookups),
    usersSqlPer100LookupsTail: m((r) => r.usersSqlPer100LookupsTail?.value),
    tailSeconds: m((r) => r.usersSqlPer100LookupsTail?.seconds),
    commentsSqlPerPage: m((r) => r.commentsSqlPerPage),
    redisCommandsPerPage: m((r) => r.redisCommandsPerPage),
    usersCacheLocal: m((r) => r.usersCache?.local),
    usersCacheShared: m((r) => r.usersCache?.shared),
    usersCacheMiss: m((r) => r.usersCache?.miss),
    responseCacheHit: m((r) => r.responseCache?.hitRatio),
    responseCacheSource: runs.find((r) => r.responseCache)?.responseCache?.source ?? null,
    responseCacheRefused: m((r) =>
      r.responseCache?.storesRefused !== undefined && r.responseCache.misses
        ? r.responseCache.storesRefused / r.responseCache.misses
        : undefined,
    ),
    machineCpuPercent: m((r) => r.machineCpuPercent),
    otherCpuPercent: m((r) => r.otherCpuPercent),
    processes,
    ...(mixRuns.length > 0
      ? {
          mix: {
            writes: sum(mixRuns.map((r) => r.mix?.writes ?? 0)),
            writeErrors: sum(mixRuns.map((r) => r.mix?.writeErrors ?? 0)),
            freshnessChecks: sum(mixRuns.map((r) => r.mix?.freshnessChecks ?? 0)),
            staleReads: sum(mixRuns.map((r) => r.mix?.staleReads ?? 0)),
            writeP50: median(mixRuns.map((r) => r.mix?.writeLatencyMs.p50 ?? Number.NaN)),
            writeP99: median(mixRuns.map((r) => r.mix?.writeLatencyMs.p99 ?? Number.NaN)),
          },
        }
      : {}),
  }
}

export interface VariantReport {
  readonly description: string
  readonly runs: readonly RunResult[]
  readonly median: VariantSummary
}

export interface Target {
  readonly name: string
  readonly status: 'PASS' | 'FAIL' | 'SKIP'
  readonly detail: string
}

const fmt = (value: number, digits = 0): string =>
  Number.isFinite(value) ? value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits }) : '–'
const pct = (value: number): string => (Number.isFinite(value) ? `${(100 * value).toFixed(1)}%` : '–')

export function computeRatios(variants: Readonly<Record<string, VariantReport>>): Record<string, number> {
  const pps = (name: string) => variants[name]?.median.pagesPerSecond
  return {
    'full ÷ apollo-defaults (pages/s)': ratio(pps('full'), pps('apollo-defaults')),
    'full ÷ hive-gateway (pages/s)': ratio(pps('full'), pps('hive-gateway')),
    'full ÷ naive (pages/s)': ratio(pps('full'), pps('naive')),
    'dataloader ÷ naive (pages/s)': ratio(pps('dataloader'), pps('naive')),
  }
}

/** The targets this mode can check; the others say what would measure them. */
export function checkTargets(
  mode: Mode,
  variants: Readonly<Record<string, VariantReport>>,
  usersOnly?: VariantSummary,
  failures: readonly string[] = [],
): Target[] {
  const full = variants.full?.median
  const skip = (name: string, detail: string): Target => ({ name, status: 'SKIP', detail })
  const verdict = (name: string, ok: boolean, detail: string): Target => ({ name, status: ok ? 'PASS' : 'FAIL', detail })
  const targets: Target[] = []
  if (mode === 'steady' || mode === 'writes') return steadyTargets(mode, variants, verdict, skip)
  if (mode === 'pages') {
    let name = 'full ≥ 2,000 pages/s with p99 ≤ 50 ms'
    targets.push(
      full
        ? verdict(name, full.pagesPerSecond >= 2000 && full.p99 <= 50, `${fmt(full.pagesPerSecond)} pages/s, p99 ${fmt(full.p99, 1)} ms`)
        : skip(name, 'variant full not run'),
    )
    for (const [other, factor] of [
      ['apollo-defaults', 3],
      ['hive-gateway', 1.5],
    ] as const) {
      name = `full ≥ ${factor}× ${other} (pages/s)`
      const theirs = variants[other]?.median
      const r = ratio(full?.pagesPerSecond, theirs?.pagesPerSecond)
      targets.push(
        full && theirs
          ? verdict(name, r >= factor, `${fmt(r, 2)}× (${fmt(full.pagesPerSecond)} vs ${fmt(theirs.pagesPerSecond)} pages/s)`)
          : skip(name, `variant full or ${other} not run`),
      )
    }
    name = 'warm full ≤ 1 users SQL query per 100 author lookups'
    targets.push(
      full
        ? verdict(
            name,
            full.usersSqlPer100Lookups <= 1,
            `${fmt(full.usersSqlPer100Lookups, 3)} per 100 lookups over the measured window (${fmt(full.usersSqlPer100LookupsTail, 3)} over its last ${fmt(full.tailSeconds)} s)`,
          )
        : skip(name, 'variant full not run'),
    )
    name = 'gateway peak RSS < 400 MB (full; all its processes together)'
    const gw = full?.processes.gateway
    targets.push(
      gw
        ? verdict(
            name,
            gw.peakRssMB < 400,
            `${fmt(gw.peakRssMB)} MB over ${fmt(gw.processes)} process(es), largest ${fmt(gw.maxProcessPeakRssMB)} MB`,
          )
        : skip(name, 'variant full not run'),
    )
    targets.push(skip('users-only ≥ 20,000 author lookups/s', 'measured by `npm run bench -- --users-only`'))
  } else if (mode === 'attack') {
    for (const [name, attacked] of Object.entries(variants)) {
      if (!name.endsWith('+attack')) continue
      const base = name.slice(0, -'+attack'.length)
      const alone = variants[base]?.median
      const crashes = failures.filter((f) => f.includes('CRASH') && (f.startsWith(`${name} `) || f.startsWith(`${base} `)))
      targets.push(
        verdict(
          `${base}: 0 crashes with or without attackers`,
          crashes.length === 0,
          crashes.length === 0 ? `${attacked.runs.length} attacked run(s), none lost a process` : crashes.join('; '),
        ),
      )
      const slower = ratio(attacked.median.p99, alone?.p99)
      targets.push(
        alone
          ? verdict(
              `${base}: normal p99 under attack ≤ 2× without`,
              slower <= 2,
              `${fmt(attacked.median.p99, 1)} ms vs ${fmt(alone.p99, 1)} ms (${fmt(slower, 2)}×); pages/s ${fmt(attacked.median.pagesPerSecond)} vs ${fmt(alone.pagesPerSecond)}`,
            )
          : skip(`${base}: normal p99 under attack ≤ 2× without`, `${base} without attackers did not complete`),
      )
      const gw = attacked.median.processes.gateway
      targets.push(
        gw
          ? verdict(`${base}: gateway peak RSS under attack ≤ 300 MB`, gw.peakRssMB <= 300, `${fmt(gw.peakRssMB)} MB`)
          : skip(`${base}: gateway peak RSS under attack ≤ 300 MB`, 'no gateway measured'),
      )
      targets.push(
        verdict(
          `${base}: the normal load saw no errors under attack`,
          attacked.median.errors === 0,
          `${attacked.median.errors} error(s) in ${attacked.runs.length} run(s)`,
        ),
      )
    }
  } else if (mode === 'users-only') {
    const name = 'users-only ≥ 20,000 author lookups/s'
    targets.push(
      usersOnly
        ? verdict(
            name,
            usersOnly.lookupsPerSecond >= 20_000,
            `${fmt(usersOnly.lookupsPerSecond)} lookups/s, p99 ${fmt(usersOnly.p99, 1)} ms`,
          )
        : skip(name, 'not run'),
    )
  } else {
    for (const [variant, report] of Object.entries(variants)) {
      const mix = report.median.mix
      if (!mix) continue
      targets.push(
        verdict(
          `${variant}: 0 stale reads after writes`,
          mix.staleReads === 0 && mix.freshnessChecks > 0,
          `${mix.staleReads} stale of ${mix.freshnessChecks} read-backs (${mix.writes} writes, ${mix.writeErrors} write errors)`,
        ),
      )
    }
  }
  return targets
}

type Row = readonly [string, (s: VariantSummary) => string]

function rows(mode: Mode, processNames: readonly string[]): Row[] {
  const base: Row[] =
    mode === 'users-only'
      ? [
          ['requests/s (10 users each)', (s) => fmt(s.pagesPerSecond)],
          ['author lookups/s', (s) => fmt(s.lookupsPerSecond)],
        ]
      : [
          ['pages/s', (s) => fmt(s.pagesPerSecond)],
          ['author lookups/s', (s) => fmt(s.lookupsPerSecond)],
          ['mean edges per verified page', (s) => fmt(s.meanEdges, 2)],
        ]
  return [
    ...base,
    ['p50 latency (ms)', (s) => fmt(s.p50, 1)],
    ['p95 latency (ms)', (s) => fmt(s.p95, 1)],
    ['p99 latency (ms)', (s) => fmt(s.p99, 1)],
    ['errors (all runs)', (s) => fmt(s.errors)],
    ['verified responses / failures', (s) => `${fmt(s.verified)} / ${fmt(s.verifyFailures)}`],
    ...(mode === 'users-only' ? [] : ([['users _entities calls per page', (s) => fmt(s.usersEntitiesPerPage, 2)]] as Row[])),
    [mode === 'users-only' ? 'users SQL queries per request' : 'users SQL queries per page', (s) => fmt(s.usersSqlPerPage, 3)],
    ['users SQL queries per 100 author lookups', (s) => fmt(s.usersSqlPer100Lookups, 3)],
    [
      '… over the last seconds of the window only',
      (s) => (Number.isFinite(s.usersSqlPer100LookupsTail) ? `${fmt(s.usersSqlPer100LookupsTail, 3)} (${fmt(s.tailSeconds)} s)` : '–'),
    ],
    ...(mode === 'users-only' ? [] : ([['comments SQL queries per page', (s) => fmt(s.commentsSqlPerPage, 2)]] as Row[])),
    [mode === 'users-only' ? 'Redis commands per request' : 'Redis commands per page', (s) => fmt(s.redisCommandsPerPage, 3)],
    [
      'users cache: local / shared / miss',
      (s) =>
        Number.isFinite(s.usersCacheLocal) ? `${pct(s.usersCacheLocal)} / ${pct(s.usersCacheShared)} / ${pct(s.usersCacheMiss)}` : 'off',
    ],
    ...(mode === 'users-only'
      ? []
      : ([
          [
            'gateway response cache hits',
            (s) =>
              s.responseCacheSource ? `${pct(s.responseCacheHit)}${s.responseCacheSource.startsWith('derived') ? ' ᵈ' : ''}` : 'off / n.a.',
          ],
          ['… misses whose answer was not stored', (s) => (Number.isFinite(s.responseCacheRefused) ? pct(s.responseCacheRefused) : '–')],
        ] as Row[])),
    ...processNames.map((name): Row => [`CPU % ${name}`, (s) => fmt(s.processes[name]?.cpuPercent ?? Number.NaN)]),
    ['CPU % whole machine', (s) => fmt(s.machineCpuPercent)],
    ['CPU % not ours (other processes)', (s) => fmt(s.otherCpuPercent)],
    ...processNames
      .filter((name) => name !== 'postgres')
      .map((name): Row => [`peak RSS MB ${name}`, (s) => fmt(s.processes[name]?.peakRssMB ?? Number.NaN)]),
    ...(mode === 'steady' || mode === 'writes'
      ? ([
          [
            'writes/s (share of reads)',
            (s) => `${fmt(s.steady?.writesPerSecond ?? Number.NaN, 1)} (${pct(s.steady?.shareOfReads ?? Number.NaN)})`,
          ],
          ['writes skipped (every writer busy)', (s) => fmt(s.steady?.skipped ?? Number.NaN)],
        ] as Row[])
      : []),
    ...(mode === 'mix' || mode === 'steady' || mode === 'writes'
      ? ([
          ['writes (all runs)', (s) => fmt(s.mix?.writes ?? Number.NaN)],
          ['write errors', (s) => fmt(s.mix?.writeErrors ?? Number.NaN)],
          ['write p50 / p99 (ms)', (s) => `${fmt(s.mix?.writeP50 ?? Number.NaN)} / ${fmt(s.mix?.writeP99 ?? Number.NaN)}`],
          ['read-backs after writes', (s) => fmt(s.mix?.freshnessChecks ?? Number.NaN)],
          ['STALE reads', (s) => fmt(s.mix?.staleReads ?? Number.NaN)],
        ] as Row[])
      : []),
  ]
}

// every process the registry knows, so a new service's figures are reported, not dropped
const PROCESS_ORDER = ['gateway', ...SUBGRAPH_NAMES, 'workflow-worker', 'redis', 'postgres', 'temporal', 'loadgen']

function tableOf(mode: Mode, variants: Readonly<Record<string, VariantReport>>): string[][] {
  const names = Object.keys(variants)
  const seen = new Set(names.flatMap((n) => Object.keys(variants[n]?.median.processes ?? {})))
  const processNames = PROCESS_ORDER.filter((p) => seen.has(p))
  const header = ['', ...names]
  return [
    header,
    ...rows(mode, processNames).map(([label, cell]) => [label, ...names.map((n) => cell((variants[n] as VariantReport).median))]),
  ]
}

export function markdownTable(table: readonly (readonly string[])[]): string {
  const [header, ...body] = table
  if (!header) return ''
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`
  return [line(header), line(header.map((_, i) => (i === 0 ? '---' : '---:'))), ...body.map(line)].join('\n')
}

export function textTable(table: readonly (readonly string[])[]): string {
  const widths = (table[0] ?? []).map((_, i) => Math.max(...table.map((row) => (row[i] ?? '').length)))
  return table
    .map((row) => row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0))).join('  '))
    .join('\n')
}

/** --attack: per attacked variant, what each attack got back (summed over runs) and how fast. */
function attackTables(
  variants: Readonly<Record<string, VariantReport>>,
): { title: string; rows: string[][]; descriptions: Record<string, string> }[] {
  const tables: { title: string; rows: string[][]; descriptions: Record<string, string> }[] = []
  for (const [name, report] of Object.entries(variants)) {
    const results = report.runs.flatMap((r) => (r.attack ? [r.attack] : []))
    if (results.length === 0) continue
    const merged = mergeAttackResults(results)
    const rowsOut: string[][] = [['attack', 'sent', 'answers (HTTP status, error code: count)', 'answer p99 ms (median of runs)']]
    for (const [attack, counts] of Object.entries(merged.answers)) {
      const total = Object.values(counts).reduce((a, b) => a + b, 0)
      const answers = Object.entries(counts)
        .sort((a, b) => b[1] - a[1])
        .map(([answer, count]) => `${answer}: ${count}`)
        .join('; ')
      rowsOut.push([attack, fmt(total), answers, fmt(median(merged.p99Ms[attack] ?? []), 1)])
    }
    tables.push({
      title: `Attackers' answers: ${name} (${fmt(merged.sent)} requests over ${results.length} run(s))`,
      rows: rowsOut,
      descriptions: merged.descriptions,
    })
  }
  return tables
}

export interface BenchReport {
  readonly title: string
  readonly mode: Mode
  readonly smoke: boolean
  readonly profile: boolean
  readonly date: string
  readonly command: string
  readonly machine: Machine
  readonly settings: Readonly<Record<string, unknown>>
  readonly data: Readonly<Record<string, unknown>>
  readonly variants: Readonly<Record<string, VariantReport>>
  readonly ratios: Readonly<Record<string, number>>
  readonly targets: readonly Target[]
  readonly profiles?: Readonly<Record<string, ProfileSummary>>
  readonly notes: readonly string[]
}

export function renderText(report: BenchReport): string {
  const out = [
    `${report.title} — ${report.date}`,
    `machine: ${report.machine.cpuModel}, ${report.machine.cores} cores, ${report.machine.memoryGB} GB, Node ${report.machine.node}, ${report.machine.os}, load average at start ${report.machine.loadAverage.join(' / ')}`,
    `command: ${report.command}`,
    '',
    textTable(tableOf(report.mode, report.variants)),
  ]
  for (const table of steadyTables(report)) out.push('', table.title, textTable(table.rows))
  if (report.mode === 'pages' || report.mode === 'steady') {
    out.push(
      '',
      ...Object.entries(report.ratios)
        .filter(([, v]) => Number.isFinite(v))
        .map(([k, v]) => `${k}: ${fmt(v, 2)}×`),
    )
  }
  if (report.targets.length > 0) out.push('', ...report.targets.map((t) => `${t.status}  ${t.name}: ${t.detail}`))
  for (const table of attackTables(report.variants)) out.push('', table.title, textTable(table.rows))
  for (const [variant, profile] of Object.entries(report.profiles ?? {})) {
    out.push(
      '',
      `${variant === 'users-only' ? 'users subgraph' : 'gateway'} CPU profile, ${variant}: top ${profile.top.length} functions by self time (${fmt(profile.busyMs)} ms busy over ${profile.files} profile file(s))`,
    )
    for (const f of profile.top) out.push(`  ${fmt(f.percent, 1).padStart(5)}%  ${fmt(f.selfMs).padStart(7)} ms  ${f.name}`)
    out.push(
      '  by package / file:',
      ...profile.byGroup.slice(0, 10).map((g) => `  ${fmt(g.percent, 1).padStart(5)}%  ${fmt(g.selfMs).padStart(7)} ms  ${g.group}`),
    )
  }
  const problems = Object.entries(report.variants).flatMap(([name, v]) =>
    v.runs.flatMap((r) =>
      [
        ...r.errorSamples,
        ...r.verifySamples,
        ...r.warmup.errorSamples,
        ...(r.mix?.writeErrorSamples ?? []),
        ...(r.mix?.staleSamples ?? []),
      ].map((s) => `${name} run ${r.run}: ${s}`),
    ),
  )
  if (problems.length > 0) out.push('', 'problems seen (samples):', ...problems.slice(0, 20).map((p) => `  ${p}`))
  return out.join('\n')
}

export function renderMarkdown(report: BenchReport): string {
  const m = report.machine
  const out = [
    `# ${report.title}`,
    '',
    `- date: ${report.date}`,
    `- command: \`${report.command}\``,
    `- machine: ${m.cpuModel}, ${m.cores} cores, ${m.memoryGB} GB RAM, Node ${m.node}, ${m.os}; load average at start ${m.loadAverage.join(' / ')}`,
    ...Object.entries(report.settings).map(([k, v]) => `- ${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`),
    ...Object.entries(report.data).map(([k, v]) => `- ${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`),
    '',
    `## Results (median of ${Math.max(...Object.values(report.variants).map((v) => v.runs.length), 0)} run(s) per variant)`,
    '',
    markdownTable(tableOf(report.mode, report.variants)),
    '',
  ]
  if (Object.values(report.variants).some((v) => v.median.responseCacheSource?.startsWith('derived'))) {
    out.push(
      'ᵈ several gateway workers: a `/metrics` request reaches only one of them, so the hit ratio is derived from the load side: every response-cache miss costs exactly one comments-subgraph operation, hits = 1 − comments operations ÷ pages.',
      '',
    )
  }
  out.push('### Variants', '', ...Object.entries(report.variants).map(([name, v]) => `- **${name}**: ${v.description}`), '')
  for (const table of steadyTables(report)) out.push(`### ${table.title}`, '', markdownTable(table.rows), '')
  if (report.mode === 'pages' || report.mode === 'steady') {
    const finite = Object.entries(report.ratios).filter(([, v]) => Number.isFinite(v))
    if (finite.length > 0) out.push('### Ratios', '', ...finite.map(([k, v]) => `- ${k}: **${fmt(v, 2)}×**`), '')
  }
  if (report.targets.length > 0) out.push('### Targets', '', ...report.targets.map((t) => `- **${t.status}** ${t.name}: ${t.detail}`), '')
  for (const table of attackTables(report.variants))
    out.push(
      `### ${table.title}`,
      '',
      markdownTable(table.rows),
      '',
      ...Object.entries(table.descriptions).map(([k, v]) => `- **${k}**: ${v}`),
      '',
    )
  for (const [variant, profile] of Object.entries(report.profiles ?? {})) {
    out.push(
      `### ${variant === 'users-only' ? 'Users subgraph' : 'Gateway'} CPU profile: ${variant}`,
      '',
      `Top ${profile.top.length} functions by self time, ${fmt(profile.busyMs)} ms busy (${fmt(profile.idleMs)} ms idle) over ${profile.files} .cpuprofile file(s) (every gateway process), samples of the measured windows only (start-up and warm-up left out); % of busy time.`,
      '',
      '| self % | self ms | function (location) |',
      '| ---: | ---: | --- |',
      ...profile.top.map(
        (f) => `| ${fmt(f.percent, 1)} | ${fmt(f.selfMs)} | \`${f.functionName}\` ${f.location ? `(${f.location})` : ''} |`,
      ),
      '',
      'Self time by package or project file (lines in project files are those of the code tsx generated, so anonymous functions there are grouped by file):',
      '',
      '| self % | self ms | package / file |',
      '| ---: | ---: | --- |',
      ...profile.byGroup.map((g) => `| ${fmt(g.percent, 1)} | ${fmt(g.selfMs)} | ${g.group} |`),
      '',
    )
  }
  out.push(
    '### Per run',
    '',
    '| variant | run | pages/s | p50 | p95 | p99 | errors | verified | users SQL/100 lookups |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  )
  for (const [name, v] of Object.entries(report.variants)) {
    for (const r of v.runs) {
      out.push(
        `| ${name} | ${r.run} | ${fmt(r.pagesPerSecond)} | ${fmt(r.latencyMs.p50, 1)} | ${fmt(r.latencyMs.p95, 1)} | ${fmt(r.latencyMs.p99, 1)} | ${r.errors} | ${r.verified} | ${fmt(r.usersSqlPer100Lookups, 3)} |`,
      )
    }
  }
  if (report.notes.length > 0) out.push('', '### Notes', '', ...report.notes.map((n) => `- ${n}`))
  return out.join('\n') + '\n'
}

// ------------------------------------------------------------------------------------------
// --steady and --writes

type Verdict = (name: string, ok: boolean, detail: string) => Target

function steadyTargets(
  mode: Mode,
  variants: Readonly<Record<string, VariantReport>>,
  verdict: Verdict,
  skip: (name: string, detail: string) => Target,
): Target[] {
  const targets: Target[] = []
  const full = variants.full
  const from = full?.runs[0]?.steady?.headlineFromS ?? 0
  for (const [name, v] of Object.entries(variants)) {
    const mix = v.median.mix
    if (mix && OUR_VARIANTS.includes(name as VariantName))
      targets.push(
        verdict(
          `${name}: 0 stale reads after writes`,
          mix.staleReads === 0 && mix.freshnessChecks > 0,
          `${mix.staleReads} stale of ${mix.freshnessChecks} read-backs (${mix.writes} writes, ${mix.writeErrors} write errors)`,
        ),
      )
  }
  if (mode === 'steady') {
    let name = `full, steady state (from ${from} s): ≥ 2,000 pages/s with p99 ≤ 50 ms`
    targets.push(
      full
        ? verdict(
            name,
            full.median.pagesPerSecond >= 2000 && full.median.p99 <= 50,
            `${fmt(full.median.pagesPerSecond)} pages/s, p99 ${fmt(full.median.p99, 1)} ms`,
          )
        : skip(name, 'variant full not run'),
    )
    const hive = variants['hive-gateway']?.median
    const r = ratio(full?.median.pagesPerSecond, hive?.pagesPerSecond)
    name = 'full ≥ 1.5× hive-gateway with its response cache (pages/s)'
    targets.push(
      full && hive
        ? verdict(name, r >= 1.5, `${fmt(r, 2)}× (${fmt(full.median.pagesPerSecond)} vs ${fmt(hive.pagesPerSecond)} pages/s)`)
        : skip(name, 'variant full or hive-gateway not run'),
    )
    const cached = variants.cached?.median
    name = 'cached (no response cache) ≥ 1,500 pages/s'
    targets.push(
      cached
        ? verdict(name, cached.pagesPerSecond >= 1500, `${fmt(cached.pagesPerSecond)} pages/s, p99 ${fmt(cached.p99, 1)} ms`)
        : skip(name, 'variant cached not run'),
    )
  }
  const kinds = full?.runs[0]?.steady?.writes.byKind
  const post = kinds?.postComment?.latencyMs
  const moderate = kinds?.moderateReview?.latencyMs
  targets.push(
    post
      ? verdict(
          'full: postComment under the read load p50 ≤ 100 ms and p99 ≤ 300 ms',
          post.p50 <= 100 && post.p99 <= 300,
          `p50 ${fmt(post.p50)} ms, p99 ${fmt(post.p99)} ms over ${fmt(post.count)}`,
        )
      : skip('full: postComment under the read load p50 ≤ 100 ms and p99 ≤ 300 ms', 'no postComment measured'),
  )
  targets.push(
    moderate
      ? verdict(
          "full: moderateReview's answer under the read load p50 ≤ 100 ms",
          moderate.p50 <= 100,
          `p50 ${fmt(moderate.p50)} ms over ${fmt(moderate.count)}`,
        )
      : skip("full: moderateReview's answer under the read load p50 ≤ 100 ms", 'no moderateReview measured'),
  )
  if (mode === 'writes') {
    const w = full?.runs[0]?.writesMode
    targets.push(
      w
        ? verdict(
            '≥ 50 postComment/s sustained beside the read load with p99 ≤ 500 ms',
            w.maxSustainedPerSecond >= 50,
            `${fmt(w.maxSustainedPerSecond)} writes/s (highest step that held)`,
          )
        : skip('≥ 50 writes/s sustained with p99 ≤ 500 ms', 'no ramp measured'),
    )
  }
  return targets
}

function steadyTables(report: BenchReport): { title: string; rows: string[][] }[] {
  const tables: { title: string; rows: string[][] }[] = []
  for (const [name, v] of Object.entries(report.variants)) {
    for (const r of v.runs) {
      const steady = r.steady
      if (!steady) continue
      const procs = PROCESS_ORDER.filter((p) => steady.windows.some((w) => Number.isFinite(w.cpuPercent[p] ?? Number.NaN)))
      const top = procs.filter((p) =>
        ['gateway', 'comments', 'users', 'facade', 'workflow-worker', 'temporal', 'redis', 'postgres'].includes(p),
      )
      tables.push({
        title: `Windows: ${name}, run ${r.run} (${steady.windowS} s each; the headline covers ${steady.headlineFromS} s on)`,
        rows: [
          [
            'window (s)',
            'pages/s',
            'p50 ms',
            'p99 ms',
            'hits',
            'errors',
            'writes/s',
            'write p50/p99 ms',
            'write errors',
            'stale',
            ...top.map((p) => `CPU% ${p}`),
          ],
          ...steady.windows.map((w) => [
            `${w.fromS}–${w.toS}`,
            fmt(w.pagesPerSecond),
            fmt(w.latencyMs.p50, 1),
            fmt(w.latencyMs.p99, 1),
            pct(w.responseCacheHit),
            fmt(w.errors),
            fmt(w.writesPerSecond, 1),
            `${fmt(w.writeP50)} / ${fmt(w.writeP99)}`,
            fmt(w.writeErrors),
            `${w.staleReads}/${w.freshnessChecks}`,
            ...top.map((p) => fmt(w.cpuPercent[p] ?? Number.NaN)),
          ]),
        ],
      })
      tables.push({
        title: `Writes by kind: ${name}, run ${r.run} (${steady.headlineFromS} s on, beside the read load)`,
        rows: [
          ['mutation', 'count', 'errors', 'p50 ms', 'p99 ms', 'max ms'],
          ...Object.entries(steady.writes.byKind).map(([kind, f]) => [
            kind,
            fmt(f.count),
            fmt(f.errors),
            fmt(f.latencyMs.p50),
            fmt(f.latencyMs.p99),
            fmt(f.latencyMs.max),
          ]),
        ],
      })
      const w = r.writesMode
      if (w) {
        const processes = [...new Set(Object.values(w.idle).flatMap((f) => Object.keys(f.cpuMsByProcess)))]
        const shown = PROCESS_ORDER.filter((p) => processes.includes(p))
        tables.push({
          title: `Writes one at a time on an idle stack: ${name} (CPU ms per write over every process, idle baseline taken out)`,
          rows: [
            ['mutation', 'count', 'errors', 'p50 ms', 'p99 ms', 'CPU ms/write', ...shown.map((p) => `ms ${p}`)],
            ...Object.entries(w.idle).map(([kind, f]) => [
              kind,
              fmt(f.count),
              fmt(f.errors),
              fmt(f.latencyMs.p50),
              fmt(f.latencyMs.p99),
              fmt(f.cpuMsPerWrite, 1),
              ...shown.map((p) => fmt(f.cpuMsByProcess[p] ?? Number.NaN, 1)),
            ]),
          ],
        })
        tables.push({
          title: `Open-loop postComment beside the read load: ${name} (highest rate held: ${fmt(w.maxSustainedPerSecond)}/s)`,
          rows: [
            ['target/s', 'achieved/s', 'skipped', 'errors', 'p50 ms', 'p99 ms', 'pages/s beside', 'held'],
            ...w.ramp.map((s) => [
              fmt(s.targetPerSecond),
              fmt(s.achievedPerSecond, 1),
              fmt(s.skipped),
              fmt(s.errors),
              fmt(s.latencyMs.p50),
              fmt(s.latencyMs.p99),
              fmt(s.pagesPerSecond),
              s.ok ? 'yes' : 'no',
            ]),
          ],
        })
      }
    }
  }
  return tables
}
