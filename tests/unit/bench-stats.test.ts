import { LatencyRecorder, median, percentileOfSorted, ratio, summarizeLatencies } from '../../bench/lib/stats'

describe('bench statistics', () => {
  const hundred = Float64Array.from({ length: 100 }, (_, i) => i + 1) // 1..100

  it('percentiles by nearest rank', () => {
    expect(percentileOfSorted(hundred, 50)).toBe(50)
    expect(percentileOfSorted(hundred, 95)).toBe(95)
    expect(percentileOfSorted(hundred, 99)).toBe(99)
    expect(percentileOfSorted(hundred, 100)).toBe(100)
    expect(percentileOfSorted(hundred, 0.1)).toBe(1)
    expect(percentileOfSorted([7], 99)).toBe(7)
    expect(percentileOfSorted([1, 2, 3, 4], 50)).toBe(2)
    expect(percentileOfSorted([1, 2, 3, 4], 51)).toBe(3)
    expect(percentileOfSorted([], 50)).toBeNaN()
    expect(() => percentileOfSorted(hundred, 0)).toThrow(RangeError)
    expect(() => percentileOfSorted(hundred, 101)).toThrow(RangeError)
  })

  it('summarizes unsorted latencies without changing them', () => {
    const latencies = [5, 1, 4, 2, 3]
    expect(summarizeLatencies(latencies)).toEqual({ count: 5, mean: 3, p50: 3, p95: 5, p99: 5, max: 5 })
    expect(latencies).toEqual([5, 1, 4, 2, 3])
    const reversed = Float64Array.from(hundred).reverse()
    expect(summarizeLatencies(reversed)).toMatchObject({ p50: 50, p95: 95, p99: 99, max: 100, mean: 50.5 })
    expect(summarizeLatencies([]).p99).toBeNaN()
  })

  it('medians across runs ignore missing values', () => {
    expect(median([3, 1, 2])).toBe(2)
    expect(median([4, 1, 3, 2])).toBe(2.5)
    expect(median([Number.NaN, 5])).toBe(5)
    expect(median([])).toBeNaN()
  })

  it('ratios are NaN without a denominator', () => {
    expect(ratio(6, 2)).toBe(3)
    expect(ratio(6, 0)).toBeNaN()
    expect(ratio(undefined, 2)).toBeNaN()
  })

  it('the recorder grows past its first buffer', () => {
    const recorder = new LatencyRecorder()
    for (let i = 0; i < 200_000; i++) recorder.add(i % 1000)
    expect(recorder.count).toBe(200_000)
    expect(recorder.toArray()[199_999]).toBe(999)
  })
})
