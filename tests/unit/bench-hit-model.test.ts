import type { Subject } from '../../bench/lib/data'
import { simulateHitRatio, type HitModelOptions } from '../../bench/lib/hit-model'

const subjectsOf = (count: number, pages: number): Subject[] =>
  Array.from({ length: count }, (_, i) => ({
    type: 'PRODUCT' as const,
    id: `s${i}`,
    topLevel: pages * 10,
    cursors: Array.from({ length: pages }, (_, k) => (k === 0 ? null : `c${k}`)),
  }))

const base: HitModelOptions = {
  pagesPerSecond: 100,
  durationSeconds: 100,
  fromSeconds: 0,
  writeShare: 0,
  ttlSeconds: 1_000,
  writers: 4,
  postInvalidation: 'subject',
}

describe('the hit-ratio model', () => {
  it('without writes, every read but the first of each page is a hit', () => {
    const r = simulateHitRatio(subjectsOf(1, 1), base)
    expect(r.reads).toBe(10_000)
    expect(r.hitRatio).toBeCloseTo(9_999 / 10_000, 6)
    expect(r.firstReadShare).toBe(1)
  })

  it('a page expires after the TTL and is read again', () => {
    const r = simulateHitRatio(subjectsOf(1, 1), { ...base, pagesPerSecond: 10, ttlSeconds: 1 })
    expect(r.hitRatio).toBeCloseTo(0.9, 2)
    expect(r.firstReadShare).toBeCloseTo(0.01, 2) // one first read among ~100 expiries
  })

  it('writes cost hits, and dropping only the first page costs fewer than dropping the subject', () => {
    const subjects = subjectsOf(50, 20)
    const none = simulateHitRatio(subjects, base)
    const subject = simulateHitRatio(subjects, { ...base, writeShare: 0.1 })
    const firstPage = simulateHitRatio(subjects, { ...base, writeShare: 0.1, postInvalidation: 'first-page' })
    expect(Math.abs(subject.writes - 1_000)).toBeLessThanOrEqual(1)
    expect(subject.hitRatio).toBeLessThan(none.hitRatio)
    expect(firstPage.hitRatio).toBeGreaterThan(subject.hitRatio)
    expect(firstPage.hitRatio).toBeLessThan(none.hitRatio)
  })
})
