// The contract's input rules, written once: the façade checks them before starting a scenario,
// and the owning service checks them again before it stores anything.
import { badUserInput, notFound } from './errors'
import { isId } from './ids'

const USERNAME = /^[a-z0-9_]{3,32}$/
// the ISO-4217 codes this runtime knows (Node's ICU data)
const CURRENCIES = new Set(Intl.supportedValuesOf('currency'))

function length(field: string, value: string, min: number, max: number, what = 'characters'): string {
  // Postgres text cannot hold NUL: refuse it here rather than fail (and retry) at the database
  if (value.includes('\u0000')) throw badUserInput(field, `${field} must not contain NUL characters.`)
  const n = [...value].length
  if (n < min || n > max) {
    throw badUserInput(
      field,
      min === max
        ? `${field} must be ${min} ${what}.`
        : min === 0
          ? `${field} must be at most ${max} ${what}.`
          : `${field} must be ${min} to ${max} ${what}.`,
    )
  }
  return value
}

/** 3..32 chars of [a-z0-9_], case-insensitive: stored lower-cased. */
export function username(value: string, field = 'username'): string {
  const lowered = value.trim().toLowerCase()
  if (!USERNAME.test(lowered)) throw badUserInput(field, `${field} must be 3 to 32 characters of a-z, 0-9 and _.`)
  return lowered
}

export const password = (value: string, field = 'password'): string => length(field, value, 8, 128)

export const displayName = (value: string, field = 'displayName'): string => length(field, value.trim(), 1, 64)

export function avatarUrl(value: string, field = 'avatarUrl'): string {
  length(field, value, 1, 512)
  let url: URL
  try {
    url = new URL(value)
  } catch {
    throw badUserInput(field, `${field} must be an http(s) URL.`)
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw badUserInput(field, `${field} must be an http(s) URL.`)
  return value
}

export const merchantName = (value: string, field = 'name'): string => length(field, value.trim(), 1, 120)
export const productName = (value: string, field = 'name'): string => length(field, value.trim(), 1, 200)
export const description = (value: string, field = 'description'): string => length(field, value, 0, 4000)

export function priceAmount(value: number, field = 'price.amount'): number {
  if (!Number.isSafeInteger(value) || value < 0) throw badUserInput(field, `${field} must be a whole number of cents, 0 or more.`)
  return value
}

export function currency(value: string, field = 'price.currency'): string {
  if (!CURRENCIES.has(value)) throw badUserInput(field, `${field} must be an ISO-4217 code such as "EUR".`)
  return value
}

export function reviewRating(value: number, field = 'rating'): number {
  if (!Number.isInteger(value) || value < 1 || value > 5) throw badUserInput(field, `${field} must be a whole number from 1 to 5.`)
  return value
}

export const reviewBody = (value: string, field = 'body'): string => length(field, value, 1, 4000)
export const rejectionReason = (value: string, field = 'reason'): string => length(field, value.trim(), 1, 500)
export const commentBody = (value: string, field = 'body'): string => length(field, value, 1, 2000)

/** An id argument: anything but a UUID cannot name a row, which the contract calls NOT_FOUND. */
export function id(value: string, what: string): string {
  if (!isId(value)) throw notFound(what)
  return value.toLowerCase()
}
