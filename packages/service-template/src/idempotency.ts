// The contract's Idempotency-Key header: one rule for the gateway, which checks and forwards it,
// and the façade, which turns it into a run's id.
import type { IncomingHttpHeaders } from 'node:http'

/** The header a client sends, and the gateway forwards to the façade only. */
export const IDEMPOTENCY_KEY_HEADER = 'idempotency-key'

export const INVALID_IDEMPOTENCY_KEY = 'The Idempotency-Key header must be 1 to 200 printable ASCII characters.'

/** 1..200 printable ASCII characters: it ends up (digested) in a workflow id and in logs. */
export const isIdempotencyKey = (key: string): boolean => /^[\x20-\x7e]{1,200}$/.test(key)

export type CheckedIdempotencyKey = { readonly ok: true; readonly key: string | null } | { readonly ok: false; readonly message: string }

/** The request's key (null without one), or why it is refused. */
export function checkIdempotencyKey(headers: IncomingHttpHeaders): CheckedIdempotencyKey {
  const raw = headers[IDEMPOTENCY_KEY_HEADER]
  if (raw === undefined) return { ok: true, key: null }
  if (Array.isArray(raw)) return { ok: false, message: 'Send one Idempotency-Key header, not several.' }
  return isIdempotencyKey(raw) ? { ok: true, key: raw } : { ok: false, message: INVALID_IDEMPOTENCY_KEY }
}
