// `npm run bench`: the comments page benchmark (see --help and bench/README.md).
import { spawnSync } from 'node:child_process'
import { createHash, randomBytes } from 'node:crypto'
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { join, relative } from 'node:path'
import { ANONYMOUS, signCaller } from '../packages/service-template/src/auth'
import { ROOT } from '../scripts/lib/services'
import { OUR_VARIANTS, USAGE, UsageError, parseBenchArgs, type BenchOptions, type Mode, type VariantName } from './lib/args'
import { cleanupAll, installSignalHandlers, onCleanup } from './lib/cleanup'
import { nowUs, summarizeProfiles, type CpuProfile, type ProfileSummary, type TimeWindow } from './lib/cpuprofile'
import {
  BENCH_SEED,
  SMOKE_SEED,
  describeSeed,
  loadProducts,
  loadSubjects,
  loadWriters,
  openBenchDatabase,
  undoMixWrites,
  type BenchDatabase,
  type Subject,
} from './lib/data'
import { keepAliveAgent, runLoops } from './lib/http'
import { primePages, primeUsers } from './lib/prime'
import {
  LoadStats,
  authorPicker,
  entitiesLoad,
  pageLoad,
  pagePicker,
  readPage,
  REPRESENTATIONS_PER_REQUEST,
  type PageLoadOptions,
} from './lib/load'
import { runResult, snapshot, tailProbe, type RunResult, type Watched } from './lib/measure'
import { MixWriter, WRITE_SHARE, signIn } from './lib/mix'
import { attackSummary, attacks, runAttackers, type AttackResult } from './lib/attack'
import {
  checkTargets,
  computeRatios,
  machineInfo,
  renderMarkdown,
  renderText,
  summarizeRuns,
  type BenchReport,
  type VariantReport,
} from './lib/report'
import { ProcessSet, startRedis, startSubgraphs, startTemporal, startVariant, type RedisServer, type StackContext } from './lib/stack'
import { variantSpec, type VariantSpec } from './lib/variants'
import { STEADY_PAGES_PER_SUBJECT } from './lib/steady'
import { STEADY_WRITERS, measureSteady, type SteadyContext } from './lib/steady-run'
import { measureWrites } from './lib/writes-run'
import { ZIPF_EXPONENT, ZipfSampler, mulberry32 } from './lib/zipf'

const RESULTS = join(ROOT, 'bench', 'results')
const PROFILES = join(RESULTS, 'profiles')
const SUBJECTS = 10_000
const MIX_WRITERS = 16
/** --steady: every subject with comments, each with its first 20 pages; the writers come from the 2,000 hottest */
const AUTHORED_SUBJECTS = 2_000
const REVIEWED_PRODUCTS = 2_000

interface Run {
  readonly options: BenchOptions
  readonly db: BenchDatabase
  readonly redis: RedisServer
  readonly subjects: readonly Subject[]
  readonly ctx: StackContext
  readonly verifyEvery: number
  readonly failures: string[]
  readonly temporalPid: number | null
  /** --profile: each variant's measured windows, to leave start-up and warm-up out of the profile */
  readonly windows: Record<string, TimeWindow[]>
}

const originOf = (url: string): string => new URL(url).origin
const ms = (seconds: number): number => Math.round(seconds * 1000)

function line(result: RunResult, mode: Mode): string {
  const unit = mode === 'users-only' ? 'req/s' : 'pages/s'
  const parts = [
    `${result.pagesPerSecond.toFixed(0)} ${unit}`,
    `${result.lookupsPerSecond.toFixed(0)} lookups/s`,
    `p50 ${result.latencyMs.p50.toFixed(1)} p99 ${result.latencyMs.p99.toFixed(1)} ms`,
    `errors ${result.errors}`,
    `verified ${result.verified}${result.verifyFailures ? ` (${result.verifyFailures} FAILED)` : ''}`,
    `users SQL/100 lookups ${result.usersSqlPer100Lookups.toFixed(3)}`,
  ]
  if (result.mix) parts.push(`writes ${result.mix.writes}, stale ${result.mix.staleReads}/${result.mix.freshnessChecks}`)
  return parts.join(', ')
}

function assertAlive(crashed: () => string | null): void {
  const crash = crashed()
  if (crash) throw new Error(crash)
}

/** One run of one variant: fresh processes, FLUSHALL, warm-up, measured window (with attackers beside the load when `attacked`). */
async function measureVariant(run: Run, spec: VariantSpec, index: number, runNumber: number, attacked = false): Promise<RunResult> {
  const { options, redis, subjects } = run
  const mix = options.mode === 'mix'
  await redis.flushAll()
  const profileDir = options.profile && spec.gateway.kind === 'ours' ? join(PROFILES, spec.name) : undefined
  // under --mix the writes are undone once the processes are down (also after Ctrl-C)
  let undo: (() => Promise<void>) | undefined
  let writer: MixWriter | undefined
  let attack: AttackResult | undefined
  if (mix) {
    undo = onCleanup(`${spec.name}: undo the writes`, async () => {
      if (writer) await undoMixWrites(run.db.urls, writer.journal.commentIds, writer.journal.originalUsernames)
    })
  }
  const stack = await startVariant(spec, run.ctx, { ...(profileDir ? { profileDir } : {}), logPrefix: `${spec.name}-run${runNumber}-` })
  try {
    const agent = keepAliveAgent(options.concurrency)
    const random = mulberry32(1000 * runNumber + index + 1)
    const pick = pagePicker(subjects, new ZipfSampler(subjects.length, ZIPF_EXPONENT, random), random)
    const read: PageLoadOptions = { agent, url: new URL(stack.gatewayUrl), pick, verifyEvery: run.verifyEvery, growing: mix }
    if (mix) {
      const writers = await signIn(agent, read.url, await loadWriters(run.db.urls.users, subjects, MIX_WRITERS))
      if (writers.length === 0) throw new Error('no writers: no generated user authored a comment on a later page')
      writer = new MixWriter(writers, agent, read.url, read, random)
    }
    if (options.prime) {
      const primed = Date.now()
      // the gateway's signatures name their subgraph and live seconds: sign for each request
      const header = () => signCaller(run.ctx.secrets.gateway, ANONYMOUS, 'users')
      const users =
        spec.subgraphEnv.ENTITY_CACHE !== 'off'
          ? await primeUsers(agent, new URL(stack.subgraphUrls.users as string), run.db.urls.users, header, 8)
          : 0
      const caching = spec.gateway.kind === 'ours' && spec.gateway.responseCache
      const pages = caching ? await primePages(agent, read.url, subjects, options.concurrency) : 0
      console.log(`  primed ${users} users, ${pages} pages in ${((Date.now() - primed) / 1000).toFixed(1)} s`)
    }
    const warmup = options.warmupS > 0 ? await pageLoad(read, options.concurrency, ms(options.warmupS)) : null
    assertAlive(stack.crashed)
    const watched: Watched = {
      metrics: {
        users: originOf(stack.subgraphUrls.users as string),
        comments: originOf(stack.subgraphUrls.comments as string),
        ...(spec.gateway.kind === 'ours' ? { gateway: stack.gatewayMetricsOrigin } : {}),
      },
      pids: {
        ...stack.pids,
        redis: redis.pid,
        postgres: (await run.db.postmasterPid()) ?? 0,
        ...(run.temporalPid ? { temporal: run.temporalPid } : {}),
      },
    }
    const before = await snapshot(watched, redis)
    const windowStart = nowUs()
    const stats = new LoadStats()
    const tail = tailProbe(watched.metrics.users as string, ms(options.durationS), () => stats.requests)
    if (writer) {
      const mixWriter = writer
      stats.elapsedMs = await runLoops(options.concurrency, ms(options.durationS), async () => {
        if (random() < WRITE_SHARE && (await mixWriter.maybeWrite(pick, stats))) return
        await readPage(read, stats, pick())
      })
    } else if (attacked) {
      const attackAgent = keepAliveAgent(options.attackers)
      ;[, attack] = await Promise.all([
        pageLoad(read, options.concurrency, ms(options.durationS), stats),
        runAttackers(attackAgent, read.url, attacks(subjects), options.attackers, options.attackPauseMs, ms(options.durationS)),
      ])
      attackAgent.destroy()
    } else {
      await pageLoad(read, options.concurrency, ms(options.durationS), stats)
    }
    ;(run.windows[spec.name] ??= []).push({ startUs: windowStart, endUs: nowUs() })
    const after = await snapshot(watched, redis)
    tail.cancel()
    const crash = stack.crashed()
    if (crash) throw new Error(`CRASH during the measured window: ${crash}`)
    agent.destroy()
    return runResult({
      variant: attacked ? `${spec.name}+attack` : spec.name,
      run: runNumber,
      stats,
      warmup,
      before,
      after,
      responseCache: spec.gateway.kind === 'ours' ? { enabled: spec.gateway.responseCache, workers: spec.gateway.workers } : null,
      tail: await tail.result(),
      ...(writer ? { mix: writer.result() } : {}),
      ...(attack ? { attack } : {}),
    })
  } finally {
    await stack.stop()
    await undo?.()
  }
}

/** One run of --users-only: the users subgraph alone (ENTITY_CACHE=full), _entities with 10 users each. */
async function measureUsersOnly(run: Run, runNumber: number): Promise<RunResult> {
  const { options, redis, subjects } = run
  await redis.flushAll()
  const set = new ProcessSet(run.ctx.logDir, `users-only-run${runNumber}-`)
  const stop = onCleanup('users subgraph', () => set.stopAll())
  let resign: NodeJS.Timeout | undefined
  try {
    const profile = options.profile ? ['--cpu-prof', '--cpu-prof-dir', join(PROFILES, 'users-only')] : []
    const { urls, pids } = await startSubgraphs(set, run.ctx, ['users'], { BATCH_LOADS: 'true', ENTITY_CACHE: 'full' }, profile)
    // signatures name their subgraph and are accepted for seconds: sign again every 5 s
    let header = signCaller(run.ctx.secrets.gateway, ANONYMOUS, 'users')
    resign = setInterval(() => (header = signCaller(run.ctx.secrets.gateway, ANONYMOUS, 'users')), 5_000)
    const agent = keepAliveAgent(options.concurrency)
    const random = mulberry32(7000 + runNumber)
    const pick = pagePicker(subjects, new ZipfSampler(subjects.length, ZIPF_EXPONENT, random), random)
    const load = {
      agent,
      url: new URL(urls.users as string),
      pickAuthors: authorPicker(pick),
      callerHeader: () => header,
      verifyEvery: run.verifyEvery,
    }
    if (options.prime)
      console.log(
        `  primed ${await primeUsers(agent, load.url, run.db.urls.users, () => signCaller(run.ctx.secrets.gateway, ANONYMOUS, 'users'), 8)} users`,
      )
    const warmup = options.warmupS > 0 ? await entitiesLoad(load, options.concurrency, ms(options.warmupS)) : null
    assertAlive(() => set.crashed)
    const watched: Watched = {
      metrics: { users: originOf(urls.users as string) },
      pids: { users: pids.users ?? 0, redis: redis.pid, postgres: (await run.db.postmasterPid()) ?? 0 },
    }
    const before = await snapshot(watched, redis)
    const windowStart = nowUs()
    const stats = new LoadStats()
    const tail = tailProbe(watched.metrics.users as string, ms(options.durationS), () => stats.requests)
    await entitiesLoad(load, options.concurrency, ms(options.durationS), stats)
    ;(run.windows['users-only'] ??= []).push({ startUs: windowStart, endUs: nowUs() })
    const after = await snapshot(watched, redis)
    tail.cancel()
    assertAlive(() => set.crashed)
    agent.destroy()
    return runResult({
      variant: 'users-only',
      run: runNumber,
      stats,
      warmup,
      before,
      after,
      responseCache: null,
      itemsPerRequest: REPRESENTATIONS_PER_REQUEST,
      tail: await tail.result(),
    })
  } finally {
    if (resign) clearInterval(resign)
    await stop()
  }
}

async function readProfiles(variant: string, windows: readonly TimeWindow[] | undefined): Promise<ProfileSummary | null> {
  const dir = join(PROFILES, variant)
  const files = (await readdir(dir).catch(() => [] as string[])).filter((f) => f.endsWith('.cpuprofile'))
  if (files.length === 0) return null
  const profiles = await Promise.all(files.map(async (f) => JSON.parse(await readFile(join(dir, f), 'utf8')) as CpuProfile))
  return summarizeProfiles(profiles, 15, ROOT, windows)
}

function stampOf(date: Date): string {
  return date
    .toISOString()
    .replace(/\.\d+Z$/, 'Z')
    .replace(/:/g, '-')
}

const PRODUCT_PATHS = ['packages', 'subgraphs', 'gateway', 'workflows', 'scripts', 'supergraph.yaml', 'package-lock.json']

/** The product code's version: HEAD and a digest of uncommitted changes to the product's files. */
function codeVersion(): { commit: string; changes: string } {
  const git = (...args: string[]): string => spawnSync('git', args, { cwd: ROOT, encoding: 'utf8' }).stdout?.trim() ?? ''
  const status = git('status', '--porcelain', '--', ...PRODUCT_PATHS)
  const diff = status
    ? createHash('sha256')
        .update(status)
        .update(git('diff', '--', ...PRODUCT_PATHS))
        .digest('hex')
        .slice(0, 12)
    : ''
  return {
    commit: git('rev-parse', '--short', 'HEAD') || 'unknown',
    changes: status ? `${status.split('\n').length} uncommitted file(s), ${diff}` : 'none',
  }
}

async function pruneLogs(dir: string, keep: number): Promise<void> {
  const entries = (await readdir(dir).catch(() => [] as string[])).sort()
  for (const old of entries.slice(0, Math.max(0, entries.length - keep))) await rm(join(dir, old), { recursive: true, force: true })
}

async function main(): Promise<void> {
  let options: BenchOptions
  try {
    const command = parseBenchArgs(process.argv.slice(2))
    if (command.help) {
      console.log(USAGE)
      return
    }
    options = command.options
  } catch (err) {
    if (!(err instanceof UsageError)) throw err
    console.error(`bench: ${err.message}\n\n${USAGE}`)
    process.exit(2)
  }
  installSignalHandlers()
  const started = new Date()
  const stamp = stampOf(started)
  const kind = options.smoke ? 'smoke' : `${options.mode}${options.profile ? '-profile' : ''}`
  const logRoot = join(RESULTS, 'logs')
  const logDir = join(logRoot, `${stamp}-${kind}`)
  await mkdir(logDir, { recursive: true })
  await pruneLogs(logRoot, 10)
  const command =
    `node --import tsx bench/run.ts ${options.argv.join(' ')}`.trim() +
    (process.env.npm_lifecycle_event ? `   (npm run ${process.env.npm_lifecycle_event})` : '')
  console.log(`bench: ${kind}, logs in ${relative(ROOT, logDir)}`)
  let exitCode = 0
  const codeAtStart = codeVersion()
  try {
    const dataDir = join(ROOT, '.data', options.smoke ? 'bench-smoke' : 'bench')
    const db = await openBenchDatabase(
      dataDir,
      options.smoke ? SMOKE_SEED : BENCH_SEED,
      (l) => console.log(l),
      () => undefined,
    )
    onCleanup('postgres', () => db.stop())
    const redis = await startRedis(logDir)
    console.log(`redis: ${redis.url}`)
    const steadyLike = options.mode === 'steady' || options.mode === 'writes'
    const subjects = steadyLike
      ? await loadSubjects(db.urls.comments, Number.MAX_SAFE_INTEGER, false, STEADY_PAGES_PER_SUBJECT)
      : await loadSubjects(db.urls.comments, SUBJECTS, options.mode !== 'pages')
    if (subjects.length === 0) throw new Error('the comments database has no top-level comments')
    const pagesTotal = subjects.reduce((n, s) => n + s.cursors.length, 0)
    console.log(
      `subjects: ${subjects.length} (top-level comments: ${subjects[0]?.topLevel} … ${subjects.at(-1)?.topLevel}), ${pagesTotal} pages`,
    )
    const temporal = options.mode === 'mix' || steadyLike ? await startTemporal(logDir, join(logDir, 'temporal')) : null
    if (temporal) console.log(`temporal: ${temporal.address}`)
    const ctx: StackContext = {
      logDir,
      databaseUrls: db.urls,
      redisUrl: redis.url,
      // NODE_ENV=production refuses the public development secrets
      secrets: { gateway: `bench-gateway-${randomBytes(16).toString('hex')}`, jwt: `bench-jwt-${randomBytes(16).toString('hex')}` },
      ...(temporal ? { temporalAddress: temporal.address } : {}),
    }
    const run: Run = {
      options,
      db,
      redis,
      subjects,
      ctx,
      verifyEvery: options.smoke ? 1 : 10,
      failures: [],
      temporalPid: temporal?.pid ?? null,
      windows: {},
    }

    const variants: Record<string, VariantReport> = {}
    const results: Record<string, RunResult[]> = {}
    const descriptions: Record<string, string> = {}
    const steadyContext: SteadyContext | null = steadyLike
      ? {
          options,
          db,
          redis,
          ctx,
          subjects,
          authored: await loadSubjects(db.urls.comments, AUTHORED_SUBJECTS, true),
          products: await loadProducts(db.urls.catalog, REVIEWED_PRODUCTS),
          temporalPid: temporal?.pid ?? null,
          verifyEvery: run.verifyEvery,
        }
      : null
    if (steadyContext) {
      const specs = options.variants.map((v) => variantSpec(v, options.gatewayWorkers))
      if (options.profile)
        for (const spec of specs) if (spec.gateway.kind === 'ours') await rm(join(PROFILES, spec.name), { recursive: true, force: true })
      for (const spec of specs) descriptions[spec.name] = spec.description
      for (let r = 1; r <= options.runs; r++) {
        for (const [i, spec] of specs.entries()) {
          console.log(`[run ${r}/${options.runs}] ${spec.name} (${options.mode})…`)
          try {
            let result: RunResult
            if (options.mode === 'writes') {
              const measured = await measureWrites(steadyContext, spec, r)
              result = { ...measured.loaded, writesMode: measured.writes }
            } else {
              const profileDir = options.profile && spec.gateway.kind === 'ours' ? join(PROFILES, spec.name) : undefined
              result = await measureSteady(steadyContext, spec, i, r, profileDir)
            }
            ;(results[spec.name] ??= []).push(result)
            console.log(`  ${line(result, options.mode)}`)
          } catch (err) {
            run.failures.push(`${spec.name} run ${r}: ${(err as Error).message}`)
            console.error(`  FAILED: ${(err as Error).message}`)
          }
        }
      }
    } else if (options.mode === 'users-only') {
      if (options.profile) await rm(join(PROFILES, 'users-only'), { recursive: true, force: true })
      descriptions['users-only'] =
        'users subgraph alone, ENTITY_CACHE=full, BATCH_LOADS=true; POST _entities with 10 User representations (authors of Zipf-drawn pages), signed x-marketplace-caller'
      for (let r = 1; r <= options.runs; r++) {
        console.log(`[run ${r}/${options.runs}] users-only…`)
        try {
          const result = await measureUsersOnly(run, r)
          ;(results['users-only'] ??= []).push(result)
          console.log(`  ${line(result, options.mode)}`)
        } catch (err) {
          run.failures.push(`users-only run ${r}: ${(err as Error).message}`)
          console.error(`  FAILED: ${(err as Error).message}`)
        }
      }
    } else {
      const specs = options.variants.map((v) => variantSpec(v, options.gatewayWorkers))
      if (options.profile)
        for (const spec of specs) if (spec.gateway.kind === 'ours') await rm(join(PROFILES, spec.name), { recursive: true, force: true })
      // --attack: each variant without, then with attackers, in the same run
      const measured = specs.flatMap((spec) =>
        (options.mode === 'attack' ? [false, true] : [false]).map((attacked) => ({
          spec,
          attacked,
          name: attacked ? `${spec.name}+attack` : spec.name,
        })),
      )
      for (const { spec, attacked, name } of measured) {
        descriptions[name] = attacked
          ? `${spec.description}; ${options.attackers} attacker loops beside the load (pause ${options.attackPauseMs} ms after each answer)`
          : spec.description
      }
      // interleaved: run 1 of every variant, then run 2, …
      for (let r = 1; r <= options.runs; r++) {
        for (const [i, { spec, attacked, name }] of measured.entries()) {
          console.log(`[run ${r}/${options.runs}] ${name}…`)
          try {
            const result = await measureVariant(run, spec, i, r, attacked)
            ;(results[name] ??= []).push(result)
            console.log(`  ${line(result, options.mode)}`)
            if (result.attack) console.log(`  attackers: ${result.attack.sent} requests; ${attackSummary(result.attack)}`)
          } catch (err) {
            run.failures.push(`${name} run ${r}: ${(err as Error).message}`)
            console.error(`  FAILED: ${(err as Error).message}`)
          }
        }
      }
    }
    for (const [name, runs] of Object.entries(results))
      variants[name] = { description: descriptions[name] ?? name, runs, median: summarizeRuns(runs) }

    const profiles: Record<string, ProfileSummary> = {}
    if (options.profile) {
      const profiled = options.mode === 'users-only' ? ['users-only'] : options.variants.filter((v) => OUR_VARIANTS.includes(v))
      for (const name of profiled) {
        const summary = await readProfiles(name, run.windows[name])
        if (summary) profiles[name] = summary
      }
    }
    const codeAtEnd = codeVersion()
    const codeChanged = JSON.stringify(codeAtStart) !== JSON.stringify(codeAtEnd)
    if (codeChanged)
      console.error(
        `\nWARNING: the product code changed during the benchmark (${JSON.stringify(codeAtStart)} → ${JSON.stringify(codeAtEnd)}): runs may mix versions`,
      )
    const notes = [
      ...(codeChanged
        ? [
            `WARNING: the product code changed during this benchmark (${JSON.stringify(codeAtStart)} → ${JSON.stringify(codeAtEnd)}); runs may mix versions.`,
          ]
        : []),
      `Load: ${options.concurrency} keep-alive HTTP loops (node:http Agent) in the benchmark process; every response's status and absence of "errors" checked, ${run.verifyEvery === 1 ? 'every' : `1 in ${run.verifyEvery}`} response fully verified (≤ 10 edges and exactly as many as the page has, each author with id/username/avatarUrl, totalCount the subject's number of top-level comments — at least that under --mix).`,
      `Pages: a subject drawn from Zipf(exponent ${ZIPF_EXPONENT}) over the rank of the ${subjects.length} subjects with the most top-level comments (P(rank k) ∝ 1/k), then a page uniformly among its first min(10, pages); cursors read from the comments database.`,
      options.prime
        ? "Priming (not measured), before each warm-up: every user is loaded once into the users service's caches (variants with an entity cache), and every benchmark page is requested once, least popular first, through a gateway that has a response cache (full): the steady state of a busy system. --no-prime measures from cold caches."
        : 'Not primed (--no-prime): caches start cold at every run.',
      'Every run of every variant starts fresh subgraph and gateway processes after a Redis FLUSHALL; the warm-up is not measured. Processes run with NODE_ENV=production, LOG_LEVEL=warn and benchmark-only secrets; only the subgraphs the query touches (users, comments) run, except under --mix.',
      'CPU % is of one core over the measured window (/proc/<pid>/stat utime+stime, process trees: the cluster gateway and Postgres include their children); peak RSS is VmHWM summed over the tree (since the process started, warm-up included). loadgen is this benchmark process.',
      'Redis commands per page: INFO stats total_commands_processed difference over the window, minus the INFO itself.',
      ...(options.profile
        ? [
            `Profiled run (--cpu-prof on ${options.mode === 'users-only' ? 'the users subgraph' : 'our gateway'}): throughput numbers include the profiler overhead.`,
          ]
        : []),
      ...(options.mode === 'attack'
        ? [
            `Attack: every run measures each variant twice with fresh processes, first the page load alone, then the same load with ${options.attackers} attacker loops beside it (round robin over the attacks, ${options.attackPauseMs} ms pause after each answer, 10 s answer timeout). The attackers run in this process and send to the same gateway; their requests are not counted in pages/s or p99. registerUser flooding is not part of it (this stack runs no Temporal): tests/integration/abuse-identity.test.ts covers it.`,
          ]
        : []),
      ...(steadyLike
        ? [
            `Steady state: no priming, caches cold at the start of every variant (fresh processes, Redis FLUSHALL). Pages: a subject drawn from Zipf(exponent ${ZIPF_EXPONENT}) over the rank of all ${subjects.length} subjects with comments, then page k with P(k) ∝ 1/k² among its first min(${STEADY_PAGES_PER_SUBJECT}, pages). Figures per ${options.windowS}-s window; the headline row covers the windows from ${options.headlineFromS} s on.`,
            `Writes: their own clients (${STEADY_WRITERS} signed-in generated users, one write each at a time), open loop: every 100 ms, ${options.writeShare} × the reads completed since are owed and each whole one starts a write (postComment 30%, replyToComment 10%, editComment 15%, deleteComment 10%, updateProfile 15%, submitReview 10%, moderateReview by the seed's moderator 10%); a write finding every writer busy is skipped and counted. After each write the page it changed is read (first page; for updateProfile a later page showing the writer): anything but the change is a stale read. Edits, deletions and replies are of the benchmark's own comments; all its comments, usernames, reviews and ratings are undone after the run, once every moderation run has COMPLETED.`,
          ]
        : []),
      ...(options.mode === 'mix'
        ? [
            `Writes: ${(WRITE_SHARE * 100).toFixed(0)}% of the loop iterations are a postComment (on a Zipf-drawn subject) or an updateProfile (new username), by ${MIX_WRITERS} signed-in generated users, one write per user at a time; the affected page is read right after the mutation returns. The writes are undone after each run.`,
          ]
        : []),
      ...run.failures.map((f) => `FAILED: ${f}`),
    ]
    const report: BenchReport = {
      title: options.smoke
        ? `Comments page benchmark — smoke (${options.mode === 'pages' ? 'ceiling' : options.mode})`
        : options.mode === 'steady'
          ? `Comments page benchmark, steady state: cold caches, ${(options.writeShare * 100).toFixed(0)}% writes from their own clients${options.profile ? ' (--profile)' : ''}`
          : options.mode === 'writes'
            ? 'Write benchmark (--writes): each mutation idle, under the read load, and the highest sustained rate'
            : options.mode === 'users-only'
              ? `Users subgraph benchmark (--users-only${options.profile ? ' --profile' : ''})`
              : options.mode === 'mix'
                ? `Comments page benchmark with 2% writes (--mix${options.profile ? ' --profile' : ''})`
                : options.mode === 'attack'
                  ? 'Comments page benchmark under attack (--attack)'
                  : `Comments page benchmark: hot-cache ceiling (--ceiling, reads only${options.prime ? ', primed' : ', not primed'})${options.profile ? ' (--profile)' : ''}`,
      mode: options.mode,
      smoke: options.smoke,
      profile: options.profile,
      date: started.toISOString(),
      command,
      machine: machineInfo(),
      settings: {
        'duration per run (s)': options.durationS,
        'warm-up (s)': options.warmupS,
        runs: options.runs,
        concurrency: options.concurrency,
        'gateway workers (full)': options.gatewayWorkers,
      },
      data: {
        code: `commit ${codeAtStart.commit}, uncommitted product changes: ${codeAtStart.changes}`,
        seed: describeSeed(db.seed),
        subjects: `${subjects.length} (top-level comments from ${subjects[0]?.topLevel} down to ${subjects.at(-1)?.topLevel}), ${pagesTotal} distinct pages`,
      },
      variants,
      ratios: computeRatios(variants),
      targets: options.smoke ? [] : checkTargets(options.mode, variants, variants['users-only']?.median, run.failures),
      ...(Object.keys(profiles).length > 0 ? { profiles } : {}),
      notes,
    }
    console.log('\n' + renderText(report))
    if (run.failures.length > 0) console.log(`\nfailed runs:\n${run.failures.map((f) => `  ${f}`).join('\n')}`)
    const outDir = options.smoke ? join(RESULTS, 'smoke') : RESULTS
    await mkdir(outDir, { recursive: true })
    const suffix = `${options.mode === 'pages' ? '' : `-${options.mode}`}${options.profile ? '-profile' : ''}`
    const json = JSON.stringify(report, (_, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2) + '\n'
    const md = renderMarkdown(report)
    const written: string[] = []
    if (!options.smoke) {
      await writeFile(join(outDir, `${stamp}${suffix}.json`), json)
      await writeFile(join(outDir, `${stamp}${suffix}.md`), md)
      written.push(`${stamp}${suffix}.{json,md}`)
    }
    await writeFile(join(outDir, `latest${suffix}.json`), json)
    await writeFile(join(outDir, `latest${suffix}.md`), md)
    written.push(`latest${suffix}.{json,md}`)
    console.log(`\nwritten: ${written.map((w) => relative(ROOT, join(outDir, w))).join(', ')}`)

    if (options.smoke) {
      const bad = Object.entries(variants).filter(
        ([name, v]) =>
          v.median.errors > 0 ||
          v.median.verifyFailures > 0 ||
          v.median.verified === 0 ||
          v.runs.some((r) => r.warmup.errors > 0) ||
          (v.median.mix !== undefined &&
            (v.median.mix.writeErrors > 0 ||
              v.median.mix.writes === 0 ||
              // a third-party gateway's cache invalidates as it does: its stale reads are reported, ours fail
              (OUR_VARIANTS.includes(name as VariantName) && v.median.mix.staleReads > 0))),
      )
      const missing = options.variants.filter((v) => !variants[v])
      if (bad.length > 0 || missing.length > 0 || run.failures.length > 0) {
        console.error(
          `\nSMOKE FAILED: ${[...bad.map(([n]) => `${n} had errors or unverified responses`), ...missing.map((n) => `${n} did not complete`)].join('; ')}`,
        )
        exitCode = 1
      } else {
        console.log(
          `\nSMOKE PASSED: every variant answered every request without errors, every response verified${steadyLike ? ', every write answered and read back fresh' : ''}`,
        )
      }
    }
  } finally {
    await cleanupAll()
  }
  process.exit(exitCode)
}

main().catch((err) => {
  console.error(err)
  process.exit(1)
})
