// The contract's Idempotency-Key: the same key, from the same caller, for the same mutation names
// one run; the run remembers (in its memo) which request it was started for.
import { createHash, createHmac } from 'node:crypto'
import type { Caller } from '@marketplace/service-template'

/** The memo field holding the digest of the request a keyed run was started for. */
export const REQUEST_MEMO = 'request'

/**
 * Who a key belongs to: the signed-in user, or for an anonymous caller (registerUser) the client
 * address the gateway signed. Both come from the gateway's signature, never from the client.
 */
export function keyOwner(caller: Caller, clientAddress: string | null): string {
  return caller.userId ? `user:${caller.userId}` : `anonymous:${clientAddress ?? ''}`
}

/** `postComment` → `post-comment`: the workflow id's prefix, as in the README's table. */
export const workflowIdPrefix = (mutation: string): string => mutation.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)

/**
 * The run's id for a keyed request: a digest of (owner, mutation, key). The same triple always
 * names the same run; another caller, or another mutation, with the same key names another one.
 * Hex only, so it stays a valid operation id (lowercase, no other characters).
 */
export function keyedWorkflowId(owner: string, mutation: string, key: string): string {
  const digest = createHash('sha256')
    .update(JSON.stringify([owner, mutation, key]))
    .digest('hex')
    .slice(0, 40)
  return `${workflowIdPrefix(mutation)}-key-${digest}`
}

/**
 * What the request asked for, as a digest kept in the run's memo: a retry with the same key but
 * other input is refused. Keyed with the gateway secret: the input may hold a password, and a
 * plain hash of it in Temporal's memo could be guessed offline.
 */
export function requestDigest(secret: string, mutation: string, input: unknown): string {
  return createHmac('sha256', secret)
    .update(JSON.stringify([mutation, input]))
    .digest('hex')
}

/**
 * The Temporal update id of a keyed moderation decision: a digest of (owner, key, the decision).
 * Temporal answers an update id it has already seen in a run with that update's outcome, so a
 * retry after a lost answer gets the first answer instead of "already moderated"; the same key
 * with another decision is another update, which the run refuses (CONFLICT).
 */
export function keyedUpdateId(owner: string, key: string, decision: unknown): string {
  return `moderate-key-${createHash('sha256')
    .update(JSON.stringify([owner, key, decision]))
    .digest('hex')
    .slice(0, 40)}`
}
