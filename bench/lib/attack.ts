// --attack: hostile clients beside the comments-page load. Each attacker loop sends the attacks
// of issue #9 in turn (every request a fresh one where that defeats caching) and records how
// the gateway answered each: the HTTP status and the first error's code.
import { randomUUID } from 'node:crypto'
import type { Agent } from 'node:http'
import { postJson, runLoops } from './http'
import { LatencyRecorder, summarizeLatencies, type LatencySummary } from './stats'
import type { Subject } from './data'
import { COMMENTS_PAGE_QUERY } from './verify'

export interface AttackRequest {
  readonly body: string
  readonly headers?: Readonly<Record<string, string>>
}

export interface Attack {
  readonly name: string
  /** what it is made of, for the report */
  readonly description: string
  readonly next: () => AttackRequest
}

// ~1 MiB: the field repeated until the text reaches the body limit's neighbourhood
const HUGE_REPEATS = 95_000
const TOTAL_COUNTS = ' totalCount'.repeat(HUGE_REPEATS)
const COST_BOMB = `{ ${Array.from(
  { length: 30 },
  (_, i) =>
    `a${i}: products(first: 100) { edges { node { comments(first: 100) { edges { node { replies(first: 100) { totalCount edges { node { replies(first: 100) { totalCount } } } } } } } } } }`,
).join(' ')} }`
const DEEP = (() => {
  let inner = 'id'
  for (let i = 0; i < 20; i++) inner = `replies(first: 1) { edges { node { ${inner} } } }`
  return `{ comments(subject: { type: PRODUCT, id: "${randomUUID()}" }, first: 1) { edges { node { ${inner} } } } }`
})()
const ALIAS_FLOOD = `{ ${Array.from({ length: 1000 }, (_, i) => `c${i}: comment(id: "${randomUUID()}") { id body }`).join(' ')} }`
const OVERSIZED = JSON.stringify({ query: `{ __typename ${'#'.repeat(2 * 1024 * 1024)}\n }` })
const GUESSED_ACCOUNTS = ['alice', 'bob', 'mallory', 'moderator', 'admin']

/** The attacks, each a generator of requests; `subjects` gives real pages for the cache-key one. */
export function attacks(subjects: readonly Subject[]): Attack[] {
  let n = 0
  const json = (value: unknown): AttackRequest => ({ body: JSON.stringify(value) })
  return [
    {
      name: 'huge-query',
      description: `~1 MiB query: comments(subject: <a new id each time>) { totalCount ×${HUGE_REPEATS.toLocaleString('en-US')} }`,
      next: () => ({ body: `{"query":"{ comments(subject: { type: PRODUCT, id: \\"${randomUUID()}\\" }) {${TOTAL_COUNTS} } }"}` }),
    },
    {
      name: 'cost-bomb',
      description: '30 aliases of products(first:100) → comments(first:100) → replies(first:100) → replies(first:100)',
      next: () => json({ query: COST_BOMB }),
    },
    { name: 'deep-query', description: 'replies nested 20 levels', next: () => json({ query: DEEP }) },
    { name: 'alias-flood', description: '1,000 aliased comment(id:) fields', next: () => json({ query: ALIAS_FLOOD }) },
    {
      name: 'password-guess',
      description: `login with a wrong password, in turn for ${GUESSED_ACCOUNTS.join(', ')}`,
      next: () =>
        json({
          query: 'mutation Guess($u: String!, $p: String!) { login(username: $u, password: $p) { token } }',
          variables: { u: GUESSED_ACCOUNTS[n++ % GUESSED_ACCOUNTS.length], p: `guess-${randomUUID()}` },
        }),
    },
    {
      name: 'junk-variables',
      description:
        'the comments page of a popular subject with a new unused variable, key order and whitespace each time (cache-key pollution)',
      next: () => {
        const subject = subjects[n++ % Math.min(10, subjects.length)] as Subject
        const variables =
          n % 2 === 0
            ? { subject: { type: subject.type, id: subject.id }, after: null, [`junk${randomUUID()}`]: randomUUID() }
            : { [`junk${randomUUID()}`]: randomUUID(), after: null, subject: { id: subject.id, type: subject.type } }
        return json({ query: `${COMMENTS_PAGE_QUERY}${' '.repeat(n % 7)}`, variables })
      },
    },
    { name: 'oversized-body', description: '2 MiB JSON body', next: () => ({ body: OVERSIZED }) },
    {
      name: 'malformed',
      description: 'not JSON, then not GraphQL',
      next: () => (n++ % 2 === 0 ? { body: '{"query": "{ comments(' } : json({ query: '{ comments(subject: ' })),
    },
  ]
}

/** How the gateway answered one attack: "<status> <first error code>", "200 OK", or a network failure. */
export function classifyAnswer(status: number, body: string): string {
  let code = ''
  try {
    const parsed = JSON.parse(body) as { errors?: { extensions?: { code?: unknown } }[]; data?: unknown }
    const first = parsed.errors?.[0]?.extensions?.code
    code = typeof first === 'string' ? first : parsed.errors?.length ? 'error without code' : 'OK'
  } catch {
    code = body.length === 0 ? 'empty body' : 'not JSON'
  }
  return `${status} ${code}`
}

export interface AttackResult {
  readonly loops: number
  readonly pauseMs: number
  readonly sent: number
  /** attack → answer class → count */
  readonly answers: Readonly<Record<string, Readonly<Record<string, number>>>>
  /** attack → how long the gateway took to answer it */
  readonly latencyMs: Readonly<Record<string, LatencySummary>>
  readonly descriptions: Readonly<Record<string, string>>
}

/**
 * Runs `loops` attacker loops for `durationMs`; each sends the next attack (round robin), waits for
 * the answer, then pauses `pauseMs`. A network error or a timeout is an answer too.
 */
export async function runAttackers(
  agent: Agent,
  url: URL,
  list: readonly Attack[],
  loops: number,
  pauseMs: number,
  durationMs: number,
): Promise<AttackResult> {
  const answers: Record<string, Record<string, number>> = {}
  const latencies: Record<string, LatencyRecorder> = {}
  let sent = 0
  let turn = 0
  await runLoops(loops, durationMs, async () => {
    const attack = list[turn++ % list.length] as Attack
    const request = attack.next()
    const started = performance.now()
    let answer: string
    try {
      const { status, body } = await postJson(agent, url, request.body, request.headers, 10_000)
      answer = classifyAnswer(status, body)
    } catch (err) {
      answer = `network: ${(err as Error).message.slice(0, 60)}`
    }
    ;(latencies[attack.name] ??= new LatencyRecorder()).add(performance.now() - started)
    const counts = (answers[attack.name] ??= {})
    counts[answer] = (counts[answer] ?? 0) + 1
    sent++
    if (pauseMs > 0) await new Promise((resolve) => setTimeout(resolve, pauseMs))
  })
  return {
    loops,
    pauseMs,
    sent,
    answers,
    latencyMs: Object.fromEntries(Object.entries(latencies).map(([name, recorder]) => [name, summarizeLatencies(recorder.toArray())])),
    descriptions: Object.fromEntries(list.map((a) => [a.name, a.description])),
  }
}

/** One line: each attack's most frequent answer. */
export function attackSummary(result: AttackResult): string {
  return Object.entries(result.answers)
    .map(([name, counts]) => {
      const [top] = Object.entries(counts).sort((a, b) => b[1] - a[1])
      return `${name} → ${top ? `${top[0]} (${top[1]})` : '–'}`
    })
    .join(', ')
}

/** The answers of several runs added up; each attack's answer times: the median p99 across runs. */
export function mergeAttackResults(results: readonly AttackResult[]): {
  sent: number
  answers: Record<string, Record<string, number>>
  p99Ms: Record<string, number[]>
  descriptions: Record<string, string>
} {
  const answers: Record<string, Record<string, number>> = {}
  const p99Ms: Record<string, number[]> = {}
  let sent = 0
  const descriptions: Record<string, string> = {}
  for (const result of results) {
    sent += result.sent
    Object.assign(descriptions, result.descriptions)
    for (const [name, counts] of Object.entries(result.answers)) {
      const into = (answers[name] ??= {})
      for (const [answer, count] of Object.entries(counts)) into[answer] = (into[answer] ?? 0) + count
    }
    for (const [name, latency] of Object.entries(result.latencyMs)) (p99Ms[name] ??= []).push(latency.p99)
  }
  return { sent, answers, p99Ms, descriptions }
}
