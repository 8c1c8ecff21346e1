import { IDEMPOTENCY_KEY_HEADER } from './idempotency'
import type { IncomingHttpHeaders } from 'node:http'
import type { Kysely } from 'kysely'
import { ANONYMOUS, CALLER_HEADER, verifyCaller, type Caller } from './auth'
import type { Cache } from './cache'
import type { ServiceConfig } from './config'
import type { Logger } from './logger'
import type { Metrics } from './metrics'

/** What every resolver of a subgraph receives. */
export interface RequestContext<DB, Loaders> {
  readonly caller: Caller
  // true when the gateway signed this request: only then are _entities and _service served
  readonly fromGateway: boolean
  /** the client's address, as the gateway signed it (null for a request not from the gateway) */
  readonly clientAddress: string | null
  /** the client's Idempotency-Key, as the gateway forwarded it (the façade only; null otherwise) */
  readonly idempotencyKey: string | null
  readonly db: Kysely<DB>
  readonly cache: Cache
  readonly loaders: Loaders
  readonly log: Logger
  readonly config: ServiceConfig
  readonly metrics: Metrics
}

export interface ContextDependencies<DB> {
  readonly db: Kysely<DB>
  readonly cache: Cache
  readonly log: Logger
  readonly config: ServiceConfig
  readonly metrics: Metrics
}

export interface CallerOfRequest {
  readonly caller: Caller
  readonly fromGateway: boolean
  readonly clientAddress: string | null
}

/** The Idempotency-Key the gateway forwarded, as sent (the façade checks it). */
export function idempotencyKeyOf(headers: IncomingHttpHeaders): string | null {
  const raw = headers[IDEMPOTENCY_KEY_HEADER]
  return (Array.isArray(raw) ? raw[0] : raw) ?? null
}

const NOT_FROM_GATEWAY: CallerOfRequest = Object.freeze({ caller: ANONYMOUS, fromGateway: false, clientAddress: null })
const VERIFIED_KEPT = 1024
const VERIFIED_FOR_MS = 1000

/**
 * The caller of a request, from the header the gateway signs for this service (`audience`: a
 * header signed for another service is not from the gateway). The gateway signs one header per
 * request and subgraph, sent with each of the request's fetches: a header verified in the last
 * second is not verified again (an HMAC per fetch was a visible share of an `_entities` call's cost).
 */
export class CallerVerifier {
  private readonly verified = new Map<string, { readonly result: CallerOfRequest; readonly until: number }>()

  constructor(
    private readonly secret: string,
    private readonly audience: string,
  ) {}

  fromHeaders(headers: IncomingHttpHeaders): CallerOfRequest {
    const raw = headers[CALLER_HEADER]
    const header = Array.isArray(raw) ? raw[0] : raw
    if (!header) return NOT_FROM_GATEWAY
    const now = Date.now()
    const known = this.verified.get(header)
    // the audience and lifetime were checked when it was verified, at most a second ago
    if (known && known.until > now) return known.result
    const signed = verifyCaller(this.secret, header, this.audience, now)
    if (!signed) return NOT_FROM_GATEWAY
    const result: CallerOfRequest = { caller: signed.caller, fromGateway: true, clientAddress: signed.address }
    if (this.verified.size >= VERIFIED_KEPT) this.verified.clear()
    this.verified.set(header, { result, until: now + VERIFIED_FOR_MS })
    return result
  }
}
