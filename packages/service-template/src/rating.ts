/** The contract's RatingSummary: the exact mean (not rounded), null when there is no rating. */
export const ratingSummary = (count: number, sum: number): { average: number | null; count: number } => ({
  average: count > 0 ? sum / count : null,
  count,
})
