// `npm run chaos`: the stack under SIGKILLs and a SIGSTOP while clients write and read; then every
// client's ledger is checked against the databases and the API. See `npm run chaos -- --help`.
import { spawn, execFileSync, type ChildProcess } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync } from 'node:fs'
import { mkdir, writeFile } from 'node:fs/promises'
import { createConnection } from 'node:net'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import pg from 'pg'
import { keepAliveAgent } from './lib/http'
import { machineInfo } from './lib/report'
import { COMMENTS_PAGE_QUERY } from './lib/verify'
import { CHAOS_USAGE, ChaosUsageError, parseChaosArgs, type ChaosOptions } from './lib/chaos/args'
import { Api, loginAs, registerClient, Workload, type Subject } from './lib/chaos/clients'
import { childrenOf, isAlive, isWorkerFault, planFaults, processOf, readPids, STOP_SECONDS, type PlannedFault } from './lib/chaos/faults'
import { checkLedger, checkRating, comparePage, type Finding, type UserRow } from './lib/chaos/ledger'
import {
  recoveryByKind,
  refusalCounts,
  renderChaosMarkdown,
  summarizeMutations,
  withWriteRecovery,
  type ChaosReport,
  type FaultRecord,
} from './lib/chaos/report'
import { createRng } from './lib/chaos/rng'

const ROOT = join(__dirname, '..')
const RESULTS = join(ROOT, 'bench', 'results')
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
const log = (line: string) => console.log(`[chaos ${new Date().toISOString().slice(11, 19)}] ${line}`)

interface Ready {
  gateway: string
  subgraphs: Record<string, string>
  postgres: Record<string, string>
  redis: string | null
  temporal: { address: string }
  pids: Record<string, number>
}

async function startStack(work: string): Promise<{ child: ChildProcess; readyFile: string; logDir: string }> {
  const readyFile = join(work, 'ready.json')
  const logDir = join(work, 'logs')
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      join(ROOT, 'scripts', 'stack.ts'),
      '--ephemeral',
      '--random-ports',
      '--headless',
      '--exit-with-parent',
      '--replicas',
      'users=2,comments=2,gateway=2',
      '--ready-file',
      readyFile,
      '--log-dir',
      logDir,
    ],
    {
      cwd: ROOT,
      env: { ...process.env, LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn', NODE_ENV: 'development' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  )
  let output = ''
  child.stdout?.on('data', (c: Buffer) => (output += c.toString()))
  child.stderr?.on('data', (c: Buffer) => (output += c.toString()))
  const deadline = Date.now() + 180_000
  while (!existsSync(readyFile)) {
    if (child.exitCode !== null) throw new Error(`the stack exited with code ${child.exitCode}:\n${output}`)
    if (Date.now() > deadline) {
      child.kill('SIGKILL')
      throw new Error(`the stack did not start within 180 s:\n${output}`)
    }
    await sleep(200)
  }
  return { child, readyFile, logDir }
}

const httpOk = async (url: string): Promise<boolean> => {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(2_000) })
    return res.ok
  } catch {
    return false
  }
}

const redisPing = (url: string): Promise<boolean> =>
  new Promise((resolve) => {
    const { hostname, port } = new URL(url)
    const socket = createConnection({ host: hostname, port: Number(port) })
    const done = (ok: boolean) => {
      socket.destroy()
      resolve(ok)
    }
    socket.setTimeout(1_000, () => done(false))
    socket.on('error', () => done(false))
    socket.on('connect', () => socket.write('PING\r\n'))
    socket.on('data', (d) => done(d.toString().startsWith('+PONG')))
  })

async function pgOk(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2_000 })
  try {
    await client.connect()
    await client.query('select 1')
    return true
  } catch {
    return false
  } finally {
    await client.end().catch(() => {})
  }
}

/** Does the part answer its own probe? */
async function partAnswers(ready: Ready, name: string): Promise<boolean> {
  const sibling = (graphql: string, path: string) => new URL(path, graphql).toString()
  if (name === 'postgres') return pgOk(ready.postgres.users as string)
  if (name === 'redis') return ready.redis ? redisPing(ready.redis) : true
  if (name === 'temporal') return httpOk(sibling(ready.subgraphs.facade as string, '/ready'))
  if (name === 'workflow-worker') return true
  if (name === 'gateway') return httpOk(sibling(ready.gateway, '/health'))
  const url = ready.subgraphs[name]
  return url ? httpOk(sibling(url, '/health')) : true
}

async function injectFault(
  fault: PlannedFault,
  ready: Ready,
  readyFile: string,
  workload: Workload,
  subject: Subject,
  t0: number,
  replicas: Record<string, number>,
): Promise<FaultRecord | null> {
  const name = processOf(fault)
  const primary = readPids(readyFile)[name]
  if (!primary) return null
  let pid = primary
  let before: number[] = []
  if (isWorkerFault(fault.kind)) {
    before = childrenOf(primary)
    if (before.length === 0) return null
    pid = before[Math.floor(Math.random() * before.length)] as number
  }
  const at = Date.now()
  const readsBefore = workload.readers.timeline.length
  let signal = 'SIGKILL'
  if (fault.kind === 'users-worker-sigstop') {
    signal = `SIGSTOP ${STOP_SECONDS} s, SIGCONT`
    process.kill(pid, 'SIGSTOP')
    await sleep(STOP_SECONDS * 1_000)
    process.kill(pid, 'SIGCONT')
  } else {
    process.kill(pid, 'SIGKILL')
  }
  log(`${fault.kind}: ${signal} ${name} pid ${pid}`)
  const deadline = at + 90_000
  let processBackMs: number | null = null
  let recoveredMs: number | null = null
  while (Date.now() < deadline) {
    if (processBackMs === null) {
      const now = readPids(readyFile)[name] ?? 0
      let back: boolean
      if (fault.kind === 'users-worker-sigstop') back = true
      else if (isWorkerFault(fault.kind)) {
        const children = childrenOf(primary)
        back = children.length >= (replicas[name] ?? 1) && !children.includes(pid)
      } else back = now !== primary && now > 0 && isAlive(now)
      if (back) processBackMs = Date.now() - at
    }
    if (processBackMs !== null && (await partAnswers(ready, name)) && (await workload.readPage(subject, 3_000))) {
      recoveredMs = Date.now() - at
      break
    }
    await sleep(100)
  }
  const during = workload.readers.timeline.slice(readsBefore)
  log(`${fault.kind}: process back ${processBackMs ?? 'never'} ms, recovered ${recoveredMs ?? 'never'} ms`)
  return {
    kind: fault.kind,
    process: name,
    pid,
    signal,
    at: at - t0,
    processBackMs,
    recoveredMs,
    readsDuring: during.length,
    readsOkDuring: during.filter(([, ok]) => ok).length,
  }
}

async function query<T>(url: string, text: string, params: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    return (await client.query(text, params)).rows as T[]
  } finally {
    await client.end()
  }
}

async function main(options: ChaosOptions): Promise<number> {
  const started = new Date()
  const t00 = Date.now()
  const work = mkdtempSync(join(tmpdir(), 'marketplace-chaos-'))
  let stack: { child: ChildProcess | null; readyFile: string; logDir: string }
  if (options.attach) stack = { child: null, readyFile: options.attach, logDir: '' }
  else {
    log(`starting the stack (logs in ${join(work, 'logs')})`)
    stack = await startStack(work)
  }
  const stopStack = () => {
    if (stack.child && stack.child.exitCode === null) stack.child.kill('SIGTERM')
  }
  process.once('SIGINT', () => {
    stopStack()
    process.exit(130)
  })
  try {
    const ready = JSON.parse(readFileSync(stack.readyFile, 'utf8')) as Ready
    const startupS = Math.round((Date.now() - t00) / 1000)
    log(`stack ready in ${startupS} s: ${ready.gateway}; seed ${options.seed}`)
    const api = new Api(new URL(ready.gateway), keepAliveAgent(options.clients + options.readers + 8))
    const products =
      (
        await api.data<{ products: { edges: { node: { id: string } }[] } }>('{ products(first: 20) { edges { node { id } } } }', {})
      )?.products.edges.map((e) => e.node.id) ?? []
    if (products.length < 5) throw new Error('no products to work on')
    const subjects: Subject[] = products.slice(0, 3).map((id) => ({ type: 'PRODUCT', id }))
    const moderator = await loginAs(api, 'moderator', 'moderator')
    const smoke = options.smoke
    const workload = new Workload(api, subjects, products.slice(3, 15), moderator, smoke ? [300, 900] : [200, 700])
    const clients = []
    for (let i = 0; i < options.clients; i++) clients.push(await registerClient(api, `chaos${i}`))
    const registered = new Map(clients.map((c) => [c.id, c.username]))
    log(`${clients.length} clients registered and signed in`)

    // the load
    const rng = createRng(options.seed)
    const loadRandom = createRng(options.seed ^ 0x9e3779b9)
    const t0 = Date.now()
    const loops = [
      ...clients.map((c) => workload.runClient(c, () => loadRandom.next())),
      workload.runModerator(() => loadRandom.next()),
      ...Array.from({ length: options.readers }, () => workload.runReader(() => loadRandom.next(), smoke ? 100 : 30)),
    ]

    // the faults: after a warm-up, one at a time, each waited out (recovered) before the next
    const replicas = { users: 2, comments: 2, gateway: 2 }
    const loadMs = options.minutes * 60_000
    const plan = planFaults(rng, smoke, 50)
    const faults: FaultRecord[] = []
    await sleep(smoke ? 4_000 : 10_000)
    for (const fault of plan) {
      if (!smoke && Date.now() - t0 + 20_000 > loadMs) break
      // land on writes in flight: wait (at most 3 s) until a few mutations are waiting for their answer
      const waitUntil = Date.now() + 3_000
      while (workload.inFlight < Math.min(3, Math.ceil(options.clients / 2)) && Date.now() < waitUntil) await sleep(20)
      const record = await injectFault(fault, ready, stack.readyFile, workload, subjects[0] as Subject, t0, replicas)
      if (record) faults.push(record)
      await sleep(fault.gapMs)
    }
    if (!smoke) while (Date.now() - t0 < loadMs) await sleep(500)
    workload.stopped = true
    log('faults and load stopped; waiting for the clients to finish')
    await Promise.all(loops)
    const loadS = Math.round((Date.now() - t0) / 1000)

    // settle: every operation to its end, every unanswered mutation resent with its key
    const t1 = Date.now()
    const { unsettled } = await workload.settle(Date.now() + (smoke ? 60_000 : 180_000), log)
    log(`settled: ${unsettled.length} operation(s) still RUNNING`)

    // the checks
    const ids = clients.map((c) => c.id)
    const comments = await query<{
      id: string
      body: string
      deleted: boolean
      author_id: string
      parent_id: string | null
      subject_type: string
      subject_id: string
    }>(
      ready.postgres.comments as string,
      'SELECT id, body, deleted, author_id, parent_id, subject_type, subject_id FROM comments WHERE author_id = ANY($1::uuid[])',
      [ids],
    )
    const userRows = await query<{ id: string; username: string; avatar_url: string | null }>(
      ready.postgres.users as string,
      'SELECT id, username, avatar_url FROM users',
    )
    const users = new Map<string, UserRow>(userRows.map((u) => [u.id, { id: u.id, username: u.username, avatarUrl: u.avatar_url }]))
    const reviews = await query<{ id: string; author_id: string; subject_id: string; body: string; rating: number; status: string }>(
      ready.postgres.reviews as string,
      'SELECT id, author_id, subject_id, body, rating, status FROM reviews WHERE author_id = ANY($1::uuid[])',
      [ids],
    )
    const snapshot = {
      comments: comments.map((c) => ({
        id: c.id,
        body: c.body,
        deleted: c.deleted,
        authorId: c.author_id,
        parentId: c.parent_id,
        subjectType: c.subject_type,
        subjectId: c.subject_id,
      })),
      users,
      reviews: reviews.map((r) => ({
        id: r.id,
        authorId: r.author_id,
        subjectId: r.subject_id,
        body: r.body,
        rating: r.rating,
        status: r.status,
      })),
    }
    const ledgerCheck = checkLedger(workload.ledger, snapshot, registered)
    const findings: Finding[] = [...ledgerCheck.findings]
    for (const e of unsettled) findings.push({ kind: 'unsettled', what: `${e.kind} operation ${e.operationId} still RUNNING` })

    // stale reads: each hot subject's first page, anonymous (cached) and signed in (computed), against the database
    let pagesCompared = 0
    for (const subject of subjects) {
      const top = await query<{ id: string; body: string; deleted: boolean }>(
        ready.postgres.comments as string,
        "SELECT id, body, deleted FROM comments WHERE subject_type = 'PRODUCT' AND subject_id = $1 AND parent_id IS NULL ORDER BY created_at DESC, id DESC LIMIT 10",
        [subject.id],
      )
      const [{ count } = { count: '0' }] = await query<{ count: string }>(
        ready.postgres.comments as string,
        "SELECT count(*) FROM comments WHERE subject_type = 'PRODUCT' AND subject_id = $1 AND parent_id IS NULL",
        [subject.id],
      )
      const pageRows = await query<{ id: string; body: string; deleted: boolean }>(
        ready.postgres.comments as string,
        'SELECT id, body, deleted FROM comments WHERE subject_id = $1',
        [subject.id],
      )
      const bodies = new Map(pageRows.map((r) => [r.id, { body: r.deleted ? '' : r.body }]))
      for (const token of [undefined, clients[0]?.token]) {
        const d = await api.data<{
          comments: {
            totalCount: number
            edges: { node: { id: string; body: string; author: { id: string; username: string; avatarUrl: string | null } } }[]
          }
        }>(COMMENTS_PAGE_QUERY, { subject, after: null }, token)
        pagesCompared++
        if (!d) {
          findings.push({ kind: 'stale', what: `PRODUCT:${subject.id}: the page did not answer after settling` })
          continue
        }
        findings.push(
          ...comparePage(
            `PRODUCT:${subject.id}${token ? ' (signed in)' : ''}`,
            { totalCount: d.comments.totalCount, edges: d.comments.edges.map((e) => e.node) },
            { totalCount: Number(count), ids: top.map((r) => r.id) },
            bodies,
            users,
          ),
        )
      }
    }
    let usersCompared = 0
    for (const c of clients) {
      const d = await api.data<{ user: { username: string; avatarUrl: string | null } | null }>(
        'query ($id: ID!) { user(id: $id) { username avatarUrl } }',
        { id: c.id },
      )
      const row = users.get(c.id)
      usersCompared++
      if (!d?.user || !row || d.user.username !== row.username || d.user.avatarUrl !== row.avatarUrl) {
        findings.push({
          kind: 'stale',
          what: `user ${c.id} shown as ${JSON.stringify(d?.user)}, the database has ${row?.username} / ${row?.avatarUrl}`,
        })
      }
    }
    // ratings: every product's stored rating against the mean of its PUBLISHED reviews
    const rated =
      (
        await api.data<{ products: { edges: { node: { id: string; rating: { count: number; average: number | null } } }[] } }>(
          '{ products(first: 100) { edges { node { id rating { count average } } } } }',
          {},
        )
      )?.products.edges ?? []
    const published = await query<{ subject_id: string; rating: number }>(
      ready.postgres.reviews as string,
      "SELECT subject_id, rating FROM reviews WHERE status = 'PUBLISHED' AND subject_type = 'PRODUCT'",
    )
    for (const { node } of rated) {
      const finding = checkRating(
        node.id,
        node.rating,
        published.filter((p) => p.subject_id === node.id).map((p) => p.rating),
      )
      if (finding) findings.push(finding)
    }
    if (rated.length === 0) findings.push({ kind: 'rating', what: 'the products did not answer after settling' })

    const timedFaults = withWriteRecovery(faults, workload.ledger, t0)
    const unrecovered = faults.filter((f) => f.recoveredMs === null).length
    const count = (kind: Finding['kind']) => findings.filter((f) => f.kind === kind).length
    const report: ChaosReport = {
      kind: smoke ? 'chaos-smoke' : 'chaos',
      startedAt: started.toISOString(),
      commit: execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT }).toString().trim(),
      command: `npm run chaos -- ${options.argv.join(' ')}`.trim(),
      seed: options.seed,
      machine: machineInfo(),
      durations: { startupS, loadS, settleS: Math.round((Date.now() - t1) / 1000), totalS: Math.round((Date.now() - t00) / 1000) },
      clients: clients.length,
      readers: options.readers,
      mutations: summarizeMutations(workload.ledger),
      reads: {
        attempts: workload.readers.attempts,
        ok: workload.readers.ok,
        availability: workload.readers.attempts ? workload.readers.ok / workload.readers.attempts : 1,
        clientReads: workload.readers.reads,
        clientReadsOk: workload.readers.readsOk,
        clientAvailability: workload.readers.reads ? workload.readers.readsOk / workload.readers.reads : 1,
      },
      faults: timedFaults,
      recoveryByKind: recoveryByKind(timedFaults),
      checks: {
        checkedWrites: ledgerCheck.checked,
        unverifiable: ledgerCheck.unverifiable,
        pagesCompared,
        usersCompared,
        productsCompared: rated.length,
      },
      findings: {
        lost: count('lost'),
        duplicated: count('duplicated'),
        stale: count('stale'),
        rating: count('rating'),
        idempotency: count('idempotency'),
        unsettled: count('unsettled'),
        unrecovered,
      },
      samples: findings.slice(0, 50),
      refusals: refusalCounts(workload.ledger),
      passed: findings.length === 0 && unrecovered === 0,
    }
    const md = renderChaosMarkdown(report)
    console.log('\n' + md)
    await mkdir(RESULTS, { recursive: true })
    const stamp = started
      .toISOString()
      .replace(/\.\d+Z$/, 'Z')
      .replace(/:/g, '-')
    // the ledger entries worth reading (retried, refused or unanswered); the others are the counts above
    const notable = workload.ledger.filter((e) => e.attempts > 1 || e.outcome !== 'accepted')
    const json = JSON.stringify({ ...report, ledger: notable }, null, 2) + '\n'
    for (const name of [`${stamp}-${report.kind}`, `latest-${report.kind}`]) {
      await writeFile(join(RESULTS, `${name}.md`), md)
      await writeFile(join(RESULTS, `${name}.json`), json)
    }
    log(
      `written: ${relative(ROOT, join(RESULTS, `${stamp}-${report.kind}`))}.{md,json} and latest-${report.kind}.{md,json}; stack logs in ${stack.logDir}`,
    )
    return report.passed ? 0 : 1
  } finally {
    stopStack()
  }
}

let command
try {
  command = parseChaosArgs(process.argv.slice(2))
} catch (err) {
  console.error(err instanceof ChaosUsageError ? `${err.message}\n\n${CHAOS_USAGE}` : err)
  process.exit(2)
}
if (command.help) {
  console.log(CHAOS_USAGE)
  process.exit(0)
}
main(command.options).then(
  (code) => setTimeout(() => process.exit(code), 500),
  (err: unknown) => {
    console.error(err)
    process.exit(1)
  },
)
