// The command line of `npm run bench`: pure, so the unit tests can check it.

export const VARIANT_NAMES = ['naive', 'dataloader', 'cached', 'full', 'apollo-defaults', 'hive-gateway'] as const
export type VariantName = (typeof VARIANT_NAMES)[number]

/** Our own gateway and subgraphs with the product's knobs (the third-party gateways are the others). */
export const OUR_VARIANTS: readonly VariantName[] = ['naive', 'dataloader', 'cached', 'full']

export type Mode = 'pages' | 'users-only' | 'mix' | 'attack'

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

export const USAGE = `Usage: npm run bench -- [options]          (npm run bench:smoke: the CI smoke test)

The comments page benchmark: an embedded Postgres in .data/bench (seeded once with 100,000 users
and 1,000,000 comments), a real Redis (redis-server on PATH), and, for each variant, freshly
started subgraphs and gateway driven by N keep-alive HTTP loops sending the contract's
CommentsPage query. Pages are drawn from a Zipf(1.0) distribution over the 10,000 subjects with
the most top-level comments, and uniformly among each subject's first 10 pages.

Options:
  --duration S         measured seconds per run and variant      [${DEFAULTS.durationS}; smoke ${SMOKE_DEFAULTS.durationS}]
  --warmup S           unmeasured warm-up seconds before each run [${DEFAULTS.warmupS}; smoke ${SMOKE_DEFAULTS.warmupS}]
  --runs N             runs per variant, interleaved; the report shows medians [${DEFAULTS.runs}; smoke ${SMOKE_DEFAULTS.runs}]
  --concurrency N      concurrent request loops                    [${DEFAULTS.concurrency}; smoke ${SMOKE_DEFAULTS.concurrency}]
  --variants a,b       among ${VARIANT_NAMES.join(', ')}
                       [all; --mix: full,cached; --profile: full,dataloader]
  --gateway-workers N  GATEWAY_WORKERS of our gateway in the "full" variant [${DEFAULTS.gatewayWorkers}]
  --users-only         drive the users subgraph's _entities directly (10 representations per
                       request, ENTITY_CACHE=full) and report author lookups/s
  --mix                2% writes (postComment, updateProfile) among the reads, each followed by a
                       read of the page it changed; stale reads are counted (starts Temporal)
  --attack             each variant twice per run, without and with attacker loops beside the
                       page load (1 MiB queries, a cost bomb, deep and aliased queries, password
                       guessing, cache-key pollution, oversized and malformed bodies); reports the
                       normal load's pages/s and p99 both ways, peak RSS, crashes and the answers
                       the attackers got, by code                [variants: full]
  --attackers N        attacker loops under --attack                                [${DEFAULTS.attackers}]
  --attack-pause-ms N  each attacker loop's pause after an answer                   [${DEFAULTS.attackPauseMs}]
  --profile            run our gateway with --cpu-prof (variants full and dataloader) and report
                       the top 15 functions by self time (with --users-only: the users subgraph)
  --no-prime           skip priming (by default, before each warm-up: every user is loaded once
                       into the users' caches where the variant has them, and every benchmark page
                       is requested once through a gateway with a response cache)
  --smoke              small seed (.data/bench-smoke), 1 run of 5 s per variant, correctness only:
                       exit code 1 on any error or failed verification
  --help               this text

Results: bench/results/<timestamp><suffix>.{md,json} and bench/results/latest<suffix>.{md,json}, where
<suffix> is empty, -users-only, -mix or -attack, then -profile with --profile (smoke: bench/results/smoke/).`

function positiveNumber(flag: string, raw: string, integer: boolean, min: number, max: number): number {
  const value = Number(raw)
  if (raw.trim() === '' || !Number.isFinite(value) || (integer && !Number.isInteger(value)) || value < min || value > max) {
    throw new UsageError(`${flag} must be ${integer ? 'an integer' : 'a number'} between ${min} and ${max}, got "${raw}"`)
  }
  return value
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
])
const BOOLEAN_FLAGS = new Set(['--users-only', '--mix', '--attack', '--profile', '--smoke', '--no-prime', '--help'])

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
  if ([flags.has('--users-only'), flags.has('--mix'), flags.has('--attack')].filter(Boolean).length > 1) {
    throw new UsageError('--users-only, --mix and --attack cannot be combined')
  }
  if (!flags.has('--attack') && (given['--attackers'] !== undefined || given['--attack-pause-ms'] !== undefined)) {
    throw new UsageError('--attackers and --attack-pause-ms need --attack')
  }
  if (flags.has('--users-only') && given['--variants'] !== undefined)
    throw new UsageError('--users-only measures the users subgraph alone: --variants does not apply')
  const smoke = flags.has('--smoke')
  const base = smoke ? { ...DEFAULTS, ...SMOKE_DEFAULTS } : DEFAULTS
  const mode: Mode = flags.has('--users-only') ? 'users-only' : flags.has('--mix') ? 'mix' : flags.has('--attack') ? 'attack' : 'pages'
  const profile = flags.has('--profile')
  let variants: VariantName[]
  if (given['--variants'] !== undefined) variants = parseVariants(given['--variants'])
  else if (mode === 'mix') variants = ['full', 'cached']
  else if (mode === 'attack') variants = ['full']
  else if (profile) variants = ['full', 'dataloader']
  else variants = [...VARIANT_NAMES]
  if (mode === 'mix' || mode === 'attack') {
    const foreign = variants.filter((v) => !OUR_VARIANTS.includes(v))
    const why = mode === 'mix' ? 'writes are signed-in mutations' : "the attacks test our gateway's limits"
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
      prime: !flags.has('--no-prime') && !smoke,
      variants,
      argv: [...argv],
    },
  }
}
