// --mix: 2% writes among the reads. Each write is a signed-in mutation through the gateway; as
// soon as it returns, the page it changed is read and must show the change (else: a stale read).
import { randomUUID } from 'node:crypto'
import type { Agent } from 'node:http'
import type { Writer } from './data'
import { readPage, type LoadStats, type PageLoadOptions, type PageRef } from './load'
import type { MixResult } from './measure'
import { LatencyRecorder, summarizeLatencies } from './stats'
import { quickCheck } from './verify'
import { GENERATED_USER_PASSWORD, graphql } from './steady'

export const WRITE_SHARE = 0.02

const LOGIN =
  'mutation Login($username: String!, $password: String!) { login(username: $username, password: $password) { token user { id } } }'
const POST_COMMENT =
  'mutation PostComment($input: PostCommentInput!) { postComment(input: $input) { comment { id } operation { id status error } } }'
const UPDATE_PROFILE =
  'mutation UpdateProfile($input: UpdateProfileInput!) { updateProfile(input: $input) { user { id username } operation { id status error } } }'

export interface SignedInWriter extends Writer {
  readonly token: string
}

/** Signs the writers in through the gateway (generated users' password: marketplace-dev). */
export async function signIn(agent: Agent, url: URL, writers: readonly Writer[]): Promise<SignedInWriter[]> {
  return Promise.all(
    writers.map(async (writer) => {
      const res = await graphql(agent, url, LOGIN, { username: writer.username, password: GENERATED_USER_PASSWORD })
      const token = res.data?.login?.token as string | undefined
      if (!token || res.data?.login?.user?.id !== writer.userId)
        throw new Error(`login as ${writer.username} failed: ${res.text.slice(0, 300)}`)
      return { ...writer, token }
    }),
  )
}

/** What the writes did, to be undone after the run (the data set stays the seed's). */
export interface MixJournal {
  readonly commentIds: string[]
  /** user id → the username (and updated_at) it had before the benchmark changed it */
  readonly originalUsernames: Map<string, { readonly username: string; readonly updatedAt: Date }>
}

export class MixWriter {
  private readonly free: SignedInWriter[]
  private readonly latencies = new LatencyRecorder()
  private writes = 0
  private posts = 0
  private updates = 0
  private errors = 0
  private readonly errorSamples: string[] = []
  private checks = 0
  private stale = 0
  private readonly staleSamples: string[] = []
  readonly journal: MixJournal = { commentIds: [], originalUsernames: new Map() }

  constructor(
    writers: readonly SignedInWriter[],
    private readonly agent: Agent,
    private readonly url: URL,
    private readonly read: PageLoadOptions,
    private readonly random: () => number,
  ) {
    this.free = [...writers]
  }

  /** Does one write and its read-back if a writer is free (one write per writer at a time); false otherwise. */
  async maybeWrite(pick: () => PageRef, stats: LoadStats): Promise<boolean> {
    const writer = this.free.splice(Math.floor(this.random() * this.free.length), 1)[0]
    if (!writer) return false
    try {
      if (this.random() < 0.5) await this.postComment(writer, pick(), stats)
      else await this.updateProfile(writer, stats)
    } catch (err) {
      this.error(`${(err as Error).message}`)
    } finally {
      this.free.push(writer)
    }
    return true
  }

  private error(reason: string): void {
    this.errors++
    if (this.errorSamples.length < 5) this.errorSamples.push(reason)
  }

  private staleRead(reason: string): void {
    this.stale++
    if (this.staleSamples.length < 5) this.staleSamples.push(reason)
  }

  private async mutate(query: string, variables: unknown, token: string): Promise<any> {
    const started = performance.now()
    const res = await graphql(this.agent, this.url, query, variables, token)
    this.latencies.add(performance.now() - started)
    this.writes++
    const problem = quickCheck(res.status, res.text)
    if (problem) throw new Error(problem)
    return res.data
  }

  private async postComment(writer: SignedInWriter, page: PageRef, stats: LoadStats): Promise<void> {
    this.posts++
    const subject = page.subject
    const data = await this.mutate(
      POST_COMMENT,
      { input: { subject: { type: subject.type, id: subject.id }, body: `bench comment ${randomUUID()}` } },
      writer.token,
    )
    const id = data?.postComment?.comment?.id as string | undefined
    const status = data?.postComment?.operation?.status as string | undefined
    if (!id || status !== 'COMPLETED') throw new Error(`postComment: ${JSON.stringify(data?.postComment).slice(0, 300)}`)
    this.journal.commentIds.push(id)
    // the newest comment is the first of the first page
    const first = await readPage(this.read, stats, { subject, pageIndex: 0 }, true)
    if (!first) return this.error(`the read after postComment on ${subject.type}:${subject.id} failed`)
    this.checks++
    if (!first.edges.some((e) => e.node.id === id))
      this.staleRead(`comment ${id} missing from the first page of ${subject.type}:${subject.id} right after postComment`)
  }

  private async updateProfile(writer: SignedInWriter, stats: LoadStats): Promise<void> {
    this.updates++
    const username = `b${Date.now().toString(36)}${Math.floor(this.random() * 36 ** 6).toString(36)}`.slice(0, 32)
    if (!this.journal.originalUsernames.has(writer.userId))
      this.journal.originalUsernames.set(writer.userId, { username: writer.username, updatedAt: writer.updatedAt })
    const data = await this.mutate(UPDATE_PROFILE, { input: { username } }, writer.token)
    const status = data?.updateProfile?.operation?.status as string | undefined
    if (data?.updateProfile?.user?.username !== username || status !== 'COMPLETED') {
      throw new Error(`updateProfile: ${JSON.stringify(data?.updateProfile).slice(0, 300)}`)
    }
    // a later page that shows a comment of theirs (later pages do not move when comments are added)
    const page = await readPage(this.read, stats, writer.page, true)
    if (!page) return this.error(`the read after updateProfile of ${writer.userId} failed`)
    const theirs = page.edges.filter((e) => e.node.author.id === writer.userId)
    if (theirs.length === 0)
      return this.error(`page ${writer.page.pageIndex + 1} of ${writer.page.subject.id} no longer shows a comment of ${writer.userId}`)
    this.checks++
    const old = theirs.find((e) => e.node.author.username !== username)
    if (old) this.staleRead(`user ${writer.userId} still shown as "${old.node.author.username}" right after updateProfile to "${username}"`)
  }

  result(): MixResult {
    return {
      writes: this.writes,
      postComments: this.posts,
      updateProfiles: this.updates,
      writeErrors: this.errors,
      writeErrorSamples: this.errorSamples,
      writeLatencyMs: summarizeLatencies(this.latencies.toArray()),
      freshnessChecks: this.checks,
      staleReads: this.stale,
      staleSamples: this.staleSamples,
    }
  }
}
