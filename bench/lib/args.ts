// The command line of `npm run bench`: pure, so the unit tests can check it.

export const VARIANT_NAMES = [
  'naive',
  'dataloader',
  'cached',
  'full',
  'apollo-defaults',
  'hive-gateway',
  'full-traced',
  'cached-traced',
] as const
export type VariantName = (typeof VARIANT_NAMES)[number]

/** Our own gateway and subgraphs with the product's knobs (the third-party gateways are the others). */
export const OUR_VARIANTS: readonly VariantName[] = ['naive', 'dataloader', 'cached', 'full', 'full-traced', 'cached-traced']

/** steady: the headline (cold caches, writes from their own clients); pages: the primed, read-only hot-cache ceiling */
export type Mode = 'steady' | 'writes' | 'pages' | 'users-only' | 'mix' | 'attack'

export interface BenchOptions {
  readonly mode: Mode
  readonly smoke: boolean
  readonly profile: boolean
  /** measured seconds per run and variant */
  readonly durationS: number
  /** unmeasured seconds before each run */
  readonly warmupS: number
  readonly runs: number
  readonly concurrency: number
  readonly variants: readonly VariantName[]
  readonly gatewayWorkers: number
  /** load every user into the users' caches and every page into a caching gateway before the warm-up */
  readonly prime: boolean
  /** --attack: attacker loops beside the page load, and the pause after each attack */
  readonly attackers: number
  readonly attackPauseMs: number
  /** --steady: seconds per reported window, and the writes' share of the reads */
  readonly windowS: number
  readonly writeShare: number
  /** the headline leaves out the windows before this second (caches warming up) */
  readonly headlineFromS: number
  /** --writes: each mutation this many times one at a time on an idle stack, and the open-loop write rates tried */
  readonly writesPerKind: number
  readonly rampRates: readonly number[]
  readonly rampStepS: number
  /** the flags as given, for the report */
  readonly argv: readonly string[]
}

export type BenchCommand = { readonly help: true } | { readonly help: false; readonly options: BenchOptions }

export class UsageError extends Error {
  override readonly name = 'UsageError'
}

// one gateway process by default (the response cache lives in Redis, shared by every gateway process): the load generator needs the other core
export const DEFAULTS = {
  durationS: 30,
  warmupS: 10,
  runs: 3,
  concurrency: 32,
  gatewayWorkers: 1,
  attackers: 4,
  attackPauseMs: 20,
} as const
export const SMOKE_DEFAULTS = { durationS: 5, warmupS: 1, runs: 1, concurrency: 8 } as const
/** the steady state: one run of 5 minutes per variant, from cold, in 30-s windows, the first minute left out of the headline */
export const STEADY_DEFAULTS = { durationS: 300, warmupS: 0, runs: 1, windowS: 30, writeShare: 0.02, headlineFromS: 60 } as const
export const STEADY_SMOKE_DEFAULTS = { durationS: 16, warmupS: 0, runs: 1, windowS: 4, concurrency: 8, headlineFromS: 4 } as const
export const STEADY_VARIANTS: readonly VariantName[] = ['full', 'cached', 'hive-gateway', 'apollo-defaults']
/** --writes: idle series, then the steady read load with its writes (--duration), then the ramp */
export const WRITES_DEFAULTS = { durationS: 60, writesPerKind: 40, rampRates: [10, 25, 50, 75, 100, 150], rampStepS: 15 } as const
export const WRITES_SMOKE_DEFAULTS = { durationS: 8, writesPerKind: 2, rampRates: [2, 5], rampStepS: 3, concurrency: 4 } as const

export const USAGE = `Usage: npm run bench -- [options]          (npm run bench:smoke: the CI smoke test)

The comments page benchmark: an embedded Postgres in .data/bench (seeded once with 100,000 users
and 1,000,000 comments), a real Redis (redis-server on PATH), Temporal, and, for each variant,
freshly started services and gateway driven by N keep-alive HTTP loops sending the contract's
CommentsPage query.

Modes:
  (default) --steady   the regime users live in: caches cold at start, no priming; subjects drawn
                       Zipf(1.0) over every subject with comments, page k with P(k) ∝ 1/k² among its
                       first 20; writes (post, reply, edit, delete, profile, review, moderation) from
                       their own signed-in clients at 2% of the reads, each followed by a read of the
                       page it changed (stale reads counted); figures per window; the headline
                       leaves out the first minute      [variants: ${STEADY_VARIANTS.join(', ')}]
  --writes             per mutation: latency one at a time on an idle stack, CPU ms across every
                       process, latency under the steady read load, and the highest open-loop rate
                       of postComment with p99 ≤ 500 ms                              [variants: full]
  --ceiling            the hot-cache ceiling: reads only, every user and page primed first
                       (--no-prime: cold), Zipf over the 10,000 subjects with most comments
                       [variants: all; --profile: full,dataloader]
  --users-only         drive the users subgraph's _entities directly (10 representations per
                       request, ENTITY_CACHE=full) and report author lookups/s
  --mix                (older) 2% of the read loops' iterations are writes, closed loop
  --attack             each variant twice per run, without and with attacker loops beside the
                       page load (1 MiB queries, a cost bomb, deep and aliased queries, password
                       guessing, cache-key pollution, oversized and malformed bodies) [variants: full]

Options:
  --duration S         measured seconds per run and variant  [steady ${STEADY_DEFAULTS.durationS}; writes (loaded phase) ${WRITES_DEFAULTS.durationS}; others ${DEFAULTS.durationS}; smoke less]
  --warmup S           unmeasured warm-up seconds before each run [steady ${STEADY_DEFAULTS.warmupS}; others ${DEFAULTS.warmupS}]
  --window S           --steady: seconds per reported window         [${STEADY_DEFAULTS.windowS}]
  --headline-from S    --steady: the headline covers the windows from this second [${STEADY_DEFAULTS.headlineFromS}]
  --write-share F      --steady/--writes: writes per read            [${STEADY_DEFAULTS.writeShare}]
  --writes-per-kind N  --writes: each mutation N times one at a time [${WRITES_DEFAULTS.writesPerKind}]
  --ramp a,b,…         --writes: open-loop postComment rates tried (writes/s) [${WRITES_DEFAULTS.rampRates.join(',')}]
  --ramp-step S        --writes: seconds per rate                    [${WRITES_DEFAULTS.rampStepS}]
  --runs N             runs per variant, interleaved; the report shows medians [steady 1; others ${DEFAULTS.runs}]
  --concurrency N      concurrent request loops                    [${DEFAULTS.concurrency}; smoke ${SMOKE_DEFAULTS.concurrency}]
  --variants a,b       among ${VARIANT_NAMES.join(', ')}
  --gateway-workers N  GATEWAY_WORKERS of our gateway in the "full" variant [${DEFAULTS.gatewayWorkers}]
  --attackers N        attacker loops under --attack                                [${DEFAULTS.attackers}]
  --attack-pause-ms N  each attacker loop's pause after an answer                   [${DEFAULTS.attackPauseMs}]
  --profile            run our gateway with --cpu-prof and report the top 15 functions by self
                       time (with --users-only: the users subgraph)
  --no-prime           --ceiling: skip priming
  --smoke              small seed (.data/bench-smoke), short runs, correctness only: exit code 1
                       on any error, failed verification or stale read
  --help               this text

Results: bench/results/<timestamp><suffix>.{md,json} and bench/results/latest<suffix>.{md,json}, where
<suffix> is -steady, -writes, empty (--ceiling), -users-only, -mix or -attack, then -profile with
--profile (smoke: bench/results/smoke/).`

function positiveNumber(flag: string, raw: string, integer: boolean, min: number, max: number): number {
  const value = Number(raw)
  if (raw.trim() === '' || !Number.isFinite(value) || (integer && !Number.isInteger(value)) || value < min || value > max) {
    throw new UsageError(`${flag} must be ${integer ? 'an integer' : 'a number'} between ${min} and ${max}, got "${raw}"`)
  }
  return value
}

function parseRates(raw: string): number[] {
  const rates = raw.split(',').map((r) => positiveNumber('--ramp', r.trim(), false, 0.1, 10_000))
  if (rates.length === 0) throw new UsageError('--ramp needs at least one rate')
  return rates
}

function parseVariants(raw: string): VariantName[] {
  const names = raw
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
  if (names.length === 0) throw new UsageError('--variants needs at least one variant')
  for (const name of names) {
    if (!(VARIANT_NAMES as readonly string[]).includes(name)) {
      throw new UsageError(`unknown variant "${name}" (known: ${VARIANT_NAMES.join(', ')})`)
    }
  }
  return [...new Set(names)] as VariantName[]
}

const VALUE_FLAGS = new Set([
  '--duration',
  '--warmup',
  '--runs',
  '--concurrency',
  '--variants',
  '--gateway-workers',
  '--attackers',
  '--attack-pause-ms',
  '--window',
  '--headline-from',
  '--write-share',
  '--writes-per-kind',
  '--ramp',
  '--ramp-step',
])
const MODE_FLAGS = ['--steady', '--writes', '--ceiling', '--users-only', '--mix', '--attack'] as const
const BOOLEAN_FLAGS = new Set([...MODE_FLAGS, '--profile', '--smoke', '--no-prime', '--help'])

/** Parses `process.argv.slice(2)`; throws UsageError on anything it does not understand. */
export function parseBenchArgs(argv: readonly string[]): BenchCommand {
  const given: Record<string, string> = {}
  const flags = new Set<string>()
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string
    if (arg === '-h') return { help: true }
    const eq = arg.indexOf('=')
    const name = eq > 0 ? arg.slice(0, eq) : arg
    if (BOOLEAN_FLAGS.has(name)) {
      if (eq > 0) throw new UsageError(`${name} takes no value`)
      if (name === '--help') return { help: true }
      flags.add(name)
    } else if (VALUE_FLAGS.has(name)) {
      let value = eq > 0 ? arg.slice(eq + 1) : argv[i + 1]
      if (value === undefined || (eq < 0 && value.startsWith('--'))) throw new UsageError(`${name} needs a value`)
      if (eq < 0) i++
      value = value.trim()
      given[name] = value
    } else {
      throw new UsageError(`unknown option ${arg}`)
    }
  }
  const modes = MODE_FLAGS.filter((f) => flags.has(f))
  if (modes.length > 1) throw new UsageError(`${modes.join(' and ')} cannot be combined: one mode at a time`)
  if (!flags.has('--attack') && (given['--attackers'] !== undefined || given['--attack-pause-ms'] !== undefined)) {
    throw new UsageError('--attackers and --attack-pause-ms need --attack')
  }
  if (flags.has('--users-only') && given['--variants'] !== undefined)
    throw new UsageError('--users-only measures the users subgraph alone: --variants does not apply')
  const smoke = flags.has('--smoke')
  const modeOf: Record<(typeof MODE_FLAGS)[number], Mode> = {
    '--steady': 'steady',
    '--writes': 'writes',
    '--ceiling': 'pages',
    '--users-only': 'users-only',
    '--mix': 'mix',
    '--attack': 'attack',
  }
  const mode: Mode = modes[0] ? modeOf[modes[0]] : 'steady'
  const steadyLike = mode === 'steady' || mode === 'writes'
  for (const flag of ['--window', '--headline-from'])
    if (mode !== 'steady' && given[flag] !== undefined) throw new UsageError(`${flag} needs --steady (the default mode)`)
  if (!steadyLike && given['--write-share'] !== undefined) throw new UsageError('--write-share needs --steady or --writes')
  for (const flag of ['--writes-per-kind', '--ramp', '--ramp-step'])
    if (mode !== 'writes' && given[flag] !== undefined) throw new UsageError(`${flag} needs --writes`)
  if (flags.has('--no-prime') && mode !== 'pages' && mode !== 'users-only' && mode !== 'attack' && mode !== 'mix')
    throw new UsageError('--no-prime applies to --ceiling: the steady and writes modes never prime')
  const base =
    mode === 'steady'
      ? { ...DEFAULTS, ...STEADY_DEFAULTS, ...(smoke ? STEADY_SMOKE_DEFAULTS : {}) }
      : mode === 'writes'
        ? { ...DEFAULTS, ...STEADY_DEFAULTS, ...WRITES_DEFAULTS, ...(smoke ? { ...SMOKE_DEFAULTS, ...WRITES_SMOKE_DEFAULTS } : {}) }
        : smoke
          ? { ...DEFAULTS, ...SMOKE_DEFAULTS }
          : DEFAULTS
  const profile = flags.has('--profile')
  let variants: VariantName[]
  if (given['--variants'] !== undefined) variants = parseVariants(given['--variants'])
  else if (mode === 'steady') variants = profile ? ['full', 'cached'] : [...STEADY_VARIANTS]
  else if (mode === 'writes') variants = ['full']
  else if (mode === 'mix') variants = ['full', 'cached']
  else if (mode === 'attack') variants = ['full']
  else if (profile) variants = ['full', 'dataloader']
  else variants = [...VARIANT_NAMES]
  if (mode === 'steady' && variants.some((v) => v === 'naive' || v === 'dataloader'))
    throw new UsageError('--steady compares full, cached, hive-gateway and apollo-defaults (naive and dataloader are --ceiling variants)')
  if (mode === 'mix' || mode === 'attack' || mode === 'writes') {
    const foreign = variants.filter((v) => !OUR_VARIANTS.includes(v))
    const why = mode === 'attack' ? "the attacks test our gateway's limits" : 'it measures our write path'
    if (foreign.length > 0) throw new UsageError(`--${mode} needs our gateway (${why}): not ${foreign.join(', ')}`)
  }
  const read = (flag: string, fallback: number, integer: boolean, min: number, max: number): number =>
    given[flag] === undefined ? fallback : positiveNumber(flag, given[flag] as string, integer, min, max)
  return {
    help: false,
    options: {
      mode,
      smoke,
      profile,
      durationS: read('--duration', base.durationS, false, 0.5, 3600),
      warmupS: read('--warmup', base.warmupS, false, 0, 3600),
      runs: read('--runs', base.runs, true, 1, 100),
      concurrency: read('--concurrency', base.concurrency, true, 1, 4096),
      gatewayWorkers: read('--gateway-workers', DEFAULTS.gatewayWorkers, true, 1, 64),
      attackers: read('--attackers', DEFAULTS.attackers, true, 1, 256),
      attackPauseMs: read('--attack-pause-ms', DEFAULTS.attackPauseMs, true, 0, 60_000),
      prime: !flags.has('--no-prime') && !smoke && !steadyLike,
      windowS: read('--window', 'windowS' in base ? base.windowS : STEADY_DEFAULTS.windowS, false, 1, 3600),
      headlineFromS: read('--headline-from', 'headlineFromS' in base ? base.headlineFromS : STEADY_DEFAULTS.headlineFromS, false, 0, 3600),
      writeShare: read('--write-share', STEADY_DEFAULTS.writeShare, false, 0, 1),
      writesPerKind: read(
        '--writes-per-kind',
        'writesPerKind' in base ? base.writesPerKind : WRITES_DEFAULTS.writesPerKind,
        true,
        1,
        10_000,
      ),
      rampRates:
        given['--ramp'] === undefined
          ? [...('rampRates' in base ? base.rampRates : WRITES_DEFAULTS.rampRates)]
          : parseRates(given['--ramp']),
      rampStepS: read('--ramp-step', 'rampStepS' in base ? base.rampStepS : WRITES_DEFAULTS.rampStepS, false, 1, 3600),
      variants,
      argv: [...argv],
    },
  }
}
