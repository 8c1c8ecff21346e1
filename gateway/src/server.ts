import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { existsSync, readFileSync } from 'node:fs'
import { gunzipSync } from 'node:zlib'
import type { GraphQLSchema } from 'graphql'
import { ApolloGateway, RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway'
import { SpanStatusCode } from '@opentelemetry/api'
import { ApolloServer } from '@apollo/server'
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled'
import {
  ANONYMOUS,
  CALLER_HEADER,
  checkIdempotencyKey,
  closeServer,
  createErrorFormatter,
  createLogger,
  createCache,
  currentTraceId,
  executeGraphQL,
  injectTraceContext,
  inServerSpan,
  inSpan,
  startTracing,
  useTracing,
  memoryCache,
  listen,
  Metrics,
  observeCachedResponse,
  operationMetricsPlugin,
  timedFetcher,
  readJsonBody,
  readGatewayConfig,
  schemaDisclosure,
  sendJson,
  serveReadiness,
  httpCheck,
  IDEMPOTENCY_KEY_HEADER,
  signCaller,
  verifyToken,
  type Caller,
  type GatewayConfig,
  type Logger,
  type ParsedBody,
} from '@marketplace/service-template'
import { composeSupergraph, COMPOSED_SUPERGRAPH_PATH } from './compose'
import { createSubgraphFetcher } from './fetcher'
import { useCors } from './cors'
import { GraphiqlPage } from './graphiql'
import { passesCsrfPrevention, readGraphQLRequest } from './graphql-request'
import { aliasLimit, depthLimit } from './limits'
import { BoundedKeyValueCache } from './lru'
import { withDeadline } from './request-deadline'
import { QueryLimits } from './request-limits'
import { startMetricsServer } from './metrics-server'
import { clientAddressOf, oneCredentialField, useCredentialRateLimits } from './rate-limit'
import { PersistedQueryStore } from './persisted-queries'
import { ResponseCache } from './response-cache'
import { readSupergraphConfig } from './supergraph-config'

export interface GatewayContext {
  readonly caller: Caller
  /** the client's address (the socket's, or X-Forwarded-For's behind TRUST_PROXY) */
  readonly clientAddress: string
  /** the caller header for one subgraph: signed once per request and subgraph, for each of its fetches */
  readonly callerHeaderFor: (subgraph: string) => string
  /** the client's Idempotency-Key (checked): sent to the façade only, which binds it to the caller */
  readonly idempotencyKey?: string | null
}

/** Forwards the caller to a subgraph in a header only the gateway can sign, for that subgraph only. */
class SignedCallerDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  constructor(
    config: ConstructorParameters<typeof RemoteGraphQLDataSource<GatewayContext>>[0],
    private readonly subgraph: string,
  ) {
    super(config)
  }

  override willSendRequest(options: GraphQLDataSourceProcessOptions<GatewayContext>): void {
    const { request, context } = options
    // the fetch span's context (W3C traceparent): a mutation's is flagged sampled, so the façade,
    // the workflow and its activities record it whatever the ratio
    const mutation = 'incomingRequestContext' in options && options.incomingRequestContext.operation?.operation === 'mutation'
    injectTraceContext((name, value) => request.http?.headers.set(name, value), mutation)
    if ('callerHeaderFor' in context && context.callerHeaderFor)
      request.http?.headers.set(CALLER_HEADER, context.callerHeaderFor(this.subgraph))
    if (this.subgraph === 'facade' && 'idempotencyKey' in context && context.idempotencyKey)
      request.http?.headers.set(IDEMPOTENCY_KEY_HEADER, context.idempotencyKey)
  }
}

/** Signs lazily, once per subgraph the request's plan calls. */
function callerHeaders(secret: string, caller: Caller, clientAddress: string): (subgraph: string) => string {
  const signed = new Map<string, string>()
  return (subgraph) => {
    let header = signed.get(subgraph)
    if (!header) signed.set(subgraph, (header = signCaller(secret, caller, subgraph, Date.now(), clientAddress)))
    return header
  }
}

export function callerFromAuthorization(secret: string, header: string | undefined): Caller {
  const match = header ? /^Bearer\s+(\S+)$/i.exec(header) : null
  // a missing, malformed or expired token is an anonymous caller: `me` answers null
  return (match?.[1] && verifyToken(secret, match[1])) || ANONYMOUS
}

/**
 * The composed supergraph: the committed gateway/supergraph.graphql (kept up to date by
 * `npm run compose`, checked by a test), or a composition of supergraph.yaml when it is missing.
 * Composing at start would cost every gateway process its peak memory and a second.
 */
function loadSupergraphSdl(config: ReturnType<typeof readSupergraphConfig>): string {
  const path = process.env.SUPERGRAPH_PATH ?? COMPOSED_SUPERGRAPH_PATH
  return existsSync(path) ? readFileSync(path, 'utf8') : composeSupergraph(config)
}

export interface RunningGateway {
  readonly url: string
  readonly port: number
  /** GET this for the gateway's counters (not served on the public port) */
  readonly metricsUrl: string
  readonly log: Logger
  stop(): Promise<void>
}

/** Errors sent outside Apollo get the request's trace id, as Apollo's do (useTracing). */
function withTraceId<E extends { readonly extensions?: Readonly<Record<string, unknown>> }>(errors: readonly E[]): E[] {
  const traceId = currentTraceId()
  return traceId ? errors.map((error) => ({ ...error, extensions: { ...error.extensions, traceId } })) : [...errors]
}

const HIT_HEADERS = { 'content-type': 'application/json; charset=utf-8', vary: 'accept-encoding, origin' } as const

const acceptsGzip = (req: IncomingMessage): boolean => /\bgzip\b/.test(req.headers['accept-encoding'] ?? '')

const wantsHtml = (req: IncomingMessage): boolean =>
  req.method === 'GET' && (req.headers.accept ?? '').includes('text/html') && !(req.url ?? '').includes('query=')

export async function startGateway(config: GatewayConfig = readGatewayConfig()): Promise<RunningGateway> {
  process.env.APOLLO_TELEMETRY_DISABLED = '1'
  const log = createLogger('gateway', config.logLevel)
  const tracing = startTracing('gateway', { edge: true })
  const supergraph = readSupergraphConfig()
  const routing = new Map(supergraph.subgraphs.map((s) => [s.name, config.subgraphUrls[s.name] ?? s.routingUrl]))
  const metrics = new Metrics()
  const fetcher = createSubgraphFetcher({ timeoutMs: config.subgraphTimeoutMs })
  const gateway = new ApolloGateway({
    supergraphSdl: loadSupergraphSdl(supergraph),
    // query plans by a digest of the query: bounded by count and bytes whatever clients send
    queryPlannerConfig: { cache: new BoundedKeyValueCache(1000, 24 * 1024 * 1024) },
    buildService: ({ name, url }) =>
      new SignedCallerDataSource(
        {
          url: routing.get(name) ?? url,
          fetcher: timedFetcher(fetcher, metrics, name),
        },
        name,
      ),
  })
  const sharedCache = config.redisUrl ? createCache(config.redisUrl, log, metrics) : null
  // without Redis, Apollo keeps persisted queries in this process's memory
  const persistedQueries = sharedCache ? new PersistedQueryStore(sharedCache, config.persistedQueryTtlSeconds) : null
  // length, tokens, depth, aliases and cost: checked before the response cache or Apollo read a query
  const limits = new QueryLimits({
    maxQueryBytes: config.maxQueryBytes,
    maxTokens: config.maxTokens,
    maxDepth: config.maxDepth,
    maxAliases: config.maxAliases,
    maxCost: config.maxCost,
  })
  // the contexts of requests the limits admitted: Apollo's cost check does not run twice for them
  const admittedContexts = new WeakSet<GatewayContext>()
  // rate limits are shared by every gateway process through Redis; without it, each counts its own
  const rateLimitCounters = sharedCache ?? memoryCache()
  const apollo = new ApolloServer<GatewayContext>({
    gateway,
    formatError: createErrorFormatter(log),
    includeStacktraceInErrorResponses: false,
    // index.ts stops the gateway cleanly on SIGTERM; Apollo's own handler would re-raise the signal first
    stopOnTerminationSignals: false,
    ...schemaDisclosure(config.development),
    validationRules: [depthLimit(config.maxDepth), aliasLimit(config.maxAliases), oneCredentialField],
    parseOptions: { maxTokens: config.maxTokens },
    // parsed and validated documents by a digest of the text: bounded by count and bytes
    documentStore: new BoundedKeyValueCache(1000, 16 * 1024 * 1024),
    plugins: [
      useTracing<GatewayContext>(),
      operationMetricsPlugin<GatewayContext>(metrics),
      ApolloServerPluginLandingPageDisabled(),
      limits.apolloPlugin<GatewayContext>((context) => admittedContexts.has(context)),
      useCredentialRateLimits(
        rateLimitCounters,
        { login: config.loginAttemptsPerAddress, registerUser: config.registrationsPerAddress },
        metrics,
      ),
    ],
    ...(persistedQueries ? { persistedQueries: { cache: persistedQueries, ttl: config.persistedQueryTtlSeconds } } : {}),
  })
  let apiSchema: GraphQLSchema | undefined
  gateway.onSchemaLoadOrUpdate(({ apiSchema: schema, coreSupergraphSdl }) => {
    apiSchema = schema
    limits.useSchema(schema, coreSupergraphSdl)
  })
  await apollo.start()
  const page = new GraphiqlPage('/graphql')
  const cors = useCors({ origins: config.corsOrigins, maxAgeSeconds: config.corsMaxAgeSeconds })
  if (config.responseCache && !sharedCache) log.warn('REDIS_URL is not set: the response cache is off (it keeps responses in Redis)')
  const responseCache =
    sharedCache && config.responseCache
      ? new ResponseCache(() => apiSchema as GraphQLSchema, sharedCache, metrics, {
          ttlSeconds: config.responseCacheTtlSeconds,
          maxKeysPerTag: config.responseCacheMaxKeysPerTag,
          maxTokens: config.maxTokens,
          maxQueryBytes: config.maxQueryBytes,
          onUnsafeRedis: (policy) =>
            log.error('the response cache is off: Redis may evict keys (maxmemory-policy must be noeviction)', { maxmemoryPolicy: policy }),
        })
      : null

  const handleGraphQL = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const idempotency = checkIdempotencyKey(req.headers)
    const context = async (): Promise<GatewayContext> => {
      const caller = callerFromAuthorization(config.jwtSecret, req.headers.authorization)
      const clientAddress = clientAddressOf(req, config.trustProxy)
      return {
        caller,
        clientAddress,
        callerHeaderFor: callerHeaders(config.gatewaySecret, caller, clientAddress),
        idempotencyKey: idempotency.ok ? idempotency.key : null,
      }
    }
    metrics.increment('http_requests_total')
    if (!idempotency.ok) {
      metrics.increment('requests_refused_total')
      sendJson(res, 400, {
        errors: withTraceId([{ message: idempotency.message, extensions: { code: 'BAD_USER_INPUT', field: 'Idempotency-Key' } }]),
      })
      return
    }
    const parsed = await readJsonBody(req)
    const outcome = await withDeadline(config.requestTimeoutMs, () => serveGraphQL(req, res, context, parsed))
    if (!outcome.timedOut) return
    metrics.increment('requests_timed_out_total')
    if (res.headersSent) res.destroy()
    else
      sendJson(res, 504, {
        errors: withTraceId([
          { message: `The request did not finish within ${config.requestTimeoutMs} ms.`, extensions: { code: 'INTERNAL_SERVER_ERROR' } },
        ]),
      })
  }

  const serveGraphQL = async (
    req: IncomingMessage,
    res: ServerResponse,
    context: () => Promise<GatewayContext>,
    parsed: ParsedBody,
  ): Promise<void> => {
    // POST with the text, GET with query-string parameters, or a persisted query's hash alone:
    // the same limits, the same key, the same publicness rules
    const request = parsed.ok && passesCsrfPrevention(req.headers) ? readGraphQLRequest(req, parsed.body) : null
    // bounded work first: a query over a limit is refused before anything else reads it
    const admission = request ? await limits.admit(request, async (hash) => persistedQueries?.queryOf(hash)) : {}
    if (admission.refused) {
      metrics.increment('requests_refused_total')
      sendJson(res, admission.refused.status, { errors: withTraceId(admission.refused.errors) })
      return
    }
    const admitted = admission.admitted
    const contextOf = async (): Promise<GatewayContext> => {
      const value = await context()
      if (admitted) admittedContexts.add(value)
      return value
    }
    const key =
      request && admitted && responseCache?.enabled && responseCache.isCacheable(admitted, request.operationName)
        ? responseCache.keyOf(admitted, request.operationName, request.variables)
        : null
    // an answer that may depend on who asks (a hidden review's discussion) is cached for anonymous requests only
    const anonymous = req.headers.authorization === undefined
    if (
      !responseCache ||
      !request ||
      !admitted ||
      !key ||
      (!anonymous && responseCache.callerDependent(admitted, request.operationName, request.variables))
    ) {
      await executeGraphQL(apollo, req, res, contextOf, parsed)
      return
    }
    const { operationName, variables } = request
    const lookedUp = performance.now()
    const lookup = await inSpan('response-cache lookup', { 'graphql.operation.name': operationName ?? '' }, async (span) => {
      const found = await responseCache.lookup(key)
      span.setAttribute('marketplace.cache.result', found ? (found.hit ? 'hit' : 'miss') : 'unavailable')
      return found
    })
    if (lookup?.hit) {
      const gzip = acceptsGzip(req)
      const body = gzip ? lookup.hit.gzipped : lookup.hit.plain()
      res.writeHead(
        200,
        gzip
          ? { ...HIT_HEADERS, 'content-encoding': 'gzip', 'content-length': body.length }
          : { ...HIT_HEADERS, 'content-length': body.length },
      )
      res.end(body)
      observeCachedResponse(metrics, admitted.document, operationName, lookedUp)
      return
    }
    const result = await executeGraphQL(apollo, req, res, contextOf, parsed)
    if (!lookup || result?.status !== 200) return
    const json = JSON.parse(result.body) as { data?: unknown; errors?: unknown }
    if (json.data && !json.errors)
      await responseCache.store(key, admitted, operationName, variables, result.body, json.data, lookup.epoch, lookup.at)
  }

  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0]
    if (path === '/graphql' && wantsHtml(req)) {
      const gzip = acceptsGzip(req)
      page.gzipped().then(
        (gzipped) => {
          const body = gzip ? gzipped : gunzipSync(gzipped)
          res.writeHead(200, {
            'content-type': 'text/html; charset=utf-8',
            'content-length': body.length,
            ...(gzip ? { 'content-encoding': 'gzip' } : {}),
          })
          res.end(body)
        },
        (err: unknown) => {
          log.error('GraphiQL page could not be rendered', { error: err })
          res.writeHead(503, { 'content-type': 'text/plain; charset=utf-8' })
          res.end('GraphiQL is unavailable right now; POST GraphQL requests to this URL still work.')
        },
      )
    } else if (path === '/graphql') {
      if (cors(req, res)) return
      // the request's root span: the trace id every error of this request carries
      inServerSpan(req.headers, { name: `${req.method ?? 'GET'} /graphql` }, async (span) => {
        await handleGraphQL(req, res)
        if (res.statusCode >= 400) span.setStatus({ code: SpanStatusCode.ERROR, message: `HTTP ${res.statusCode}` })
        span.setAttribute('http.response.status_code', res.statusCode)
      }).catch((err: unknown) => {
        log.error('request failed', { error: err })
        if (!res.headersSent)
          sendJson(res, 500, { errors: withTraceId([{ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } }]) })
        else res.end()
      })
    } else if (path === '/health' && req.method === 'GET') {
      sendJson(res, 200, {
        status: 'ok',
        service: 'gateway',
        responseCache: responseCache ? (responseCache.enabled ? 'on' : 'paused') : 'off',
      })
    } else if (path === '/ready' && req.method === 'GET') {
      // its subgraphs alive (their /health, not /ready): the gateway routes around nothing
      void serveReadiness(
        res,
        'gateway',
        Object.fromEntries([...routing].map(([name, target]) => [name, httpCheck(new URL('/health', target).toString())])),
      )
    } else if (path === '/') {
      res.writeHead(302, { location: '/graphql' })
      res.end()
    } else {
      sendJson(res, 404, { error: 'not found' })
    }
  })
  const port = await listen(server, config.port, config.host)
  const url = `http://${config.host}:${port}/graphql`
  const metricsServer = await startMetricsServer(metrics, config.metricsPort, config.metricsHost)
  log.info('listening', { url, metrics: metricsServer.url, subgraphs: Object.fromEntries(routing) })
  return {
    url,
    port,
    metricsUrl: metricsServer.url,
    log,
    async stop() {
      await metricsServer.stop()
      await closeServer(server)
      await apollo.stop()
      await sharedCache?.close()
      await tracing.forceFlush().catch(() => undefined)
    },
  }
}
