import type { Subject } from '../../bench/lib/data'
import { LoadStats } from '../../bench/lib/load'
import {
  WRITE_KINDS,
  WRITE_WEIGHTS,
  WriteStats,
  depthPicker,
  mergeWriteStats,
  pickWriteKind,
  scheduleWrites,
  type SteadyWriter,
  type WriteKind,
} from '../../bench/lib/steady'
import { ZipfSampler, mulberry32 } from '../../bench/lib/zipf'

const subject = (id: string, pages: number): Subject => ({
  type: 'PRODUCT',
  id,
  topLevel: pages * 10,
  cursors: [null, ...Array.from({ length: pages - 1 }, (_, k) => `c${k}`)],
})

describe('the steady load', () => {
  it('draws pages by depth: P(page k) ∝ 1/k² among the subject’s pages, never past its last', () => {
    const subjects = [subject('deep', 20), subject('short', 2), subject('single', 1)]
    const random = mulberry32(7)
    const pick = depthPicker(subjects, new ZipfSampler(subjects.length, 1.0, random), random)
    const byDepth = new Map<string, number[]>()
    let pastTheEnd = 0
    for (let i = 0; i < 60_000; i++) {
      const p = pick()
      const counts = byDepth.get(p.subject.id) ?? new Array<number>(20).fill(0)
      counts[p.pageIndex]!++
      byDepth.set(p.subject.id, counts)
      if (p.pageIndex >= p.subject.cursors.length) pastTheEnd++
    }
    expect(pastTheEnd).toBe(0)
    const deep = byDepth.get('deep')!
    const total = deep.reduce((a, b) => a + b, 0)
    let norm = 0
    for (let k = 1; k <= 20; k++) norm += 1 / k ** 2
    expect(deep[0]! / total).toBeCloseTo(1 / norm, 1) // ≈ 62%
    expect(deep[0]! / deep[1]!).toBeGreaterThan(3.5) // 4 expected
    expect(deep[0]! / deep[1]!).toBeLessThan(4.5)
    expect(deep.slice(10).reduce((a, b) => a + b, 0)).toBeGreaterThan(0) // a long tail
    const short = byDepth.get('short')!
    expect(short[0]! / (short[0]! + short[1]!)).toBeCloseTo(0.8, 1) // 1 ÷ (1 + 1/4)
    expect(
      byDepth
        .get('single')!
        .slice(1)
        .every((n) => n === 0),
    ).toBe(true)
  })

  it('draws write kinds by their weights', () => {
    const random = mulberry32(3)
    const counts = Object.fromEntries(WRITE_KINDS.map((k) => [k, 0])) as Record<WriteKind, number>
    for (let i = 0; i < 50_000; i++) counts[pickWriteKind(random)]++
    const total = WRITE_KINDS.reduce((n, k) => n + WRITE_WEIGHTS[k], 0)
    for (const kind of WRITE_KINDS) expect(counts[kind] / 50_000).toBeCloseTo(WRITE_WEIGHTS[kind] / total, 1)
  })

  it('schedules writes at their share of the reads, open loop: busy writers make skips, not waits', () => {
    jest.useFakeTimers()
    try {
      let reads = 0
      const started: WriteKind[] = []
      let busy = false
      const writer = { start: (kind: WriteKind) => (busy ? false : (started.push(kind), true)) } as unknown as SteadyWriter
      const current = { stats: new LoadStats(), writes: new WriteStats() }
      const stop = scheduleWrites(
        writer,
        0.02,
        () => reads,
        () => current,
        mulberry32(1),
      )
      reads = 1000
      jest.advanceTimersByTime(100)
      expect(started).toHaveLength(20)
      reads += 49 // 0.98 owed: nothing yet
      jest.advanceTimersByTime(100)
      expect(started).toHaveLength(20)
      reads += 1
      jest.advanceTimersByTime(100)
      expect(started).toHaveLength(21)
      busy = true
      reads += 500
      jest.advanceTimersByTime(100)
      expect(started).toHaveLength(21)
      expect(current.writes.skipped).toBe(10)
      stop()
      reads += 5000
      jest.advanceTimersByTime(1000)
      expect(started).toHaveLength(21)
    } finally {
      jest.useRealTimers()
    }
  })

  it('merges the windows’ write figures', () => {
    const a = new WriteStats()
    a.record('postComment', 10)
    a.record('postComment', 30)
    a.error('editComment', 'boom')
    a.checks = 2
    a.staleRead('stale one')
    const b = new WriteStats()
    b.record('postComment', 20)
    b.record('moderateReview', 5)
    b.skipped = 3
    b.checks = 1
    const merged = mergeWriteStats([a, b])
    expect(merged.writes).toBe(4)
    expect(merged.errorCount).toBe(1)
    expect(merged.checks).toBe(3)
    expect(merged.stale).toBe(1)
    expect(merged.skipped).toBe(3)
    const byKind = merged.byKind()
    expect(byKind.postComment).toMatchObject({ count: 3, errors: 0 })
    expect(byKind.postComment?.latencyMs.p50).toBe(20)
    expect(byKind.editComment).toMatchObject({ count: 0, errors: 1 })
    expect(byKind.replyToComment).toBeUndefined()
    expect(merged.errorSamples).toEqual(['editComment: boom'])
  })
})
