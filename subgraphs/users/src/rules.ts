// The users service's input rules (the façade checks them too, before it starts a scenario).
import { badUserInput, rules } from '@marketplace/service-template'

const USERNAME = /^[a-z0-9_]{3,32}$/

/** 3..32 chars of [a-z0-9_], case-insensitive: stored lower-cased. */
export function username(value: string, field = 'username'): string {
  const lowered = value.trim().toLowerCase()
  if (!USERNAME.test(lowered)) throw badUserInput(field, `${field} must be 3 to 32 characters of a-z, 0-9 and _.`)
  return lowered
}

export const password = (value: string, field = 'password'): string => rules.textLength(field, value, 8, 128)

export const displayName = (value: string, field = 'displayName'): string => rules.textLength(field, value.trim(), 1, 64)

export function avatarUrl(value: string, field = 'avatarUrl'): string {
  rules.textLength(field, value, 1, 512)
  let url: URL
  try {
    url = new URL(value)
  } catch {
    throw badUserInput(field, `${field} must be an http(s) URL.`)
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw badUserInput(field, `${field} must be an http(s) URL.`)
  return value
}
