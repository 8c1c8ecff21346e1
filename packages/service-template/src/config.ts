// Every process reads its configuration here, once, at start. Defaults run the embedded stack.
import { DEFAULT_PORTS, isServiceName, secretsOf, serviceEntry, type SubgraphName } from '@marketplace/services'

// the services, their ports and secrets come from the registry (packages/services): one list
export { DEFAULT_PORTS, SERVICE_NAMES, SUBGRAPH_NAMES, type ServiceName, type SubgraphName } from '@marketplace/services'

// DEVELOPMENT DEFAULTS ONLY: the embedded stack's Postgres credentials and the secrets below
// are public. Production sets its own through the environment.
export const DEV_POSTGRES = { user: 'postgres', password: 'postgres', host: '127.0.0.1', port: 54320 } as const
export const DEV_GATEWAY_SECRET = 'dev-only-gateway-secret-change-me'
export const DEV_JWT_SECRET = 'dev-only-jwt-secret-change-me'
/** the gateway's /metrics listener (127.0.0.1 unless METRICS_HOST says otherwise) */
export const DEFAULT_METRICS_PORT = 9400

export type Env = Readonly<Record<string, string | undefined>>

/**
 * Development mode is explicit: `NODE_ENV=development` or `test` (what `npm start`, the tests and
 * the benchmark set). Anything else, unset included, is production: the public development
 * secrets are refused, and introspection and field suggestions are off.
 */
export function isDevelopment(env: Env = process.env): boolean {
  return env.NODE_ENV === 'development' || env.NODE_ENV === 'test'
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError'
}

function envKey(service: string, key: string): string {
  return `${service.toUpperCase()}_${key}`
}

export function databaseUrlFor(service: SubgraphName, env: Env = process.env): string {
  const database = isServiceName(service) ? serviceEntry(service).database : service
  return (
    env[envKey(service, 'DATABASE_URL')] ??
    `postgres://${DEV_POSTGRES.user}:${DEV_POSTGRES.password}@${DEV_POSTGRES.host}:${env.EMBEDDED_PG_PORT ?? DEV_POSTGRES.port}/${database}`
  )
}

export function readInt(env: Env, key: string, fallback: number, min = 0, max = Number.MAX_SAFE_INTEGER): number {
  const raw = env[key]
  if (raw === undefined || raw === '') return fallback
  const value = Number(raw)
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`${key} must be an integer between ${min} and ${max}, got "${raw}"`)
  }
  return value
}

export function readBool(env: Env, key: string, fallback: boolean): boolean {
  const raw = env[key]
  if (raw === undefined || raw === '') return fallback
  if (/^(1|true|yes|on)$/i.test(raw)) return true
  if (/^(0|false|no|off)$/i.test(raw)) return false
  throw new ConfigError(`${key} must be true or false, got "${raw}"`)
}

function readSecret(env: Env, key: string, devDefault: string): string {
  const value = env[key] ?? devDefault
  if (!isDevelopment(env) && value === devDefault) {
    throw new ConfigError(
      `${key} must be set outside development mode (the default is a public development value; NODE_ENV=development or test uses it)`,
    )
  }
  if (value.length < 16) throw new ConfigError(`${key} must be at least 16 characters long`)
  return value
}

export interface ServiceConfig {
  readonly service: SubgraphName
  readonly port: number
  readonly host: string
  readonly databaseUrl: string
  readonly databasePoolSize: number
  /** the activity worker's own pool: reads holding every read connection cannot stall the writes */
  readonly databaseWritePoolSize: number
  /** how long a query waits for a free connection before it fails (an internal error, not a queue without end) */
  readonly databaseAcquireTimeoutMs: number
  readonly statementTimeoutMs: number
  readonly redisUrl: string | undefined
  readonly gatewaySecret: string
  /** the service whose registry entry lists JWT_SECRET (users: it issues tokens at login); null everywhere else */
  readonly jwtSecret: string | null
  readonly migrateOnStart: boolean
  readonly logLevel: LogLevel
  readonly temporal: TemporalConfig
  /** false: every reference is loaded on its own (the benchmark's "naive" variant) */
  readonly batchLoads: boolean
  /** off: database only; shared: Redis; full: this process's memory in front of Redis */
  readonly entityCache: 'off' | 'shared' | 'full'
  /**
   * required (default): _entities/_service only for requests the gateway signed. optional: also
   * unsigned ones, still as an anonymous caller — only to benchmark third-party gateways.
   */
  readonly gatewaySignature: 'required' | 'optional'
  /** NODE_ENV=development or test: introspection and field suggestions on */
  readonly development: boolean
}

export interface TemporalConfig {
  readonly address: string
  readonly namespace: string
  /** false: this process serves no activities (e.g. a read-only replica) */
  readonly activityWorker: boolean
}

export function readTemporalConfig(env: Env = process.env): TemporalConfig {
  return {
    address: env.TEMPORAL_ADDRESS ?? '127.0.0.1:7233',
    namespace: env.TEMPORAL_NAMESPACE ?? 'default',
    activityWorker: readBool(env, 'ACTIVITY_WORKER', true),
  }
}

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent'
const LOG_LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error', 'silent']

export function readLogLevel(env: Env): LogLevel {
  const raw = (env.LOG_LEVEL ?? 'info') as LogLevel
  if (!LOG_LEVELS.includes(raw)) throw new ConfigError(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}`)
  return raw
}

/**
 * `<SERVICE>_DATABASE_URL`, else `DATABASE_URL`; the embedded Postgres (a public password) only in
 * development mode, or for the façade, which opens no database.
 */
function readDatabaseUrl(service: SubgraphName, env: Env): string {
  const url = env[envKey(service, 'DATABASE_URL')] ?? env.DATABASE_URL
  if (url !== undefined) return url
  if (!isDevelopment(env) && service !== 'facade') {
    throw new ConfigError(
      `DATABASE_URL (or ${envKey(service, 'DATABASE_URL')}) must be set outside development mode (the default is the embedded development Postgres)`,
    )
  }
  return databaseUrlFor(service, env)
}

/** A subgraph's configuration: `<SERVICE>_PORT` / `<SERVICE>_DATABASE_URL` win over `PORT` / `DATABASE_URL`. */
export function readServiceConfig(service: SubgraphName, env: Env = process.env): ServiceConfig {
  return {
    service,
    port: readInt(env, envKey(service, 'PORT'), readInt(env, 'PORT', DEFAULT_PORTS[service], 0, 65535), 0, 65535),
    host: env.HOST ?? '127.0.0.1',
    databaseUrl: readDatabaseUrl(service, env),
    databasePoolSize: readInt(env, 'DATABASE_POOL_SIZE', 10, 1, 200),
    databaseWritePoolSize: readInt(env, 'DATABASE_WRITE_POOL_SIZE', 5, 1, 200),
    databaseAcquireTimeoutMs: readInt(env, 'DATABASE_ACQUIRE_TIMEOUT_MS', 2_000, 1, 60_000),
    statementTimeoutMs: readInt(env, 'DATABASE_STATEMENT_TIMEOUT_MS', 5_000, 100, 600_000),
    redisUrl: env.REDIS_URL || undefined,
    gatewaySecret: readSecret(env, 'GATEWAY_SECRET', DEV_GATEWAY_SECRET),
    jwtSecret: secretsOf(service).includes('JWT_SECRET') ? readSecret(env, 'JWT_SECRET', DEV_JWT_SECRET) : null,
    migrateOnStart: readBool(env, 'MIGRATE_ON_START', true),
    logLevel: readLogLevel(env),
    temporal: readTemporalConfig(env),
    batchLoads: readBool(env, 'BATCH_LOADS', true),
    entityCache: readChoice(env, 'ENTITY_CACHE', ['off', 'shared', 'full'] as const, 'full'),
    gatewaySignature: readChoice(env, 'GATEWAY_SIGNATURE', ['required', 'optional'] as const, 'required'),
    development: isDevelopment(env),
  }
}

export function readChoice<T extends string>(env: Env, key: string, choices: readonly T[], fallback: T): T {
  const raw = env[key]
  if (raw === undefined || raw === '') return fallback
  if (!(choices as readonly string[]).includes(raw)) throw new ConfigError(`${key} must be one of ${choices.join(', ')}, got "${raw}"`)
  return raw as T
}

export interface GatewayConfig {
  readonly port: number
  readonly host: string
  readonly gatewaySecret: string
  readonly jwtSecret: string
  readonly subgraphUrls: Readonly<Record<string, string | undefined>>
  readonly logLevel: LogLevel
  readonly maxDepth: number
  readonly maxAliases: number
  readonly maxTokens: number
  /** the query text's length in bytes: refused before it is parsed */
  readonly maxQueryBytes: number
  /** fields times the sizes of the lists around them, plus a weight per subgraph fetch (gateway/src/cost.ts) */
  readonly maxCost: number
  /** a gateway→subgraph call that has not answered by then is abandoned */
  readonly subgraphTimeoutMs: number
  /** a client request still running by then is answered with an error and its subgraph calls abandoned */
  readonly requestTimeoutMs: number
  readonly redisUrl: string | undefined
  /** whole responses to public queries, kept in Redis and shared by every gateway process */
  readonly responseCache: boolean
  readonly responseCacheTtlSeconds: number
  readonly responseCacheMaxKeysPerTag: number
  /** gateway processes sharing the port (node:cluster); 1: no cluster */
  readonly workers: number
  /** browser origins allowed to call the gateway (CORS); a port may be `*` */
  readonly corsOrigins: readonly string[]
  readonly corsMaxAgeSeconds: number
  /** how long an automatic persisted query stays registered (kept in Redis when there is one) */
  readonly persistedQueryTtlSeconds: number
  /** off outside development mode: no introspection, no "Did you mean" suggestions */
  readonly development: boolean
  /** /metrics is served here (not on the public port); 0: a free port */
  readonly metricsPort: number
  readonly metricsHost: string
  /** take the client address from X-Forwarded-For (only behind a proxy that sets it) */
  readonly trustProxy: boolean
  readonly loginAttemptsPerAddress: RateLimit
  readonly registrationsPerAddress: RateLimit
}

/** At most `limit` events per `windowSeconds` (a fixed window, counted in Redis when there is one). */
export interface RateLimit {
  readonly limit: number
  readonly windowSeconds: number
}

/**
 * A rate limit's settings. Per-address limits are generous in development (the tests and the
 * benchmark sign in and register hundreds of users from 127.0.0.1).
 */
export function readRateLimit(env: Env, key: string, windowKey: string, fallback: RateLimit): RateLimit {
  return {
    limit: readInt(env, key, fallback.limit, 1, 1_000_000),
    windowSeconds: readInt(env, windowKey, fallback.windowSeconds, 1, 86_400),
  }
}

// any port of this machine's own names: a frontend's dev server calling the local gateway
export const DEV_CORS_ORIGINS: readonly string[] = ['localhost', '127.0.0.1', '[::1]'].flatMap((host) => [
  `http://${host}:*`,
  `https://${host}:*`,
])

const ORIGIN_PATTERN = /^https?:\/\/(\[[0-9a-f:]+\]|[a-z0-9.-]+)(:(\d{1,5}|\*))?$/i

/**
 * CORS_ORIGINS: a comma-separated list of origins (`https://app.example.com`, a port may be `*`),
 * `*` for any origin, or `none`. Default: any localhost origin in development, none in production.
 */
export function readCorsOrigins(env: Env): readonly string[] {
  const raw = env.CORS_ORIGINS?.trim()
  if (!raw) return isDevelopment(env) ? DEV_CORS_ORIGINS : []
  if (raw === 'none') return []
  const origins = raw
    .split(',')
    .map((origin) => origin.trim().replace(/\/$/, '').toLowerCase())
    .filter(Boolean)
  for (const origin of origins) {
    if (origin !== '*' && !ORIGIN_PATTERN.test(origin)) {
      throw new ConfigError(`CORS_ORIGINS: "${origin}" is not an origin (scheme://host[:port], the port may be *), "*" or "none"`)
    }
  }
  return origins
}

/** `SUBGRAPH_<NAME>_URL` overrides a routing_url of supergraph.yaml. */
export function readGatewayConfig(env: Env = process.env): GatewayConfig {
  const subgraphUrls: Record<string, string | undefined> = {}
  for (const [key, value] of Object.entries(env)) {
    const match = /^SUBGRAPH_([A-Z0-9_]+)_URL$/.exec(key)
    if (match?.[1] && value) subgraphUrls[match[1].toLowerCase()] = value
  }
  return {
    port: readInt(env, 'GATEWAY_PORT', readInt(env, 'PORT', DEFAULT_PORTS.gateway, 0, 65535), 0, 65535),
    host: env.HOST ?? '127.0.0.1',
    gatewaySecret: readSecret(env, 'GATEWAY_SECRET', DEV_GATEWAY_SECRET),
    jwtSecret: readSecret(env, 'JWT_SECRET', DEV_JWT_SECRET),
    subgraphUrls,
    logLevel: readLogLevel(env),
    maxDepth: readInt(env, 'MAX_QUERY_DEPTH', 12, 1, 100),
    maxAliases: readInt(env, 'MAX_QUERY_ALIASES', 30, 0, 1000),
    maxTokens: readInt(env, 'MAX_QUERY_TOKENS', 2000, 50, 100000),
    maxQueryBytes: readInt(env, 'MAX_QUERY_BYTES', 32 * 1024, 1024, 1024 * 1024),
    maxCost: readInt(env, 'MAX_QUERY_COST', 100_000, 1, 100_000_000),
    // above the façade's MUTATION_WAIT_MS (20 s): a mutation waits that long for its run
    subgraphTimeoutMs: readInt(env, 'SUBGRAPH_TIMEOUT_MS', 25_000, 100, 600_000),
    requestTimeoutMs: readInt(env, 'REQUEST_TIMEOUT_MS', 30_000, 100, 600_000),
    redisUrl: env.REDIS_URL || undefined,
    responseCache: readBool(env, 'RESPONSE_CACHE', true),
    responseCacheTtlSeconds: readInt(env, 'RESPONSE_CACHE_TTL_SECONDS', 300, 1, 86_400),
    responseCacheMaxKeysPerTag: readInt(env, 'RESPONSE_CACHE_MAX_KEYS_PER_TAG', 10_000, 1, 10_000_000),
    workers: readInt(env, 'GATEWAY_WORKERS', 1, 1, 64),
    corsOrigins: readCorsOrigins(env),
    corsMaxAgeSeconds: readInt(env, 'CORS_MAX_AGE_SECONDS', 600, 0, 86_400),
    persistedQueryTtlSeconds: readInt(env, 'PERSISTED_QUERY_TTL_SECONDS', 86_400, 60, 30 * 86_400),
    development: isDevelopment(env),
    metricsPort: readInt(env, 'METRICS_PORT', DEFAULT_METRICS_PORT, 0, 65535),
    metricsHost: env.METRICS_HOST || '127.0.0.1',
    trustProxy: readBool(env, 'TRUST_PROXY', false),
    loginAttemptsPerAddress: readRateLimit(env, 'LOGIN_ATTEMPTS_PER_ADDRESS', 'LOGIN_ATTEMPT_WINDOW_SECONDS', {
      limit: isDevelopment(env) ? 100_000 : 100,
      windowSeconds: 900,
    }),
    registrationsPerAddress: readRateLimit(env, 'REGISTRATIONS_PER_ADDRESS', 'REGISTRATION_WINDOW_SECONDS', {
      limit: isDevelopment(env) ? 100_000 : 10,
      windowSeconds: 3600,
    }),
  }
}

/**
 * LOG_FORMAT: `json` (one object per line, the default) or `pretty` (readable). Unset: pretty only
 * for a development terminal (NODE_ENV=development and stdout a TTY).
 */
export function readLogFormat(env: Env, isTTY: boolean = process.stdout.isTTY === true): 'json' | 'pretty' {
  return readChoice(env, 'LOG_FORMAT', ['json', 'pretty'] as const, env.NODE_ENV === 'development' && isTTY ? 'pretty' : 'json')
}

/** TEMPORAL_LOG_LEVEL: the Temporal SDK's and core's own logs from this level up (WARN: below, they are noisy). */
export function readTemporalLogLevel(env: Env): 'TRACE' | 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' {
  const raw = env.TEMPORAL_LOG_LEVEL?.toUpperCase()
  return readChoice({ TEMPORAL_LOG_LEVEL: raw }, 'TEMPORAL_LOG_LEVEL', ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR'] as const, 'WARN')
}
