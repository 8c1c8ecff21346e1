// What every service's input rules are made of. The rules themselves live in the service that owns
// the field (e.g. subgraphs/users/src/rules.ts); the façade checks them, by package name, before
// starting a scenario, and the owning service checks them again before it stores anything.
import { badUserInput, notFound } from './errors'
import { isId } from './ids'

/** A text of `min` to `max` characters (code points): BAD_USER_INPUT on `field` otherwise. */
export function textLength(field: string, value: string, min: number, max: number, what = 'characters'): string {
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

/** An id argument: anything but a UUID cannot name a row, which the contract calls NOT_FOUND. */
export function id(value: string, what: string): string {
  if (!isId(value)) throw notFound(what)
  return value.toLowerCase()
}
