// The reviews service's input rules (the façade checks them too, before it starts a scenario).
import { badUserInput, rules } from '@marketplace/service-template'

export function reviewRating(value: number, field = 'rating'): number {
  if (!Number.isInteger(value) || value < 1 || value > 5) throw badUserInput(field, `${field} must be a whole number from 1 to 5.`)
  return value
}

export const reviewBody = (value: string, field = 'body'): string => rules.textLength(field, value, 1, 4000)
export const rejectionReason = (value: string, field = 'reason'): string => rules.textLength(field, value.trim(), 1, 500)
