// The load: N keep-alive loops reading comments pages (or users' _entities), each latency
// recorded, each answer checked, a sample of them fully verified.
import type { Agent } from 'node:http'
import { postJson, runLoops } from './http'
import { LatencyRecorder } from './stats'
import { expectedEdges, type Subject } from './data'
import {
  COMMENTS_PAGE_QUERY,
  USERS_ENTITIES_QUERY,
  quickCheck,
  verifyEntitiesResponse,
  verifyPageResponse,
  type CommentsPage,
} from './verify'
import { uniformInt, type ZipfSampler } from './zipf'

export interface PageRef {
  readonly subject: Subject
  readonly pageIndex: number
}

/** Subject by Zipf over rank, then a page uniformly among its first (up to) 10. */
export function pagePicker(subjects: readonly Subject[], zipf: ZipfSampler, random: () => number): () => PageRef {
  if (zipf.n !== subjects.length) throw new Error('the sampler must cover the subjects')
  return () => {
    const subject = subjects[zipf.next()] as Subject
    return { subject, pageIndex: uniformInt(random, subject.cursors.length) }
  }
}

export function pageRequestBody(page: PageRef): string {
  return JSON.stringify({
    query: COMMENTS_PAGE_QUERY,
    operationName: 'CommentsPage',
    variables: { subject: { type: page.subject.type, id: page.subject.id }, after: page.subject.cursors[page.pageIndex] ?? null },
  })
}

/** What one window of load measured. */
export class LoadStats {
  readonly latencies = new LatencyRecorder()
  requests = 0
  errors = 0
  readonly errorSamples: string[] = []
  verified = 0
  verifyFailures = 0
  readonly verifySamples: string[] = []
  /** edges (or entities) counted on the verified responses */
  verifiedItems = 0
  elapsedMs = 0

  error(reason: string): void {
    this.errors++
    if (this.errorSamples.length < 5) this.errorSamples.push(reason)
  }

  verifyFailed(reason: string): void {
    this.verifyFailures++
    if (this.verifySamples.length < 5) this.verifySamples.push(reason)
  }

  get meanItems(): number {
    return this.verified > 0 ? this.verifiedItems / this.verified : Number.NaN
  }
}

export interface PageLoadOptions {
  readonly agent: Agent
  readonly url: URL
  readonly pick: () => PageRef
  /** fully verify one response in this many (1: all) */
  readonly verifyEvery: number
  /** true while writes may add comments: the first page may then hold more than the seed's */
  readonly growing: boolean
  readonly headers?: Readonly<Record<string, string>>
}

/** Reads one page, checks it, and records it in `stats`; returns the page when it was verified. */
export async function readPage(
  options: PageLoadOptions,
  stats: LoadStats,
  page: PageRef,
  forceVerify = false,
): Promise<CommentsPage | null> {
  const body = pageRequestBody(page)
  const started = performance.now()
  let status: number
  let text: string
  try {
    ;({ status, body: text } = await postJson(options.agent, options.url, body, options.headers))
  } catch (err) {
    stats.requests++
    stats.error(`network: ${(err as Error).message}`)
    return null
  }
  stats.latencies.add(performance.now() - started)
  stats.requests++
  const problem = quickCheck(status, text)
  if (problem) {
    stats.error(problem)
    return null
  }
  if (!forceVerify && stats.requests % options.verifyEvery !== 0) return null
  const want = expectedEdges(page.subject.topLevel, page.pageIndex)
  const total = page.subject.topLevel
  const verdict = verifyPageResponse(text, options.growing ? { minEdges: want, minTotalCount: total } : { edges: want, totalCount: total })
  stats.verified++
  if (!verdict.ok) {
    stats.verifyFailed(`${page.subject.type}:${page.subject.id} page ${page.pageIndex + 1}: ${verdict.reason}`)
    return null
  }
  stats.verifiedItems += verdict.page.edges.length
  return verdict.page
}

/** Reads pages from `concurrency` loops for `durationMs`. */
export async function pageLoad(
  options: PageLoadOptions,
  concurrency: number,
  durationMs: number,
  stats = new LoadStats(),
): Promise<LoadStats> {
  stats.elapsedMs = await runLoops(concurrency, durationMs, async () => {
    await readPage(options, stats, options.pick())
  })
  return stats
}

// ------------------------------------------------------------------------------------------
// --users-only: the users subgraph's _entities, 10 representations per request

export const REPRESENTATIONS_PER_REQUEST = 10

/** Author ids for one request: the authors of Zipf-drawn pages, in page order, until there are 10. */
export function authorPicker(pick: () => PageRef, perRequest = REPRESENTATIONS_PER_REQUEST): () => string[] {
  return () => {
    const ids: string[] = []
    for (let guard = 0; ids.length < perRequest && guard < 100; guard++) {
      const { subject, pageIndex } = pick()
      for (const id of subject.authors?.[pageIndex] ?? []) if (ids.length < perRequest) ids.push(id)
    }
    if (ids.length < perRequest) throw new Error('the subjects carry no authors (loadSubjects withAuthors)')
    return ids
  }
}

export interface EntitiesLoadOptions {
  readonly agent: Agent
  readonly url: URL
  readonly pickAuthors: () => string[]
  readonly callerHeader: () => string
  readonly verifyEvery: number
}

export async function entitiesLoad(
  options: EntitiesLoadOptions,
  concurrency: number,
  durationMs: number,
  stats = new LoadStats(),
): Promise<LoadStats> {
  stats.elapsedMs = await runLoops(concurrency, durationMs, async () => {
    const ids = options.pickAuthors()
    const body = JSON.stringify({
      query: USERS_ENTITIES_QUERY,
      operationName: 'CommentsPage__users__1',
      variables: { representations: ids.map((id) => ({ __typename: 'User', id })) },
    })
    const started = performance.now()
    let answer: { status: number; body: string }
    try {
      answer = await postJson(options.agent, options.url, body, { 'x-marketplace-caller': options.callerHeader() })
    } catch (err) {
      stats.requests++
      stats.error(`network: ${(err as Error).message}`)
      return
    }
    stats.latencies.add(performance.now() - started)
    stats.requests++
    const problem = quickCheck(answer.status, answer.body)
    if (problem) return stats.error(problem)
    if (stats.requests % options.verifyEvery !== 0) return
    stats.verified++
    const wrong = verifyEntitiesResponse(answer.body, ids)
    if (wrong) stats.verifyFailed(wrong)
    else stats.verifiedItems += ids.length
  })
  return stats
}
