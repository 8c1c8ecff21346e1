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

export function callerFromHeaders(
  secret: string,
  headers: IncomingHttpHeaders,
): { caller: Caller; fromGateway: boolean } {
  const raw = headers[CALLER_HEADER]
  const verified = verifyCaller(secret, Array.isArray(raw) ? raw[0] : raw)
  return verified ? { caller: verified, fromGateway: true } : { caller: ANONYMOUS, fromGateway: false }
}
