// The steady state users live in (the default of `npm run bench`): caches start cold, pages are
// drawn over every subject that has comments, and writes arrive all the time from clients of
// their own, at a rate set by the reads (2% of them), never from the read loops.
import { randomUUID } from 'node:crypto'
import type { Agent } from 'node:http'
import type { RatingSnapshot, Subject, Writer } from './data'
import { postJson } from './http'
import { readPage, type LoadStats, type PageLoadOptions, type PageRef } from './load'
import { LatencyRecorder, summarizeLatencies, type LatencySummary } from './stats'
import { quickCheck } from './verify'
import { type ZipfSampler } from './zipf'

/** The pages of a subject the steady mode reads at most. */
export const STEADY_PAGES_PER_SUBJECT = 20

/** How deep readers go: P(page k) ∝ 1/k² over the subject's first pages (page 1 ≈ 62% of the reads with 20 pages). */
export const PAGE_DEPTH_EXPONENT = 2

/** Subject by Zipf over all subjects, then page k with P(k) ∝ 1/k^exponent among the subject's pages. */
export function depthPicker(
  subjects: readonly Subject[],
  zipf: ZipfSampler,
  random: () => number,
  exponent = PAGE_DEPTH_EXPONENT,
): () => PageRef {
  if (zipf.n !== subjects.length) throw new Error('the sampler must cover the subjects')
  const maxPages = subjects.reduce((m, s) => Math.max(m, s.cursors.length), 1)
  // cumulative weights for each possible page count, computed once
  const cumulative: Float64Array[] = []
  for (let pages = 1; pages <= maxPages; pages++) {
    const weights = new Float64Array(pages)
    let sum = 0
    for (let k = 0; k < pages; k++) weights[k] = sum += 1 / (k + 1) ** exponent
    for (let k = 0; k < pages; k++) weights[k] = (weights[k] as number) / sum
    cumulative.push(weights)
  }
  return () => {
    const subject = subjects[zipf.next()] as Subject
    const weights = cumulative[Math.max(1, subject.cursors.length) - 1] as Float64Array
    const u = random()
    let k = 0
    while (k < weights.length - 1 && (weights[k] as number) < u) k++
    return { subject, pageIndex: k }
  }
}

// ------------------------------------------------------------------------------------------
// the writes

export const WRITE_KINDS = [
  'postComment',
  'replyToComment',
  'editComment',
  'deleteComment',
  'updateProfile',
  'submitReview',
  'moderateReview',
] as const
export type WriteKind = (typeof WRITE_KINDS)[number]

/** The steady mix: what a comments page sees most (posts), then edits, profile changes, replies, deletions, reviews and their moderation. */
export const WRITE_WEIGHTS: Readonly<Record<WriteKind, number>> = {
  postComment: 30,
  replyToComment: 10,
  editComment: 15,
  deleteComment: 10,
  updateProfile: 15,
  submitReview: 10,
  moderateReview: 10,
}

export function pickWriteKind(random: () => number, weights: Readonly<Record<WriteKind, number>> = WRITE_WEIGHTS): WriteKind {
  const total = WRITE_KINDS.reduce((n, k) => n + weights[k], 0)
  let u = random() * total
  for (const kind of WRITE_KINDS) {
    u -= weights[kind]
    if (u < 0) return kind
  }
  return 'postComment'
}

const LOGIN =
  'mutation Login($username: String!, $password: String!) { login(username: $username, password: $password) { token user { id } } }'
const OPERATION = 'operation { id status error }'
const POST_COMMENT = `mutation PostComment($input: PostCommentInput!) { postComment(input: $input) { comment { id } ${OPERATION} } }`
const EDIT_COMMENT = `mutation EditComment($input: EditCommentInput!) { editComment(input: $input) { comment { id body } ${OPERATION} } }`
const DELETE_COMMENT = `mutation DeleteComment($id: ID!) { deleteComment(id: $id) { comment { id deleted } ${OPERATION} } }`
const UPDATE_PROFILE = `mutation UpdateProfile($input: UpdateProfileInput!) { updateProfile(input: $input) { user { id username } ${OPERATION} } }`
const SUBMIT_REVIEW = `mutation SubmitReview($input: SubmitReviewInput!) { submitReview(input: $input) { review { id status } ${OPERATION} } }`
const MODERATE_REVIEW = `mutation ModerateReview($input: ModerateReviewInput!) { moderateReview(input: $input) { review { id status } ${OPERATION} } }`
const OPERATION_QUERY = 'query Operation($id: ID!) { operation(id: $id) { id status error } }'

export const GENERATED_USER_PASSWORD = 'marketplace-dev'
/** The seed's moderator (password = username, see the contract README). */
export const MODERATOR = { username: 'moderator', password: 'moderator' } as const

export interface GraphqlAnswer {
  readonly data?: any
  readonly errors?: unknown
  readonly status: number
  readonly text: string
}

export async function graphql(agent: Agent, url: URL, query: string, variables: unknown, token?: string): Promise<GraphqlAnswer> {
  const answer = await postJson(agent, url, JSON.stringify({ query, variables }), token ? { authorization: `Bearer ${token}` } : {})
  let json: { data?: any; errors?: unknown } = {}
  try {
    json = JSON.parse(answer.body) as typeof json
  } catch {
    // reported by quickCheck as a malformed answer
  }
  return { ...json, status: answer.status, text: answer.body }
}

export async function login(agent: Agent, url: URL, username: string, password: string): Promise<{ token: string; userId: string }> {
  const res = await graphql(agent, url, LOGIN, { username, password })
  const token = res.data?.login?.token as string | undefined
  const userId = res.data?.login?.user?.id as string | undefined
  if (!token || !userId) throw new Error(`login as ${username} failed: ${res.text.slice(0, 300)}`)
  return { token, userId }
}

export interface SignedInWriter extends Writer {
  readonly token: string
}

export async function signInWriters(agent: Agent, url: URL, writers: readonly Writer[]): Promise<SignedInWriter[]> {
  return Promise.all(
    writers.map(async (writer) => {
      const { token, userId } = await login(agent, url, writer.username, GENERATED_USER_PASSWORD)
      if (userId !== writer.userId) throw new Error(`login as ${writer.username} returned user ${userId}, not ${writer.userId}`)
      return { ...writer, token }
    }),
  )
}

/** One kind's figures over a window. */
export interface WriteKindFigures {
  readonly count: number
  readonly errors: number
  readonly latencyMs: LatencySummary
}

export class WriteStats {
  readonly latencies = new Map<WriteKind, LatencyRecorder>()
  readonly errors = new Map<WriteKind, number>()
  readonly errorSamples: string[] = []
  checks = 0
  stale = 0
  readonly staleSamples: string[] = []
  /** writes the scheduler wanted but every writer was busy */
  skipped = 0

  record(kind: WriteKind, ms: number): void {
    let recorder = this.latencies.get(kind)
    if (!recorder) this.latencies.set(kind, (recorder = new LatencyRecorder()))
    recorder.add(ms)
  }

  error(kind: WriteKind, reason: string): void {
    this.errors.set(kind, (this.errors.get(kind) ?? 0) + 1)
    if (this.errorSamples.length < 5) this.errorSamples.push(`${kind}: ${reason}`)
  }

  staleRead(reason: string): void {
    this.stale++
    if (this.staleSamples.length < 5) this.staleSamples.push(reason)
  }

  get writes(): number {
    let n = 0
    for (const r of this.latencies.values()) n += r.count
    return n
  }

  get errorCount(): number {
    let n = 0
    for (const e of this.errors.values()) n += e
    return n
  }

  byKind(): Partial<Record<WriteKind, WriteKindFigures>> {
    const out: Partial<Record<WriteKind, WriteKindFigures>> = {}
    for (const kind of WRITE_KINDS) {
      const recorder = this.latencies.get(kind)
      const errors = this.errors.get(kind) ?? 0
      if (!recorder && errors === 0) continue
      out[kind] = { count: recorder?.count ?? 0, errors, latencyMs: summarizeLatencies(recorder?.toArray() ?? []) }
    }
    return out
  }

  all(): LatencySummary {
    const values: number[] = []
    for (const r of this.latencies.values()) for (const v of r.toArray()) values.push(v)
    return summarizeLatencies(values)
  }
}

/** What the writes did, to be undone after the run (the data set stays the seed's). */
export interface SteadyJournal {
  readonly commentIds: string[]
  readonly originalUsernames: Map<string, { readonly username: string; readonly updatedAt: Date }>
  readonly reviewIds: string[]
  readonly ratings: Map<string, RatingSnapshot>
  /** moderation runs still bringing a rating up to date when their mutation answered */
  readonly moderationOperations: string[]
}

interface OwnComment {
  readonly id: string
  readonly subject: Subject
  replies: number
  deleted: boolean
}

export interface SteadyWriterOptions {
  readonly agent: Agent
  readonly url: URL
  readonly read: PageLoadOptions
  readonly random: () => number
  readonly pick: () => PageRef
  readonly products: readonly string[]
  readonly moderatorToken: string
  /** `${userId}:${productId}` of the writers' reviews already in the database: one review per author and subject */
  readonly alreadyReviewed?: ReadonlySet<string>
  /** reads what a review may change before the first review of a product */
  readonly snapshotRating: (productId: string) => Promise<RatingSnapshot>
}

/**
 * Signed-in writers, each doing one write at a time, each write followed by a read of the page it
 * changed (anything but the change counts as a stale read). Edits, deletions and replies are about
 * the writer's own earlier comments; moderation approves the benchmark's own pending reviews.
 */
export class SteadyWriter {
  private readonly free: SignedInWriter[]
  private readonly own = new Map<string, OwnComment[]>()
  private readonly pendingReviews: string[] = []
  private readonly reviewed: Set<string>
  private inFlight = new Set<Promise<void>>()
  /** read the changed page after each write (off for the --writes mode's CPU series: a write's cost without a page read) */
  readBack = true
  readonly journal: SteadyJournal = {
    commentIds: [],
    originalUsernames: new Map(),
    reviewIds: [],
    ratings: new Map(),
    moderationOperations: [],
  }

  constructor(
    writers: readonly SignedInWriter[],
    private readonly options: SteadyWriterOptions,
  ) {
    this.free = [...writers]
    this.reviewed = new Set(options.alreadyReviewed)
  }

  get busy(): number {
    return this.inFlight.size
  }

  /** Starts one write of `kind` (or the nearest one the writer can do) without waiting; false if every writer is busy. */
  start(kind: WriteKind, stats: WriteStats, reads: LoadStats): boolean {
    // a write about one's own comment goes to a free writer who has one, when there is such a writer
    const own = kind === 'editComment' || kind === 'deleteComment' || kind === 'replyToComment'
    const able = own ? this.free.filter((w) => (this.own.get(w.userId) ?? []).some((c) => !c.deleted)) : []
    const pool = able.length > 0 ? able : this.free
    const chosen = pool[Math.floor(this.options.random() * pool.length)]
    const writer = chosen ? this.free.splice(this.free.indexOf(chosen), 1)[0] : undefined
    if (!writer) return false
    const done = this.write(writer, kind, stats, reads)
      .catch((err: unknown) => stats.error(kind, (err as Error).message))
      .finally(() => {
        this.free.push(writer)
        this.inFlight.delete(done)
      })
    this.inFlight.add(done)
    return true
  }

  /** Runs one write and waits for it (the --writes mode's sequential series). */
  async once(kind: WriteKind, stats: WriteStats, reads: LoadStats): Promise<void> {
    while (!this.start(kind, stats, reads)) await Promise.race(this.inFlight)
    await this.drain()
  }

  /** Waits for the writes in flight. */
  async drain(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all(this.inFlight)
  }

  private async mutate(kind: WriteKind, stats: WriteStats, query: string, variables: unknown, token: string): Promise<any> {
    const started = performance.now()
    const res = await graphql(this.options.agent, this.options.url, query, variables, token)
    stats.record(kind, performance.now() - started)
    const problem = quickCheck(res.status, res.text)
    if (problem) throw new Error(problem)
    return res.data
  }

  private ownComment(writer: SignedInWriter, usable: (c: OwnComment) => boolean): OwnComment | undefined {
    const mine = (this.own.get(writer.userId) ?? []).filter(usable)
    return mine[Math.floor(this.options.random() * mine.length)]
  }

  private async write(writer: SignedInWriter, wanted: WriteKind, stats: WriteStats, reads: LoadStats): Promise<void> {
    let kind = wanted
    // a write about the writer's own comment needs one; moderation needs a pending review
    if ((kind === 'editComment' || kind === 'deleteComment' || kind === 'replyToComment') && !this.ownComment(writer, (c) => !c.deleted))
      kind = 'postComment'
    if (kind === 'moderateReview' && this.pendingReviews.length === 0) kind = 'submitReview'
    switch (kind) {
      case 'postComment':
        return this.postComment(writer, stats, reads)
      case 'replyToComment':
        return this.reply(writer, stats, reads)
      case 'editComment':
        return this.edit(writer, stats, reads)
      case 'deleteComment':
        return this.delete(writer, stats, reads)
      case 'updateProfile':
        return this.updateProfile(writer, stats, reads)
      case 'submitReview':
        return this.submitReview(writer, stats)
      case 'moderateReview':
        return this.moderate(stats)
    }
  }

  private completed(kind: WriteKind, payload: any): void {
    if (payload?.operation?.status !== 'COMPLETED') throw new Error(`${kind}: ${JSON.stringify(payload).slice(0, 300)}`)
  }

  private async firstPage(subject: Subject, reads: LoadStats) {
    if (!this.readBack) return undefined
    return readPage(this.options.read, reads, { subject, pageIndex: 0 }, true)
  }

  private async postComment(writer: SignedInWriter, stats: WriteStats, reads: LoadStats): Promise<void> {
    const { subject } = this.options.pick()
    const data = await this.mutate(
      'postComment',
      stats,
      POST_COMMENT,
      { input: { subject: { type: subject.type, id: subject.id }, body: `bench comment ${randomUUID()}` } },
      writer.token,
    )
    this.completed('postComment', data?.postComment)
    const id = data.postComment.comment?.id as string | undefined
    if (!id) throw new Error(`postComment returned no comment: ${JSON.stringify(data.postComment).slice(0, 300)}`)
    this.journal.commentIds.push(id)
    const mine = this.own.get(writer.userId) ?? []
    mine.push({ id, subject, replies: 0, deleted: false })
    this.own.set(writer.userId, mine.slice(-20))
    // the newest comment is the first of the first page
    const first = await this.firstPage(subject, reads)
    if (first === undefined) return
    if (!first) return stats.error('postComment', `the read after postComment on ${subject.type}:${subject.id} failed`)
    stats.checks++
    if (!first.edges.some((e) => e.node.id === id))
      stats.staleRead(`comment ${id} missing from the first page of ${subject.type}:${subject.id} right after postComment`)
  }

  private async reply(writer: SignedInWriter, stats: WriteStats, reads: LoadStats): Promise<void> {
    const parent = this.ownComment(writer, (c) => !c.deleted) as OwnComment
    const data = await this.mutate(
      'replyToComment',
      stats,
      POST_COMMENT,
      {
        input: { subject: { type: parent.subject.type, id: parent.subject.id }, parentId: parent.id, body: `bench reply ${randomUUID()}` },
      },
      writer.token,
    )
    this.completed('replyToComment', data?.postComment)
    const id = data.postComment.comment?.id as string | undefined
    if (!id) throw new Error('postComment (reply) returned no comment')
    this.journal.commentIds.push(id)
    parent.replies++
    const first = await this.firstPage(parent.subject, reads)
    if (first === undefined) return
    if (!first) return stats.error('replyToComment', 'the read after the reply failed')
    const shown = first.edges.find((e) => e.node.id === parent.id)
    if (!shown) return // pushed to a later page by newer comments: nothing to check on page 1
    stats.checks++
    const count = (shown.node as { replyCount?: number }).replyCount ?? -1
    if (count < parent.replies)
      stats.staleRead(`comment ${parent.id} shows ${count} replies right after its reply number ${parent.replies}`)
  }

  private async edit(writer: SignedInWriter, stats: WriteStats, reads: LoadStats): Promise<void> {
    const comment = this.ownComment(writer, (c) => !c.deleted) as OwnComment
    const body = `bench edit ${randomUUID()}`
    const data = await this.mutate('editComment', stats, EDIT_COMMENT, { input: { id: comment.id, body } }, writer.token)
    this.completed('editComment', data?.editComment)
    const first = await this.firstPage(comment.subject, reads)
    if (first === undefined) return
    if (!first) return stats.error('editComment', 'the read after the edit failed')
    const shown = first.edges.find((e) => e.node.id === comment.id)
    if (!shown) return
    stats.checks++
    if ((shown.node as { body?: string }).body !== body) stats.staleRead(`comment ${comment.id} shows its old body right after editComment`)
  }

  private async delete(writer: SignedInWriter, stats: WriteStats, reads: LoadStats): Promise<void> {
    const comment = this.ownComment(writer, (c) => !c.deleted) as OwnComment
    const data = await this.mutate('deleteComment', stats, DELETE_COMMENT, { id: comment.id }, writer.token)
    this.completed('deleteComment', data?.deleteComment)
    comment.deleted = true
    const first = await this.firstPage(comment.subject, reads)
    if (first === undefined) return
    if (!first) return stats.error('deleteComment', 'the read after the deletion failed')
    const shown = first.edges.find((e) => e.node.id === comment.id)
    if (!shown) return
    stats.checks++
    if ((shown.node as { body?: string }).body !== '')
      stats.staleRead(`comment ${comment.id} still shows its body right after deleteComment`)
  }

  private async updateProfile(writer: SignedInWriter, stats: WriteStats, reads: LoadStats): Promise<void> {
    const username = `b${Date.now().toString(36)}${Math.floor(this.options.random() * 36 ** 6).toString(36)}`.slice(0, 32)
    if (!this.journal.originalUsernames.has(writer.userId))
      this.journal.originalUsernames.set(writer.userId, { username: writer.username, updatedAt: writer.updatedAt })
    const data = await this.mutate('updateProfile', stats, UPDATE_PROFILE, { input: { username } }, writer.token)
    this.completed('updateProfile', data?.updateProfile)
    if (data.updateProfile.user?.username !== username) throw new Error(`updateProfile answered ${JSON.stringify(data.updateProfile.user)}`)
    // a later page that shows a comment of theirs (later pages do not move when comments are added)
    if (!this.readBack) return
    const page = await readPage(this.options.read, reads, writer.page, true)
    if (!page) return stats.error('updateProfile', `the read after updateProfile of ${writer.userId} failed`)
    const theirs = page.edges.filter((e) => e.node.author.id === writer.userId)
    if (theirs.length === 0) return
    stats.checks++
    const old = theirs.find((e) => e.node.author.username !== username)
    if (old)
      stats.staleRead(`user ${writer.userId} still shown as "${old.node.author.username}" right after updateProfile to "${username}"`)
  }

  private async submitReview(writer: SignedInWriter, stats: WriteStats): Promise<void> {
    // one review per author and product: a product this writer has not reviewed (in the data set or in this run)
    let productId = ''
    for (let guard = 0; guard < 20; guard++) {
      const candidate = this.options.products[Math.floor(this.options.random() * this.options.products.length)] as string
      if (!this.reviewed.has(`${writer.userId}:${candidate}`)) {
        productId = candidate
        break
      }
    }
    if (!productId) throw new Error('no product left to review')
    this.reviewed.add(`${writer.userId}:${productId}`)
    if (!this.journal.ratings.has(productId)) this.journal.ratings.set(productId, await this.options.snapshotRating(productId))
    const data = await this.mutate(
      'submitReview',
      stats,
      SUBMIT_REVIEW,
      { input: { subject: { type: 'PRODUCT', id: productId }, rating: 1 + Math.floor(this.options.random() * 5), body: 'bench review' } },
      writer.token,
    )
    const review = data?.submitReview?.review as { id?: string; status?: string } | undefined
    if (!review?.id || review.status !== 'PENDING') throw new Error(`submitReview: ${JSON.stringify(data?.submitReview).slice(0, 300)}`)
    this.journal.reviewIds.push(review.id)
    this.pendingReviews.push(review.id)
  }

  private async moderate(stats: WriteStats): Promise<void> {
    const reviewId = this.pendingReviews.shift() as string
    const data = await this.mutate(
      'moderateReview',
      stats,
      MODERATE_REVIEW,
      { input: { reviewId, decision: 'APPROVE' } },
      this.options.moderatorToken,
    )
    const payload = data?.moderateReview
    if (payload?.review?.status !== 'PUBLISHED') throw new Error(`moderateReview: ${JSON.stringify(payload).slice(0, 300)}`)
    if (payload.operation?.id) this.journal.moderationOperations.push(payload.operation.id as string)
  }

  /**
   * Waits until every moderation run has brought its rating up to date (COMPLETED), so that
   * nothing writes after the run is undone; resolves with the runs that did not within `timeoutMs`.
   */
  async settle(timeoutMs: number): Promise<{ completed: number; unfinished: string[] }> {
    const deadline = performance.now() + timeoutMs
    let open = [...new Set(this.journal.moderationOperations)]
    let completed = 0
    while (open.length > 0 && performance.now() < deadline) {
      const still: string[] = []
      for (const id of open) {
        let res: GraphqlAnswer
        try {
          res = await graphql(this.options.agent, this.options.url, OPERATION_QUERY, { id }, this.options.moderatorToken)
        } catch {
          // a keep-alive connection the gateway closed while the load was winding down: ask again
          still.push(id)
          continue
        }
        const status = res.data?.operation?.status as string | undefined
        if (status === 'COMPLETED') completed++
        else if (status === 'RUNNING' || status === undefined) still.push(id)
        else throw new Error(`moderation run ${id} ended ${status}: ${res.data?.operation?.error ?? ''}`)
      }
      open = still
      if (open.length > 0) await new Promise((r) => setTimeout(r, 250))
    }
    return { completed, unfinished: open }
  }
}

/**
 * Open-loop writes at `share` of the reads: every 100 ms, `share` × the reads completed since the
 * last tick are owed, and each whole one starts a write of a kind drawn from the weights (when
 * every writer is busy it is counted as skipped, not queued). Stop with the returned function.
 */
export function scheduleWrites(
  writer: SteadyWriter,
  share: number,
  readsSoFar: () => number,
  current: () => { readonly stats: LoadStats; readonly writes: WriteStats },
  random: () => number,
): () => void {
  let last = readsSoFar()
  let owed = 0
  const timer = setInterval(() => {
    const now = readsSoFar()
    owed += share * Math.max(0, now - last)
    last = now
    const { stats, writes } = current()
    while (owed >= 1) {
      owed -= 1
      if (!writer.start(pickWriteKind(random), writes, stats)) writes.skipped++
    }
  }, 100)
  return () => clearInterval(timer)
}

// ------------------------------------------------------------------------------------------
// the figures of a steady run

export interface SteadyWindow {
  readonly index: number
  readonly fromS: number
  readonly toS: number
  readonly pagesPerSecond: number
  readonly latencyMs: LatencySummary
  readonly errors: number
  readonly writes: number
  readonly writesPerSecond: number
  readonly writeErrors: number
  readonly writeP50: number
  readonly writeP99: number
  readonly freshnessChecks: number
  readonly staleReads: number
  readonly skippedWrites: number
  /** NaN when the variant has no response cache */
  readonly responseCacheHit: number
  /** % of one core per process over the window */
  readonly cpuPercent: Readonly<Record<string, number>>
}

export interface SteadyWrites {
  readonly count: number
  readonly perSecond: number
  /** writes ÷ reads over the headline windows */
  readonly shareOfReads: number
  readonly errors: number
  readonly errorSamples: readonly string[]
  readonly skipped: number
  readonly latencyMs: LatencySummary
  readonly byKind: Partial<Record<WriteKind, WriteKindFigures>>
}

export interface SteadyResult {
  readonly windowS: number
  /** the headline covers the windows from this second on */
  readonly headlineFromS: number
  readonly windows: readonly SteadyWindow[]
  /** the writes over the headline windows */
  readonly writes: SteadyWrites
  /** moderation runs that had brought their rating up to date before the run was undone */
  readonly settled: { readonly completed: number; readonly unfinished: readonly string[] }
}

/** Merges the write figures of several windows. */
export function mergeWriteStats(parts: readonly WriteStats[]): WriteStats {
  const merged = new WriteStats()
  for (const part of parts) {
    for (const [kind, recorder] of part.latencies) for (const v of recorder.toArray()) merged.record(kind, v)
    for (const [kind, n] of part.errors) merged.errors.set(kind, (merged.errors.get(kind) ?? 0) + n)
    for (const s of part.errorSamples) if (merged.errorSamples.length < 5) merged.errorSamples.push(s)
    for (const s of part.staleSamples) if (merged.staleSamples.length < 5) merged.staleSamples.push(s)
    merged.checks += part.checks
    merged.stale += part.stale
    merged.skipped += part.skipped
  }
  return merged
}
