// The load: signed-in clients doing every kind of mutation (each with an Idempotency-Key, retried
// with the same key as a real client would), a moderator, and anonymous comments-page readers.
import { randomUUID } from 'node:crypto'
import type { Agent } from 'node:http'
import { postJson } from '../http'
import { COMMENTS_PAGE_QUERY } from '../verify'
import { commentBody, type LedgerEntry, type MutationKind } from './ledger'
import { backoffMs, classify, CLIENT_RETRY_POLICY, type Attempt, type RetryPolicy, type Verdict } from './retry'

const REGISTER =
  'mutation Register($input: RegisterUserInput!) { registerUser(input: $input) { user { id } operation { id status error } } }'
const LOGIN = 'mutation Login($u: String!, $p: String!) { login(username: $u, password: $p) { token user { id } } }'
const OP = 'operation { id status error }'
const POST = `mutation Post($input: PostCommentInput!) { postComment(input: $input) { comment { id } ${OP} } }`
const EDIT = `mutation Edit($input: EditCommentInput!) { editComment(input: $input) { comment { id } ${OP} } }`
const DELETE = `mutation Delete($id: ID!) { deleteComment(id: $id) { comment { id } ${OP} } }`
const PROFILE = `mutation Profile($input: UpdateProfileInput!) { updateProfile(input: $input) { user { id } ${OP} } }`
const SUBMIT = `mutation Submit($input: SubmitReviewInput!) { submitReview(input: $input) { review { id status } ${OP} } }`
const MODERATE = `mutation Moderate($input: ModerateReviewInput!) { moderateReview(input: $input) { review { id status } ${OP} } }`
const OPERATION = 'query Op($id: ID!) { operation(id: $id) { id status error } }'

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

export class Api {
  constructor(
    readonly url: URL,
    private readonly agent: Agent,
  ) {}

  async send(query: string, variables: unknown, options: { token?: string; key?: string; timeoutMs?: number } = {}): Promise<Attempt> {
    const headers: Record<string, string> = {}
    if (options.token) headers.authorization = `Bearer ${options.token}`
    if (options.key) headers['idempotency-key'] = options.key
    try {
      return await postJson(this.agent, this.url, JSON.stringify({ query, variables }), headers, options.timeoutMs ?? 35_000)
    } catch (err) {
      return { error: (err as Error).message }
    }
  }

  /** A query's data, or null (an error, a timeout, a non-200). */
  async data<T = any>(query: string, variables: unknown, token?: string, timeoutMs = 10_000): Promise<T | null> {
    const answer = await this.send(query, variables, { token, timeoutMs })
    if ('error' in answer || answer.status !== 200) return null
    try {
      const json = JSON.parse(answer.body) as { data?: T; errors?: unknown[] }
      return json.errors?.length ? null : (json.data ?? null)
    } catch {
      return null
    }
  }
}

export interface Client {
  readonly id: string
  readonly username: string
  readonly token: string
  /** comments this client posted and may still edit or delete (not deleted, nothing unknown on them) */
  readonly live: string[]
  /** products this client reviewed or tried to */
  readonly reviewed: Set<string>
  /** false once an updateProfile went unanswered: later ones could not be ordered against it */
  profileOpen: boolean
}

const READ_TRIES = 3

export interface ReaderStats {
  /** requests sent, and answered with a page */
  attempts: number
  ok: number
  /** reads as a client sees them: a failed request is tried again, up to READ_TRIES times */
  reads: number
  readsOk: number
  /** [time, ok] of every read, to see availability around each fault */
  readonly timeline: [number, boolean][]
}

interface Pending {
  readonly entry: LedgerEntry
  readonly resend: () => Promise<Attempt>
  readonly field: string
  readonly token: string
}

export interface Subject {
  readonly type: 'PRODUCT'
  readonly id: string
}

/** Registers (registerUser + login) a fresh client; retried while the stack is busy. */
export async function registerClient(api: Api, prefix: string): Promise<Client> {
  const username = `${prefix}_${Date.now().toString(36)}${Math.random().toString(36).slice(2, 7)}`.slice(0, 32)
  const password = `pw-${username}`
  const key = randomUUID()
  for (let attempt = 1; attempt <= 10; attempt++) {
    const verdict = classify('registerUser', await api.send(REGISTER, { input: { username, password } }, { key }))
    if (verdict.kind === 'done' && verdict.status === 'COMPLETED') break
    if (verdict.kind !== 'retry') throw new Error(`registerUser ${username}: ${JSON.stringify(verdict).slice(0, 300)}`)
    await sleep(500 * attempt)
  }
  for (let attempt = 1; attempt <= 10; attempt++) {
    const d = await api.data<{ login: { token: string; user: { id: string } } }>(LOGIN, { u: username, p: password })
    if (d) return { id: d.login.user.id, username, token: d.login.token, live: [], reviewed: new Set(), profileOpen: true }
    await sleep(500 * attempt)
  }
  throw new Error(`login as ${username} failed`)
}

export async function loginAs(api: Api, username: string, password: string): Promise<{ id: string; token: string }> {
  for (let attempt = 1; attempt <= 10; attempt++) {
    const d = await api.data<{ login: { token: string; user: { id: string } } }>(LOGIN, { u: username, p: password })
    if (d) return { id: d.login.user.id, token: d.login.token }
    await sleep(500 * attempt)
  }
  throw new Error(`login as ${username} failed`)
}

export class Workload {
  readonly ledger: LedgerEntry[] = []
  readonly readers: ReaderStats = { attempts: 0, ok: 0, reads: 0, readsOk: 0, timeline: [] }
  /** mutations without a definite answer: resent with the same key once the faults have stopped */
  private readonly pending: Pending[] = []
  /** submitted reviews waiting for the moderator */
  private readonly queue: string[] = []
  /** top-level comments seen on the pages (reply parents) */
  private readonly seen: string[] = []
  private seq = 0
  stopped = false
  /** mutations sent and not yet answered for good (the faults wait for some, to land on writes in flight) */
  inFlight = 0

  constructor(
    private readonly api: Api,
    private readonly subjects: readonly Subject[],
    private readonly products: readonly string[],
    private readonly moderator: { id: string; token: string },
    private readonly thinkMs: readonly [number, number],
    private readonly policy: RetryPolicy = CLIENT_RETRY_POLICY,
  ) {}

  private newEntry(
    kind: MutationKind,
    client: { id: string; username: string },
    target: string | null,
    intended: LedgerEntry['intended'],
    marker: string,
  ): LedgerEntry {
    const entry: LedgerEntry = {
      seq: ++this.seq,
      kind,
      client: client.username,
      clientId: client.id,
      key: `chaos-${randomUUID()}`,
      marker,
      target,
      intended,
      outcome: 'unknown',
      status: null,
      operationId: null,
      resultId: null,
      attempts: 0,
      reasons: [],
      refusal: null,
      startedAt: Date.now(),
      endedAt: 0,
    }
    this.ledger.push(entry)
    return entry
  }

  /** Sends a mutation until it has a definite answer or the retries run out (then it is pending). */
  private async mutate(
    entry: LedgerEntry,
    field: string,
    query: string,
    variables: unknown,
    token: string,
    policy = this.policy,
  ): Promise<Verdict> {
    const resend = () => this.api.send(query, variables, { token, key: entry.key })
    let verdict: Verdict = { kind: 'retry', reason: 'not sent', operationId: null }
    this.inFlight++
    try {
      verdict = await this.attempts(entry, field, resend, policy)
    } finally {
      this.inFlight--
    }
    this.record(entry, verdict)
    if (entry.outcome === 'unknown') this.pending.push({ entry, resend, field, token })
    return verdict
  }

  private async attempts(entry: LedgerEntry, field: string, resend: () => Promise<Attempt>, policy: RetryPolicy): Promise<Verdict> {
    let verdict: Verdict = { kind: 'retry', reason: 'not sent', operationId: null }
    for (let attempt = 1; attempt <= policy.attempts; attempt++) {
      verdict = classify(field, await resend())
      entry.attempts++
      if (verdict.operationId) entry.operationId = verdict.operationId
      if (verdict.kind !== 'retry') break
      entry.reasons.push(verdict.reason)
      // the moderator's answer: decided, the rating follows in the same run (settled later)
      if (field === 'moderateReview' && verdict.reason === 'RUNNING' && ['PUBLISHED', 'REJECTED'].includes(verdict.payload?.review?.status))
        break
      if (attempt < policy.attempts && !this.stopped) await sleep(backoffMs(policy, attempt, Math.random))
      else if (attempt < policy.attempts) await sleep(200)
    }
    return verdict
  }

  private record(entry: LedgerEntry, verdict: Verdict): void {
    entry.endedAt = Date.now()
    if (verdict.kind === 'done') {
      entry.status = verdict.status
      const accepted = verdict.status === 'COMPLETED' || (entry.kind === 'moderateReview' && verdict.status === 'COMPENSATED')
      entry.outcome = accepted ? 'accepted' : 'refused'
      if (!accepted) entry.refusal = verdict.error ?? verdict.status
      entry.resultId ??= verdict.payload.comment?.id ?? verdict.payload.review?.id ?? null
    } else if (verdict.kind === 'refused') {
      entry.outcome = 'refused'
      entry.refusal = verdict.code
    } else if (
      entry.kind === 'moderateReview' &&
      verdict.reason === 'RUNNING' &&
      ['PUBLISHED', 'REJECTED'].includes(verdict.payload?.review?.status)
    ) {
      entry.outcome = 'accepted'
      entry.status = 'RUNNING'
    } else {
      entry.outcome = 'unknown'
    }
  }

  /** One signed-in client: actions drawn by weight until stopped. */
  async runClient(client: Client, random: () => number): Promise<void> {
    while (!this.stopped) {
      const r = random()
      try {
        if (r < 0.3 || client.live.length === 0) await this.postComment(client, random)
        else if (r < 0.45) await this.reply(client, random)
        else if (r < 0.65) await this.edit(client, random)
        else if (r < 0.72) await this.delete(client, random)
        else if (r < 0.87) await this.updateProfile(client, random)
        else await this.submitReview(client, random)
      } catch (err) {
        console.error(`[chaos] client ${client.username}: ${(err as Error).message}`)
      }
      await sleep(this.thinkMs[0] + random() * (this.thinkMs[1] - this.thinkMs[0]))
    }
  }

  private async postComment(client: Client, random: () => number, parentId?: string): Promise<void> {
    const subject = this.subjects[Math.floor(random() * this.subjects.length)] as Subject
    const marker = `m${randomUUID().replace(/-/g, '').slice(0, 16)}`
    const body = commentBody(marker, 'v0')
    const entry = this.newEntry(
      parentId ? 'reply' : 'postComment',
      client,
      parentId ?? null,
      { body, subject, ...(parentId ? { parentId } : {}) },
      marker,
    )
    const input = { subject, body, ...(parentId ? { parentId } : {}) }
    await this.mutate(entry, 'postComment', POST, { input }, client.token)
    if (entry.outcome === 'accepted' && entry.resultId) client.live.push(entry.resultId)
  }

  private async reply(client: Client, random: () => number): Promise<void> {
    // a reply to a top-level comment someone posted on the hot subjects (the parent's subject is needed)
    const own = this.ledger.filter((e) => e.kind === 'postComment' && e.outcome === 'accepted' && e.resultId)
    const parent = own[Math.floor(random() * own.length)]
    if (!parent?.resultId || !parent.intended.subject) return this.postComment(client, random)
    const marker = `m${randomUUID().replace(/-/g, '').slice(0, 16)}`
    const body = commentBody(marker, 'v0')
    const subject = parent.intended.subject
    const entry = this.newEntry('reply', client, parent.resultId, { body, subject, parentId: parent.resultId }, marker)
    await this.mutate(entry, 'postComment', POST, { input: { subject, body, parentId: parent.resultId } }, client.token)
    if (entry.outcome === 'accepted' && entry.resultId) client.live.push(entry.resultId)
  }

  private take(client: Client, random: () => number, remove: boolean): string | null {
    if (client.live.length === 0) return null
    const i = Math.floor(random() * client.live.length)
    const id = client.live[i] as string
    if (remove) client.live.splice(i, 1)
    return id
  }

  private async edit(client: Client, random: () => number): Promise<void> {
    const id = this.take(client, random, false)
    if (!id) return
    const post = this.ledger.find((e) => e.resultId === id && (e.kind === 'postComment' || e.kind === 'reply'))
    const editMarker = `e${randomUUID().replace(/-/g, '').slice(0, 12)}`
    const body = commentBody(post?.marker ?? 'unknown', editMarker)
    const entry = this.newEntry('editComment', client, id, { body }, editMarker)
    await this.mutate(entry, 'editComment', EDIT, { input: { id, body } }, client.token)
    // nothing more on a comment whose edit has no answer: a later edit could not be ordered against it
    if (entry.outcome === 'unknown') client.live.splice(client.live.indexOf(id), 1)
  }

  private async delete(client: Client, random: () => number): Promise<void> {
    const id = this.take(client, random, true)
    if (!id) return
    const entry = this.newEntry('deleteComment', client, id, {}, `d${id.slice(0, 8)}`)
    await this.mutate(entry, 'deleteComment', DELETE, { id }, client.token)
  }

  private async updateProfile(client: Client, random: () => number): Promise<void> {
    if (!client.profileOpen) return
    const marker = `${Date.now().toString(36)}${randomUUID().replace(/-/g, '').slice(0, 8)}`
    const which = random()
    const intended: { username?: string; avatarUrl?: string } = {}
    if (which < 0.7) intended.username = `c_${marker}`.slice(0, 32)
    if (which >= 0.4) intended.avatarUrl = `https://avatars.example.com/${marker}.png`
    const entry = this.newEntry('updateProfile', client, client.id, intended, marker)
    await this.mutate(entry, 'updateProfile', PROFILE, { input: intended }, client.token)
    if (entry.outcome === 'unknown') client.profileOpen = false
  }

  private async submitReview(client: Client, random: () => number): Promise<void> {
    const choices = this.products.filter((p) => !client.reviewed.has(p))
    if (choices.length === 0) return this.postComment(client, random)
    const productId = choices[Math.floor(random() * choices.length)] as string
    client.reviewed.add(productId)
    const marker = `r${randomUUID().replace(/-/g, '').slice(0, 16)}`
    const rating = 1 + Math.floor(random() * 5)
    const subject = { type: 'PRODUCT', id: productId }
    const entry = this.newEntry('submitReview', client, productId, { subject, rating, body: `chaos review ${marker}` }, marker)
    await this.mutate(entry, 'submitReview', SUBMIT, { input: { subject, rating, body: `chaos review ${marker}` } }, client.token)
    if (entry.outcome === 'accepted' && entry.resultId) this.queue.push(entry.resultId)
  }

  /** The moderator: decides each submitted review (mostly APPROVE), one at a time. */
  async runModerator(random: () => number): Promise<void> {
    const moderator = { id: this.moderator.id, username: 'moderator' }
    while (!this.stopped) {
      const reviewId = this.queue.shift()
      if (!reviewId) {
        await sleep(300)
        continue
      }
      const decision = random() < 0.75 ? 'APPROVE' : 'REJECT'
      const entry = this.newEntry('moderateReview', moderator, reviewId, { decision }, `mod-${reviewId.slice(0, 8)}`)
      const input = { reviewId, decision, ...(decision === 'REJECT' ? { reason: 'chaos: not helpful' } : {}) }
      await this.mutate(entry, 'moderateReview', MODERATE, { input }, this.moderator.token)
      await sleep(this.thinkMs[0])
    }
  }

  /** An anonymous reader of the hot subjects' first pages (and a second page now and then). */
  async runReader(random: () => number, pauseMs: number): Promise<void> {
    while (!this.stopped) {
      const subject = this.subjects[Math.floor(random() * this.subjects.length)] as Subject
      // a real client tries a failed read again (here: 3 tries, 250 then 500 ms apart)
      let ok = false
      for (let attempt = 1; attempt <= READ_TRIES; attempt++) {
        ok = await this.readPage(subject)
        this.readers.attempts++
        if (ok) this.readers.ok++
        this.readers.timeline.push([Date.now(), ok])
        if (ok || this.stopped) break
        await sleep(250 * attempt)
      }
      this.readers.reads++
      if (ok) this.readers.readsOk++
      await sleep(pauseMs)
    }
  }

  /** One comments page read through the gateway: true when it answered 200 with a page and no errors. */
  async readPage(subject: Subject, timeoutMs = 10_000): Promise<boolean> {
    const d = await this.api.data<{ comments: { edges: { node: { id: string } }[] } }>(
      COMMENTS_PAGE_QUERY,
      { subject, after: null },
      undefined,
      timeoutMs,
    )
    if (!d?.comments) return false
    if (this.seen.length < 200) for (const e of d.comments.edges) this.seen.push(e.node.id)
    return true
  }

  /**
   * After the faults: the moderation runs still RUNNING are followed to their end, and every
   * mutation without a definite answer is sent again with its key (a client that comes back).
   */
  async settle(deadline: number, log: (line: string) => void): Promise<{ unsettled: LedgerEntry[] }> {
    for (const p of this.pending.splice(0)) {
      const policy: RetryPolicy = { attempts: 12, firstDelayMs: 1_000, maxDelayMs: 8_000 }
      p.entry.reasons.push('resent after the faults')
      let verdict: Verdict = { kind: 'retry', reason: 'not sent', operationId: null }
      for (let attempt = 1; attempt <= policy.attempts && Date.now() < deadline; attempt++) {
        verdict = classify(p.field, await p.resend())
        p.entry.attempts++
        if (verdict.operationId) p.entry.operationId = verdict.operationId
        if (verdict.kind !== 'retry') break
        if (
          p.entry.kind === 'moderateReview' &&
          verdict.reason === 'RUNNING' &&
          ['PUBLISHED', 'REJECTED'].includes(verdict.payload?.review?.status)
        )
          break
        await sleep(backoffMs(policy, attempt, Math.random))
      }
      this.record(p.entry, verdict)
      log(`resent ${p.entry.kind} ${p.entry.key}: ${p.entry.outcome} (${p.entry.status ?? p.entry.refusal ?? verdict.kind})`)
    }
    const running = this.ledger.filter((e) => e.operationId && (e.status === 'RUNNING' || e.outcome === 'unknown'))
    const tokens = new Map<string, string>()
    const unsettled: LedgerEntry[] = []
    for (const entry of running) {
      const token = entry.kind === 'moderateReview' ? this.moderator.token : (tokens.get(entry.clientId) ?? this.moderator.token)
      for (;;) {
        const d = await this.api.data<{ operation: { id: string; status: string; error: string | null } | null }>(
          OPERATION,
          { id: entry.operationId },
          token,
        )
        const status = d?.operation?.status
        if (status && status !== 'RUNNING') {
          entry.status = status
          if (entry.outcome === 'unknown') {
            entry.outcome = status === 'COMPLETED' ? 'accepted' : 'refused'
            if (entry.outcome === 'refused') entry.refusal = d?.operation?.error ?? status
          }
          if (entry.kind === 'moderateReview' && status === 'FAILED') {
            entry.outcome = 'refused'
            entry.refusal = d?.operation?.error ?? status
          }
          break
        }
        if (Date.now() > deadline) {
          unsettled.push(entry)
          break
        }
        await sleep(500)
      }
    }
    return { unsettled }
  }
}
