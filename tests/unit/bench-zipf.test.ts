import { ZipfSampler, mulberry32, uniformInt } from '../../bench/lib/zipf'
import { authorPicker, pagePicker } from '../../bench/lib/load'
import type { Subject } from '../../bench/lib/data'

describe("the Zipf sampler (exponent 1.0 over the subjects' rank)", () => {
  const n = 10_000
  const draws = 200_000
  const sampler = new ZipfSampler(n, 1.0, mulberry32(42))
  const counts = new Uint32Array(n)
  for (let i = 0; i < draws; i++) counts[sampler.next()]!++

  it('probabilities are 1/k normalised by the harmonic number', () => {
    let harmonic = 0
    for (let k = 1; k <= n; k++) harmonic += 1 / k
    expect(sampler.probability(0)).toBeCloseTo(1 / harmonic, 10)
    expect(sampler.probability(9)).toBeCloseTo(1 / (10 * harmonic), 10)
    expect(sampler.probability(0) / sampler.probability(1)).toBeCloseTo(2, 10)
    let total = 0
    for (let k = 0; k < n; k++) total += sampler.probability(k)
    expect(total).toBeCloseTo(1, 10)
    expect(sampler.probability(-1)).toBe(0)
    expect(sampler.probability(n)).toBe(0)
  })

  it('draws match the distribution: rank 1 ≈ 10.2%, rank 1 twice rank 2, ten times rank 10', () => {
    const p0 = counts[0]! / draws
    expect(p0).toBeGreaterThan(sampler.probability(0) * 0.95)
    expect(p0).toBeLessThan(sampler.probability(0) * 1.05)
    expect(counts[0]! / counts[1]!).toBeGreaterThan(1.8)
    expect(counts[0]! / counts[1]!).toBeLessThan(2.2)
    expect(counts[0]! / counts[9]!).toBeGreaterThan(8.5)
    expect(counts[0]! / counts[9]!).toBeLessThan(11.5)
    // the top 100 of 10,000 subjects get about half of the reads (H(100) / H(10000) ≈ 0.53)
    const top100 = counts.slice(0, 100).reduce((a, b) => a + b, 0) / draws
    expect(top100).toBeGreaterThan(0.5)
    expect(top100).toBeLessThan(0.56)
    // and the long tail is still read
    expect(counts.slice(5000).reduce((a, b) => a + b, 0)).toBeGreaterThan(0)
  })

  it('stays in range, and exponent 0 is uniform', () => {
    const uniform = new ZipfSampler(4, 0, mulberry32(1))
    const c = [0, 0, 0, 0]
    for (let i = 0; i < 40_000; i++) c[uniform.next()]!++
    for (const count of c) expect(Math.abs(count - 10_000)).toBeLessThan(600)
    expect(new ZipfSampler(1, 1, mulberry32(3)).next()).toBe(0)
    expect(() => new ZipfSampler(0)).toThrow(RangeError)
  })

  it('mulberry32 is deterministic and in [0, 1)', () => {
    const a = mulberry32(7)
    const b = mulberry32(7)
    for (let i = 0; i < 1000; i++) {
      const x = a()
      expect(x).toBe(b())
      expect(x).toBeGreaterThanOrEqual(0)
      expect(x).toBeLessThan(1)
    }
    const r = mulberry32(9)
    for (let i = 0; i < 1000; i++) expect(uniformInt(r, 3)).toBeLessThan(3)
  })

  it("pages are drawn uniformly among a subject's first pages; authors fill 10 representations", () => {
    const subjects: Subject[] = [
      { type: 'PRODUCT', id: 'a', topLevel: 35, cursors: [null, 'c1', 'c2', 'c3'], authors: [['u1', 'u2'], ['u3'], ['u4'], ['u5']] },
      { type: 'MERCHANT', id: 'b', topLevel: 5, cursors: [null], authors: [['u6', 'u7', 'u8']] },
    ]
    const random = mulberry32(5)
    const pick = pagePicker(subjects, new ZipfSampler(2, 1, random), random)
    const seen = new Map<string, number>()
    for (let i = 0; i < 30_000; i++) {
      const { subject, pageIndex } = pick()
      expect(pageIndex).toBeLessThan(subject.cursors.length)
      seen.set(`${subject.id}:${pageIndex}`, (seen.get(`${subject.id}:${pageIndex}`) ?? 0) + 1)
    }
    // subject a: 2/3 of the draws, a quarter of them per page; subject b: 1/3, one page
    for (let k = 0; k < 4; k++) expect(Math.abs((seen.get(`a:${k}`) ?? 0) / 30_000 - 1 / 6)).toBeLessThan(0.015)
    expect(Math.abs((seen.get('b:0') ?? 0) / 30_000 - 1 / 3)).toBeLessThan(0.015)
    const ids = authorPicker(pick)()
    expect(ids).toHaveLength(10)
    for (const id of ids) expect(id).toMatch(/^u[1-8]$/)
  })
})
