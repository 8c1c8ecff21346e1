// The "hive-gateway" variant's gateway: createGatewayRuntime of @graphql-hive/gateway (ESM, hence
// the dynamic import) served by node:http, configured to do the work our gateway does, so that the
// comparison is like for like:
//
// - Response cache: Hive's own (`responseCaching`, i.e. @graphql-mesh/plugin-response-cache over
//   @graphql-yoga/plugin-response-cache and @envelop/response-cache), kept in the gateway's cache
//   storage, which is Hive's Redis storage (`RedisCacheStorage`, what `cache: { type: 'redis', url }`
//   builds in a gateway.config.ts) at REDIS_URL, as our gateway keeps its responses in Redis. Keys
//   are Hive's: the operation's text + variables + session. TTL: HIVE_RESPONSE_CACHE_TTL_MS
//   (default 300000, the same 300 s as our RESPONSE_CACHE_TTL_SECONDS default; any TTL over the
//   warm-up + measured window gives the same read numbers). Hive's default invalidation is kept:
//   the entities (__typename + id) a mutation returns drop every cached response that contains
//   them. Unlike ours, it has no notion of lists: a new comment is not in any cached page, so the
//   subject's cached pages are not dropped and show the comment only once they expire (an
//   updateProfile does drop the pages showing that user). Hive issues the invalidation without
//   waiting for it (the mutation's answer may come first), and finds the keys to drop by SCANning
//   Redis for a prefix, 10 keys a step, over the whole keyspace (which the subgraphs' entity
//   caches share): its cost grows with everything in Redis.
// - Sessions: a request without Authorization, or with a token that does not verify (our gateway
//   treats it as anonymous), has no session: anonymous requests share the cache. A request with a
//   valid token is cached per user (session `<userId>:<role>`).
// - Auth, as gateway/src/server.ts does it: `Authorization: Bearer <JWT>` (HS256, JWT_SECRET) is
//   verified once per request by the template's verifyToken; every subgraph request carries
//   `x-marketplace-caller: signCaller(GATEWAY_SECRET, caller, <subgraph name>, now, <client address>)`,
//   signed once per request and subgraph; a valid Idempotency-Key goes to the façade only, an
//   invalid one is refused with 400 BAD_USER_INPUT. (The subgraphs run GATEWAY_SIGNATURE=optional,
//   so an unsigned request would still be served as anonymous.)
// - HIVE_RESPONSE_CACHE_METADATA=1 adds Hive's `extensions.responseCache` ({ hit, didCache, ttl })
//   to answers, for checking by hand; off by default (our gateway's answers have no such field).
//
// The benchmark starts it with SUPERGRAPH_FILE, PORT, REDIS_URL, JWT_SECRET, GATEWAY_SECRET and
// NODE_ENV=production.
import { readFileSync } from 'node:fs'
import { createServer, type IncomingMessage, type RequestListener } from 'node:http'
import { ANONYMOUS, CALLER_HEADER, signCaller, verifyToken, type Caller } from '../../packages/service-template/src/auth'
import { checkIdempotencyKey, IDEMPOTENCY_KEY_HEADER } from '../../packages/service-template/src/idempotency'

export const DEFAULT_RESPONSE_CACHE_TTL_MS = 300_000

/** What one client request carries to every subgraph it causes. */
interface RequestAuth {
  readonly caller: Caller
  readonly address: string | null
  readonly idempotencyKey: string | null
  /** the caller header per subgraph, signed at the first fetch to it */
  readonly signed: Map<string, string>
}

function required(name: string): string {
  const value = process.env[name]
  if (!value) throw new Error(`${name} is not set`)
  return value
}

export function responseCacheTtlMs(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.HIVE_RESPONSE_CACHE_TTL_MS
  if (raw === undefined || raw === '') return DEFAULT_RESPONSE_CACHE_TTL_MS
  const ttl = Number(raw)
  if (!Number.isInteger(ttl) || ttl < 1) throw new Error(`HIVE_RESPONSE_CACHE_TTL_MS must be a positive integer (ms), not ${raw}`)
  return ttl
}

/** The caller the Authorization header names: a missing, malformed or invalid token is anonymous (as in our gateway). */
export function callerOfAuthorization(secret: string, header: string | null | undefined): Caller {
  const match = header ? /^Bearer\s+(\S+)$/i.exec(header) : null
  return (match?.[1] && verifyToken(secret, match[1])) || ANONYMOUS
}

/** The response cache's session: null (shared) for anonymous callers, one per signed-in user. */
export const sessionOf = (caller: Caller): string | null => (caller.userId ? `${caller.userId}:${caller.role}` : null)

async function main(): Promise<void> {
  const file = required('SUPERGRAPH_FILE')
  const redisUrl = required('REDIS_URL')
  const jwtSecret = required('JWT_SECRET')
  const gatewaySecret = required('GATEWAY_SECRET')
  const port = Number(process.env.PORT ?? 4000)
  const ttl = responseCacheTtlMs()
  const { createGatewayRuntime, getDefaultLogger, RedisCacheStorage } = await import('@graphql-hive/gateway')

  const auth = new WeakMap<Request, RequestAuth>()
  const authOf = (request: Request): RequestAuth => {
    let found = auth.get(request)
    if (!found) {
      // not seen by onRequest (no node request at hand): the caller alone
      found = {
        caller: callerOfAuthorization(jwtSecret, request.headers.get('authorization')),
        address: null,
        idempotencyKey: null,
        signed: new Map(),
      }
      auth.set(request, found)
    }
    return found
  }

  const logger = getDefaultLogger()
  const runtime = createGatewayRuntime({
    supergraph: readFileSync(file, 'utf8'),
    logging: logger,
    cache: new RedisCacheStorage({ url: redisUrl, logger }),
    responseCaching: {
      ttl,
      session: (request: Request) => sessionOf(authOf(request).caller),
      invalidateViaMutation: true,
      includeExtensionMetadata: process.env.HIVE_RESPONSE_CACHE_METADATA === '1',
    },
    propagateHeaders: {
      fromClientToSubgraphs: ({ request, subgraphName }) => {
        if (!subgraphName) return undefined
        const state = authOf(request)
        let header = state.signed.get(subgraphName)
        if (!header) {
          header = signCaller(gatewaySecret, state.caller, subgraphName, Date.now(), state.address)
          state.signed.set(subgraphName, header)
        }
        return subgraphName === 'facade' && state.idempotencyKey
          ? { [CALLER_HEADER]: header, [IDEMPOTENCY_KEY_HEADER]: state.idempotencyKey }
          : { [CALLER_HEADER]: header }
      },
    },
    plugins: () => [
      {
        // first of all (before the response cache's lookup): the caller, the client's address
        // and the Idempotency-Key, from the node request
        onRequest({ request, serverContext, endResponse, fetchAPI }) {
          const req = (serverContext as { req?: IncomingMessage } | undefined)?.req
          const idempotency = req
            ? checkIdempotencyKey(req.headers)
            : { ok: true as const, key: request.headers.get(IDEMPOTENCY_KEY_HEADER) }
          if (!idempotency.ok) {
            endResponse(
              fetchAPI.Response.json(
                { errors: [{ message: idempotency.message, extensions: { code: 'BAD_USER_INPUT', field: 'Idempotency-Key' } }] },
                { status: 400 },
              ),
            )
            return
          }
          auth.set(request, {
            caller: callerOfAuthorization(jwtSecret, request.headers.get('authorization')),
            address: req?.socket.remoteAddress ?? null,
            idempotencyKey: idempotency.key,
            signed: new Map(),
          })
        },
      },
    ],
  })
  const server = createServer(runtime as unknown as RequestListener)
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, '127.0.0.1', resolve)
  })
  console.log(`hive-gateway listening on http://127.0.0.1:${port}/graphql (response cache in Redis, TTL ${ttl} ms)`)
  const stop = (): void => {
    setTimeout(() => process.exit(1), 10_000).unref()
    server.close()
    server.closeIdleConnections()
    Promise.resolve(runtime[Symbol.asyncDispose]?.()).then(
      () => process.exit(0),
      () => process.exit(1),
    )
  }
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)
}

if (require.main === module) {
  main().catch((err) => {
    console.error(err)
    process.exit(1)
  })
}
