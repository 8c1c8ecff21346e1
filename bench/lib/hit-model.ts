// A model, not a measurement: the response-cache hit ratio the steady workload allows at a given
// read rate, with an unbounded cache that never pays for a miss. It replays the steady mode's own
// draws (depthPicker over the subjects, the write mix at the write share, the read-back after each
// write) and applies each write's invalidation as the comments service does, so the measured hit
// ratio can be set against what the workload permits, and an invalidation rule judged before it
// is built.
import type { Subject } from './data'
import { depthPicker, pickWriteKind } from './steady'
import { mulberry32, uniformInt, ZipfSampler, ZIPF_EXPONENT } from './zipf'

/**
 * What a top-level comment drops:
 * - `subject`: every cached page of the subject (today: a new comment changes every page's totalCount);
 * - `first-page`: only the subject's first page, as if totalCount were kept apart from the page
 *   bodies (later pages are read after a fixed cursor: a new comment at the head leaves them as they are).
 */
export type PostInvalidation = 'subject' | 'first-page'

export interface HitModelOptions {
  readonly pagesPerSecond: number
  readonly durationSeconds: number
  /** the headline's first second: hits are counted from here */
  readonly fromSeconds: number
  readonly writeShare: number
  readonly ttlSeconds: number
  readonly writers: number
  readonly postInvalidation: PostInvalidation
  readonly seed?: number
}

export interface HitModelResult {
  readonly reads: number
  /** hits among the reads from `fromSeconds` on (read-backs after writes excluded, as the benchmark counts) */
  readonly hitRatio: number
  /** of the misses counted: first reads of a page never cached before */
  readonly firstReadShare: number
  readonly writes: number
}

export function simulateHitRatio(subjects: readonly Subject[], options: HitModelOptions): HitModelResult {
  const random = mulberry32(options.seed ?? 42)
  const pick = depthPicker(subjects, new ZipfSampler(subjects.length, ZIPF_EXPONENT, random), random)
  const index = new Map<Subject, number>(subjects.map((s, i) => [s, i]))
  const key = (subject: number, page: number): number => subject * 64 + page
  const storedAt = new Map<number, number>()
  const pagesOf = new Map<number, Set<number>>()
  const everCached = new Set<number>()
  const ttl = options.ttlSeconds
  const own: number[][] = Array.from({ length: options.writers }, () => [])

  const store = (subject: number, page: number, now: number): void => {
    const k = key(subject, page)
    storedAt.set(k, now)
    everCached.add(k)
    let pages = pagesOf.get(subject)
    if (!pages) pagesOf.set(subject, (pages = new Set()))
    pages.add(page)
  }
  const drop = (subject: number, page: number | null): void => {
    const pages = pagesOf.get(subject)
    if (!pages) return
    for (const p of page === null ? [...pages] : [page]) {
      storedAt.delete(key(subject, p))
      pages.delete(p)
    }
  }
  const read = (subject: number, page: number, now: number): boolean => {
    const at = storedAt.get(key(subject, page))
    if (at !== undefined && now - at < ttl) return true
    store(subject, page, now)
    return false
  }

  const total = Math.round(options.pagesPerSecond * options.durationSeconds)
  let counted = 0
  let hits = 0
  let firstReads = 0
  let owed = 0
  let writes = 0
  for (let i = 0; i < total; i++) {
    const now = i / options.pagesPerSecond
    const { subject, pageIndex } = pick()
    const s = index.get(subject) as number
    const firstRead = !everCached.has(key(s, pageIndex))
    const hit = read(s, pageIndex, now)
    if (now >= options.fromSeconds) {
      counted++
      if (hit) hits++
      else if (firstRead) firstReads++
    }
    owed += options.writeShare
    while (owed >= 1) {
      owed -= 1
      writes++
      const writer = own[uniformInt(random, own.length)] as number[]
      const kind = pickWriteKind(random)
      if (kind === 'postComment' || writer.length === 0) {
        // a new top-level comment on a subject drawn as the readers draw them
        const target = index.get(pick().subject) as number
        drop(target, options.postInvalidation === 'subject' ? null : 0)
        writer.push(target)
        read(target, 0, now)
      } else if (kind === 'replyToComment' || kind === 'editComment' || kind === 'deleteComment') {
        // on the writer's own comment, recent: on its subject's first page
        const target = writer[uniformInt(random, writer.length)] as number
        drop(target, 0)
        read(target, 0, now)
      } else if (kind === 'updateProfile') {
        // the pages that show the writer's comments (of this run; the seed's are left out: optimistic)
        for (const target of writer) drop(target, 0)
        if (writer[0] !== undefined) read(writer[0], 0, now)
      }
      // submitReview and moderateReview change no comments page here
    }
  }
  const misses = counted - hits
  return { reads: counted, hitRatio: counted ? hits / counted : 0, firstReadShare: misses ? firstReads / misses : 0, writes }
}
