import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { createServer, type Server } from 'node:http'
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server'
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginInlineTraceDisabled,
  ApolloServerPluginLandingPageDisabled,
} from '@apollo/server/plugin/disabled'
import { buildSubgraphSchema } from '@apollo/subgraph'
import { GraphQLError, parse, visit, type DocumentNode } from 'graphql'
import type { Kysely, Migration } from 'kysely'
import { startActivityWorker, type Activities, type ActivityWorker } from './activity-worker'
import { createCache, type Cache } from './cache'
import { readInt, readLogLevel, readServiceConfig, type ServiceConfig, type SubgraphName } from './config'
import { CallerVerifier, idempotencyKeyOf, type ContextDependencies, type RequestContext } from './context'
import { createDatabase, createServiceDatabases, ensureDatabaseExists, migrateToLatest } from './database'
import { createErrorFormatter, ErrorCode } from './errors'
import { inServerSpan, startTracing } from './tracing'
import { useTracing } from './tracing-plugin'
import { closeServer, executeGraphQL, listen, sendJson } from './http'
import { createLogger, type Logger } from './logger'
import { Metrics, operationMetricsPlugin, serveMetrics } from './metrics'
import { cacheCheck, databaseCheck, READY_TIMEOUT_MS, serveReadiness, surviveUnhandledFailures, type DependencyCheck } from './readiness'
import { DateTime } from './scalars'
import { forkWorkers } from './workers'

/**
 * A service's resolvers, typed by the `Resolvers` generated from its schema (`npm run codegen`):
 * resolvers by type name, then field name (buildSubgraphSchema checks them against the schema).
 */
export type SubgraphResolvers = Readonly<Record<string, object>>

/** A service is a description of its entities; everything else comes from here. */
export interface SubgraphDefinition<DB, Loaders> {
  readonly name: SubgraphName
  readonly typeDefs: DocumentNode
  readonly resolvers: SubgraphResolvers
  /** null for a service that owns no tables (the façade): no database is opened or checked */
  readonly migrations: Readonly<Record<string, Migration>> | null
  /** Fresh per request: DataLoaders must never share results between callers. */
  createLoaders(deps: ContextDependencies<DB>): Loaders
  /** The service's write operations, served to scenarios on the task queue named after it. */
  readonly activities?: (deps: ContextDependencies<DB>) => Activities
  /** Dependencies /ready checks besides the database and Redis (the façade: Temporal). */
  readonly readiness?: (deps: ContextDependencies<DB>) => Readonly<Record<string, DependencyCheck>>
}

export function loadTypeDefs(path: string): DocumentNode {
  return parse(readFileSync(path, 'utf8'))
}

/**
 * A service's definition from its folder: `dir` is its `src/` (pass `__dirname`), and its schema is
 * the `schema.graphql` beside it (also in the production build, which copies it there).
 */
export function defineService<DB, Loaders>(
  dir: string,
  parts: Omit<SubgraphDefinition<DB, Loaders>, 'typeDefs'>,
): SubgraphDefinition<DB, Loaders> {
  return { ...parts, typeDefs: loadTypeDefs(join(dir, '..', 'schema.graphql')) }
}

export interface RunningSubgraph<DB> {
  readonly url: string
  readonly port: number
  readonly db: Kysely<DB>
  readonly cache: Cache
  readonly metrics: Metrics
  readonly log: Logger
  readonly worker: ActivityWorker | null
  stop(): Promise<void>
}

const FEDERATION_FIELDS = new Set(['_entities', '_service'])

// Apollo Server hands the same parsed document to every request with the same query text (its
// document store): the answer is worked out once per document, not per request
const federationFieldChecks = new WeakMap<DocumentNode, boolean>()

function selectsFederationField(document: DocumentNode): boolean {
  const known = federationFieldChecks.get(document)
  if (known !== undefined) return known
  let found = false
  visit(document, {
    Field(node) {
      if (FEDERATION_FIELDS.has(node.name.value)) found = true
    },
  })
  federationFieldChecks.set(document, found)
  return found
}

// _entities and _service are the gateway's: a direct caller could otherwise enumerate any entity
function gatewayOnlyFederationFields(
  metrics: Metrics,
  signature: ServiceConfig['gatewaySignature'],
): ApolloServerPlugin<RequestContext<unknown, unknown>> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ document, contextValue }) {
          metrics.increment('graphql_operations_total')
          if (!selectsFederationField(document)) return
          if (!contextValue.fromGateway && signature === 'required') {
            throw new GraphQLError('_entities and _service are served to the gateway only.', {
              extensions: { code: ErrorCode.Forbidden, http: { status: 403 } },
            })
          }
          metrics.increment('entities_requests_total')
        },
      }
    },
  }
}

/** Outside development mode: no introspection and no "Did you mean …?" hints naming schema fields. */
export function schemaDisclosure(development: boolean): { introspection: boolean; hideSchemaDetailsFromClientErrors: boolean } {
  return { introspection: development, hideSchemaDetailsFromClientErrors: !development }
}

export async function startSubgraph<DB, Loaders>(
  definition: SubgraphDefinition<DB, Loaders>,
  config: ServiceConfig = readServiceConfig(definition.name),
): Promise<RunningSubgraph<DB>> {
  const log = createLogger(definition.name, config.logLevel)
  const tracing = startTracing(definition.name)
  const metrics = new Metrics()
  if (config.gatewaySignature === 'optional')
    log.warn('GATEWAY_SIGNATURE=optional: _entities is served to unsigned callers (benchmarks only)')
  if (definition.migrations && config.migrateOnStart) {
    await ensureDatabaseExists(config.databaseUrl)
    const migrationDb = createDatabase<unknown>(config.databaseUrl, 1)
    try {
      const applied = await migrateToLatest(migrationDb, definition.migrations)
      if (applied.length > 0) log.info('migrated', { applied })
    } finally {
      await migrationDb.destroy()
    }
  }
  // pg pools connect lazily: a service without tables never opens a connection; requests read
  // through `db`, the activity worker writes through its own pool (slow reads cannot starve writes)
  const { reads: db, writes } = createServiceDatabases<DB>(config, () => metrics.increment('db_queries_total'), metrics)
  const cache = createCache(config.redisUrl, log, metrics)
  const deps: ContextDependencies<DB> = { db, cache, log, config, metrics }

  const apollo = new ApolloServer<RequestContext<DB, Loaders>>({
    schema: buildSubgraphSchema([{ typeDefs: definition.typeDefs, resolvers: { DateTime, ...definition.resolvers } as never }]),
    formatError: createErrorFormatter(log),
    includeStacktraceInErrorResponses: false,
    // our own SIGTERM handler stops the server, the activity worker and the pools in order; Apollo's
    // (on unless NODE_ENV=test) would stop Apollo alone and re-raise the signal, killing the rest mid-way
    stopOnTerminationSignals: false,
    ...schemaDisclosure(config.development),
    // no cache-control hints (nothing reads them: the gateway's response cache has its own rules)
    // and no federated tracing (no usage reporting): per-field work on every request otherwise
    plugins: [
      useTracing<RequestContext<DB, Loaders>>(),
      gatewayOnlyFederationFields(metrics, config.gatewaySignature) as ApolloServerPlugin<RequestContext<DB, Loaders>>,
      operationMetricsPlugin<RequestContext<DB, Loaders>>(metrics, definition.name),
      ApolloServerPluginLandingPageDisabled(),
      ApolloServerPluginCacheControlDisabled(),
      ApolloServerPluginInlineTraceDisabled(),
    ],
  })
  await apollo.start()

  // /ready: the read pool's `select 1`, Redis when configured, and the service's own (the façade's Temporal)
  const readinessChecks: Record<string, DependencyCheck> = {
    ...(definition.migrations ? { database: databaseCheck(db as Kysely<unknown>) } : {}),
    ...(cache.kind === 'redis' ? { redis: cacheCheck(cache) } : {}),
    ...definition.readiness?.(deps),
  }

  // a header the gateway signed for another subgraph is not from the gateway here
  const callers = new CallerVerifier(config.gatewaySecret, definition.name)
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0]
    if (path === '/graphql') {
      metrics.increment('http_requests_total')
      const context = async (): Promise<RequestContext<DB, Loaders>> => ({
        ...callers.fromHeaders(req.headers),
        idempotencyKey: idempotencyKeyOf(req.headers),
        ...deps,
        loaders: definition.createLoaders(deps),
      })
      inServerSpan(req.headers, { name: 'POST /graphql', attributes: { 'marketplace.subgraph': definition.name } }, () =>
        executeGraphQL(apollo, req, res, context),
      ).catch((err: unknown) => {
        log.error('request failed', { error: err })
        if (!res.headersSent)
          sendJson(res, 500, { errors: [{ message: 'Internal server error', extensions: { code: ErrorCode.Internal } }] })
        else res.end()
      })
    } else if (path === '/health' && req.method === 'GET') {
      // alive: the process answers; whether its dependencies do is /ready's question
      sendJson(res, 200, { status: 'ok', service: definition.name, cache: cache.kind })
    } else if (path === '/ready' && req.method === 'GET') {
      serveReadiness(res, definition.name, readinessChecks, READY_TIMEOUT_MS, log).catch((err: unknown) => {
        log.error('readiness check failed', { error: err })
        if (!res.headersSent) sendJson(res, 503, { status: 'unavailable', service: definition.name })
      })
    } else if (path === '/metrics' && req.method === 'GET') {
      // with WORKERS > 1: every worker's metrics, summed by the cluster primary
      serveMetrics(res, metrics)
    } else {
      sendJson(res, 404, { error: 'not found' })
    }
  })
  const port = await listen(server, config.port, config.host)
  const url = `http://${config.host}:${port}/graphql`
  log.info('listening', { url, cache: cache.kind })

  const worker =
    definition.activities && config.temporal.activityWorker
      ? startActivityWorker(definition.name, definition.activities({ ...deps, db: writes }), config.temporal, log)
      : null

  let stopping: Promise<void> | undefined
  const stop = (): Promise<void> =>
    (stopping ??= (async () => {
      await closeServer(server)
      await Promise.allSettled([apollo.stop(), worker?.stop()])
      await Promise.allSettled([db.destroy(), writes.destroy(), cache.close()])
      await tracing.forceFlush().catch(() => undefined)
    })())
  return { url, port, db, cache, metrics, log, worker, stop }
}

/**
 * The entry point of a subgraph process: start, and stop cleanly on SIGINT/SIGTERM. With WORKERS
 * > 1 the process is a cluster primary that forks that many workers sharing the port (each with
 * its own pools, activity worker and cache subscriptions) and restarts one that dies.
 */
export function runSubgraph<DB, Loaders>(definition: SubgraphDefinition<DB, Loaders>): void {
  if (forkWorkers(definition.name, readInt(process.env, 'WORKERS', 1, 1, 64))) return
  surviveUnhandledFailures(createLogger(definition.name, readLogLevel(process.env)))
  startSubgraph(definition)
    .then((running) => {
      const shutdown = (signal: string): void => {
        running.log.info('stopping', { signal })
        const force = setTimeout(() => process.exit(1), 10_000)
        force.unref()
        running.stop().then(
          () => process.exit(0),
          () => process.exit(1),
        )
      }
      process.once('SIGINT', () => shutdown('SIGINT'))
      process.once('SIGTERM', () => shutdown('SIGTERM'))
    })
    .catch((err: unknown) => {
      console.error(err)
      process.exit(1)
    })
}
