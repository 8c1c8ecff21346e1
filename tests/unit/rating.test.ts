import { ratingSummary } from '@marketplace/reviews/src/rating'

describe('ratingSummary', () => {
  it('is the exact mean', () => {
    expect(ratingSummary(2, 4 + 5)).toEqual({ average: 4.5, count: 2 })
    expect(ratingSummary(1, 3)).toEqual({ average: 3, count: 1 })
  })

  it('is not rounded', () => {
    const summary = ratingSummary(3, 1 + 2 + 2)
    expect(summary.average).toBe(5 / 3)
    expect(summary.average).not.toBe(1.7)
    expect(summary.average).not.toBe(1.67)
    expect(summary.count).toBe(3)
    expect(ratingSummary(3, 4 + 4 + 5).average).toBe(13 / 3)
  })

  it('is null when there is no rating', () => {
    expect(ratingSummary(0, 0)).toEqual({ average: null, count: 0 })
  })
})
