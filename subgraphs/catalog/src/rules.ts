// The catalog service's input rules (the façade checks them too, before it starts a scenario).
import { badUserInput, rules } from '@marketplace/service-template'

// the ISO-4217 codes this runtime knows (Node's ICU data)
const CURRENCIES = new Set(Intl.supportedValuesOf('currency'))

export const productName = (value: string, field = 'name'): string => rules.textLength(field, value.trim(), 1, 200)
export const description = (value: string, field = 'description'): string => rules.textLength(field, value, 0, 4000)

export function priceAmount(value: number, field = 'price.amount'): number {
  if (!Number.isSafeInteger(value) || value < 0) throw badUserInput(field, `${field} must be a whole number of cents, 0 or more.`)
  return value
}

export function currency(value: string, field = 'price.currency'): string {
  if (!CURRENCIES.has(value)) throw badUserInput(field, `${field} must be an ISO-4217 code such as "EUR".`)
  return value
}
