// The contract's `Idempotency-Key` header: checked here, forwarded to the façade only (the one
// subgraph that starts runs), which binds it to the signed caller when it derives a run's id.
import type { IncomingHttpHeaders } from 'node:http'

export const IDEMPOTENCY_KEY_HEADER = 'idempotency-key'

/** 1..200 printable ASCII characters: it ends up (digested) in a workflow id and in logs. */
const VALID_KEY = /^[\x20-\x7e]{1,200}$/

export type IdempotencyKey = { readonly ok: true; readonly key: string | null } | { readonly ok: false; readonly message: string }

/** The request's key (null without one), or why it is refused. */
export function idempotencyKeyOf(headers: IncomingHttpHeaders): IdempotencyKey {
  const raw = headers[IDEMPOTENCY_KEY_HEADER]
  if (raw === undefined) return { ok: true, key: null }
  if (Array.isArray(raw)) return { ok: false, message: 'Send one Idempotency-Key header, not several.' }
  if (!VALID_KEY.test(raw)) return { ok: false, message: 'The Idempotency-Key header must be 1 to 200 printable ASCII characters.' }
  return { ok: true, key: raw }
}
