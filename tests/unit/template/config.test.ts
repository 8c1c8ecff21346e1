import {
  ConfigError,
  DEFAULT_METRICS_PORT,
  DEFAULT_PORTS,
  DEV_GATEWAY_SECRET,
  DEV_JWT_SECRET,
  SERVICE_NAMES,
  databaseUrlFor,
  isDevelopment,
  readBool,
  readGatewayConfig,
  readInt,
  readServiceConfig,
  type Env,
} from '../../../packages/service-template/src/config'
import { SERVICES } from '@marketplace/services'
import { thrownBy } from './helpers'

/** Development mode is explicit (NODE_ENV=development or test): without it the public secrets are refused. */
const dev = (env: Env): Env => ({ NODE_ENV: 'test', ...env })

const STRONG = { GATEWAY_SECRET: 'a-production-gateway-secret', JWT_SECRET: 'a-production-jwt-secret-value' }
const DB = { DATABASE_URL: 'postgres://app:a-real-password@db.internal:5432/app' }

function expectConfigError(fn: () => unknown, variable: string): void {
  const error = thrownBy(fn)
  expect(error).toBeInstanceOf(ConfigError)
  expect((error as ConfigError).name).toBe('ConfigError')
  expect((error as ConfigError).message).toMatch(new RegExp(`^${variable}\\b`))
}

describe('readServiceConfig', () => {
  it('has development defaults', () => {
    // toMatchObject: other settings may be added; these must keep their defaults
    expect(readServiceConfig('users', dev({}))).toMatchObject({
      service: 'users',
      port: 4001,
      host: '127.0.0.1',
      databaseUrl: 'postgres://postgres:postgres@127.0.0.1:54320/users',
      databasePoolSize: 10,
      redisUrl: undefined,
      gatewaySecret: DEV_GATEWAY_SECRET,
      jwtSecret: DEV_JWT_SECRET,
      migrateOnStart: true,
      logLevel: 'info',
    })
    expect(readServiceConfig('users', dev({})).redisUrl).toBeUndefined()
  })

  it('defaults the port per service and the database per service', () => {
    // the five services of the contract keep their ports; a service added later takes its own from the registry
    expect(SERVICE_NAMES.slice(0, 5)).toEqual(['users', 'comments', 'reviews', 'catalog', 'merchants'])
    const expected: Record<string, number> = { users: 4001, comments: 4002, reviews: 4003, catalog: 4004, merchants: 4005 }
    for (const entry of SERVICES) {
      const config = readServiceConfig(entry.name, dev({}))
      expect(config.port).toBe(expected[entry.name] ?? entry.port)
      expect(config.port).toBe(DEFAULT_PORTS[entry.name])
      expect(config.databaseUrl).toBe(`postgres://postgres:postgres@127.0.0.1:54320/${entry.database}`)
      // only the service that issues tokens holds the JWT secret
      expect(config.jwtSecret !== null).toBe(entry.name === 'users')
    }
    expect(DEFAULT_PORTS.gateway).toBe(4000)
  })

  it('puts EMBEDDED_PG_PORT in the default database URL', () => {
    expect(readServiceConfig('comments', dev({ EMBEDDED_PG_PORT: '55555' })).databaseUrl).toBe(
      'postgres://postgres:postgres@127.0.0.1:55555/comments',
    )
    expect(databaseUrlFor('reviews', { EMBEDDED_PG_PORT: '6000' })).toBe('postgres://postgres:postgres@127.0.0.1:6000/reviews')
  })

  it('uses PORT, and <SERVICE>_PORT beats PORT', () => {
    expect(readServiceConfig('users', dev({ PORT: '5000' })).port).toBe(5000)
    expect(readServiceConfig('users', dev({ PORT: '5000', USERS_PORT: '5001' })).port).toBe(5001)
    expect(readServiceConfig('users', dev({ USERS_PORT: '5001' })).port).toBe(5001)
    // another service's variable does not apply
    expect(readServiceConfig('users', dev({ COMMENTS_PORT: '5002' })).port).toBe(4001)
    expect(readServiceConfig('users', dev({ USERS_PORT: '0' })).port).toBe(0)
  })

  it('uses DATABASE_URL, and <SERVICE>_DATABASE_URL beats DATABASE_URL (and EMBEDDED_PG_PORT)', () => {
    const shared = 'postgres://app:pw@db:5432/shared'
    const own = 'postgres://app:pw@db:5432/catalog_prod'
    expect(readServiceConfig('catalog', dev({ DATABASE_URL: shared })).databaseUrl).toBe(shared)
    expect(readServiceConfig('catalog', dev({ DATABASE_URL: shared, CATALOG_DATABASE_URL: own })).databaseUrl).toBe(own)
    expect(readServiceConfig('catalog', dev({ CATALOG_DATABASE_URL: own, EMBEDDED_PG_PORT: '1' })).databaseUrl).toBe(own)
    expect(readServiceConfig('users', dev({ CATALOG_DATABASE_URL: own })).databaseUrl).toContain('/users')
  })

  it('reads the other settings', () => {
    const config = readServiceConfig(
      'merchants',
      dev({
        HOST: '0.0.0.0',
        DATABASE_POOL_SIZE: '25',
        REDIS_URL: 'redis://cache:6379',
        MIGRATE_ON_START: 'false',
        LOG_LEVEL: 'warn',
        ...STRONG,
      }),
    )
    expect(config).toMatchObject({
      host: '0.0.0.0',
      databasePoolSize: 25,
      redisUrl: 'redis://cache:6379',
      migrateOnStart: false,
      logLevel: 'warn',
      gatewaySecret: STRONG.GATEWAY_SECRET,
      jwtSecret: null,
    })
    expect(readServiceConfig('users', dev({ REDIS_URL: '' })).redisUrl).toBeUndefined()
  })

  it.each<[string, Env]>([
    ['PORT', { PORT: 'abc' }],
    ['PORT', { PORT: '70000' }],
    ['PORT', { PORT: '-1' }],
    ['USERS_PORT', { USERS_PORT: '80.5' }],
    ['USERS_PORT', { USERS_PORT: '65536' }],
    ['DATABASE_POOL_SIZE', { DATABASE_POOL_SIZE: '0' }],
    ['DATABASE_POOL_SIZE', { DATABASE_POOL_SIZE: 'ten' }],
    ['MIGRATE_ON_START', { MIGRATE_ON_START: 'maybe' }],
    ['LOG_LEVEL', { LOG_LEVEL: 'loud' }],
  ])('throws a ConfigError naming %s for %j', (variable, env) => {
    expectConfigError(() => readServiceConfig('users', dev(env)), variable)
  })

  it('refuses the development secrets in production', () => {
    expectConfigError(() => readServiceConfig('users', { ...DB, NODE_ENV: 'production' }), 'GATEWAY_SECRET')
    expectConfigError(
      () => readServiceConfig('users', { ...DB, NODE_ENV: 'production', GATEWAY_SECRET: STRONG.GATEWAY_SECRET }),
      'JWT_SECRET',
    )
    expectConfigError(() => readServiceConfig('users', { ...DB, NODE_ENV: 'production', JWT_SECRET: STRONG.JWT_SECRET }), 'GATEWAY_SECRET')
    // explicitly set to the public value is no better
    expectConfigError(
      () =>
        readServiceConfig('users', { ...DB, NODE_ENV: 'production', GATEWAY_SECRET: DEV_GATEWAY_SECRET, JWT_SECRET: STRONG.JWT_SECRET }),
      'GATEWAY_SECRET',
    )
    expectConfigError(
      () =>
        readServiceConfig('users', { ...DB, NODE_ENV: 'production', GATEWAY_SECRET: STRONG.GATEWAY_SECRET, JWT_SECRET: DEV_JWT_SECRET }),
      'JWT_SECRET',
    )
    expect(readServiceConfig('users', { ...DB, NODE_ENV: 'production', ...STRONG }).jwtSecret).toBe(STRONG.JWT_SECRET)
    // outside production the defaults are fine
    expect(readServiceConfig('users', { ...DB, NODE_ENV: 'development' }).gatewaySecret).toBe(DEV_GATEWAY_SECRET)
  })

  it('fails closed: outside development mode (NODE_ENV unset or anything but development/test) the public secrets are refused', () => {
    for (const NODE_ENV of [undefined, '', 'staging', 'prod', 'Development']) {
      expectConfigError(() => readServiceConfig('comments', { ...DB, NODE_ENV }), 'GATEWAY_SECRET')
      expectConfigError(() => readServiceConfig('users', { ...DB, NODE_ENV, GATEWAY_SECRET: STRONG.GATEWAY_SECRET }), 'JWT_SECRET')
      expectConfigError(() => readGatewayConfig({ NODE_ENV }), 'GATEWAY_SECRET')
    }
    expect(thrownBy(() => readServiceConfig('comments', { ...DB }))).toHaveProperty('message', expect.stringContaining('development'))
    for (const NODE_ENV of ['development', 'test']) {
      expect(isDevelopment({ NODE_ENV })).toBe(true)
      expect(readServiceConfig('users', { ...DB, NODE_ENV })).toMatchObject({
        gatewaySecret: DEV_GATEWAY_SECRET,
        jwtSecret: DEV_JWT_SECRET,
        development: true,
      })
    }
    expect(isDevelopment({})).toBe(false)
    expect(isDevelopment({ NODE_ENV: 'production' })).toBe(false)
    expect(readServiceConfig('comments', { ...DB, GATEWAY_SECRET: STRONG.GATEWAY_SECRET }).development).toBe(false)
  })

  it('outside development mode a service needs its database URL (no default to the embedded Postgres); the façade opens none', () => {
    for (const service of SERVICE_NAMES) {
      expectConfigError(() => readServiceConfig(service, { NODE_ENV: 'production', ...STRONG }), 'DATABASE_URL')
      expect(readServiceConfig(service, { NODE_ENV: 'production', ...STRONG, ...DB }).databaseUrl).toBe(DB.DATABASE_URL)
      const own = `${service.toUpperCase()}_DATABASE_URL`
      expect(readServiceConfig(service, { NODE_ENV: 'production', ...STRONG, [own]: 'postgres://x@y/z' }).databaseUrl).toBe(
        'postgres://x@y/z',
      )
    }
    expect(readServiceConfig('facade', { NODE_ENV: 'production', GATEWAY_SECRET: STRONG.GATEWAY_SECRET }).databaseUrl).toBeDefined()
  })

  it('only the users service reads JWT_SECRET (it issues tokens); the others neither need nor keep it', () => {
    for (const service of ['comments', 'reviews', 'catalog', 'merchants', 'facade'] as const) {
      const config = readServiceConfig(service, { ...DB, NODE_ENV: 'production', GATEWAY_SECRET: STRONG.GATEWAY_SECRET })
      expect(config.jwtSecret).toBeNull()
      // not read at all: even an invalid value is ignored
      expect(readServiceConfig(service, dev({ JWT_SECRET: 'tiny' })).jwtSecret).toBeNull()
    }
    expectConfigError(
      () => readServiceConfig('users', { ...DB, NODE_ENV: 'production', GATEWAY_SECRET: STRONG.GATEWAY_SECRET }),
      'JWT_SECRET',
    )
  })

  it('refuses secrets shorter than 16 characters', () => {
    expectConfigError(() => readServiceConfig('users', dev({ GATEWAY_SECRET: 'short' })), 'GATEWAY_SECRET')
    expectConfigError(() => readServiceConfig('users', dev({ JWT_SECRET: 'x'.repeat(15) })), 'JWT_SECRET')
    expectConfigError(() => readServiceConfig('users', dev({ JWT_SECRET: '' })), 'JWT_SECRET')
    expect(readServiceConfig('users', dev({ JWT_SECRET: 'x'.repeat(16) })).jwtSecret).toBe('x'.repeat(16))
    expect(thrownBy(() => readServiceConfig('users', dev({ GATEWAY_SECRET: 'short' })))).toHaveProperty(
      'message',
      expect.stringContaining('16'),
    )
  })
})

describe('readInt / readBool', () => {
  it('reads integers in range, falls back on unset or empty', () => {
    expect(readInt({ N: '7' }, 'N', 1)).toBe(7)
    expect(readInt({}, 'N', 1)).toBe(1)
    expect(readInt({ N: '' }, 'N', 1)).toBe(1)
    expectConfigError(() => readInt({ N: '7' }, 'N', 1, 10, 20), 'N')
    expectConfigError(() => readInt({ N: '1e400' }, 'N', 1), 'N')
  })

  it('reads booleans', () => {
    for (const yes of ['1', 'true', 'TRUE', 'yes', 'on']) expect(readBool({ B: yes }, 'B', false)).toBe(true)
    for (const no of ['0', 'false', 'No', 'off']) expect(readBool({ B: no }, 'B', true)).toBe(false)
    expect(readBool({}, 'B', true)).toBe(true)
    expectConfigError(() => readBool({ B: '2' }, 'B', true), 'B')
  })
})

describe('readGatewayConfig', () => {
  it('has development defaults', () => {
    expect(readGatewayConfig(dev({}))).toMatchObject({
      port: 4000,
      host: '127.0.0.1',
      gatewaySecret: DEV_GATEWAY_SECRET,
      jwtSecret: DEV_JWT_SECRET,
      subgraphUrls: {},
      logLevel: 'info',
      maxDepth: 12,
      maxAliases: 30,
      maxTokens: 2000,
    })
    expect(readGatewayConfig(dev({})).subgraphUrls).toEqual({})
  })

  it('collects SUBGRAPH_<NAME>_URL overrides (lower-cased names, empty values ignored)', () => {
    const config = readGatewayConfig(
      dev({
        SUBGRAPH_USERS_URL: 'http://users:4001/graphql',
        SUBGRAPH_CATALOG_URL: 'http://catalog:4004/graphql',
        SUBGRAPH_REVIEWS_URL: '',
        SUBGRAPH_URL: 'http://nowhere/graphql',
        USERS_URL: 'http://nowhere/graphql',
        subgraph_comments_url: 'http://nowhere/graphql',
      }),
    )
    expect(config.subgraphUrls).toEqual({
      users: 'http://users:4001/graphql',
      catalog: 'http://catalog:4004/graphql',
    })
  })

  it('GATEWAY_PORT beats PORT; limits are configurable and validated', () => {
    expect(readGatewayConfig(dev({ PORT: '8080' })).port).toBe(8080)
    expect(readGatewayConfig(dev({ PORT: '8080', GATEWAY_PORT: '9090' })).port).toBe(9090)
    expect(readGatewayConfig(dev({ MAX_QUERY_DEPTH: '5', MAX_QUERY_ALIASES: '0', MAX_QUERY_TOKENS: '500' }))).toMatchObject({
      maxDepth: 5,
      maxAliases: 0,
      maxTokens: 500,
    })
    expectConfigError(() => readGatewayConfig(dev({ MAX_QUERY_DEPTH: '0' })), 'MAX_QUERY_DEPTH')
    expectConfigError(() => readGatewayConfig(dev({ MAX_QUERY_TOKENS: '10' })), 'MAX_QUERY_TOKENS')
    expectConfigError(() => readGatewayConfig(dev({ GATEWAY_PORT: 'x' })), 'GATEWAY_PORT')
  })

  it('applies the same secret rules', () => {
    expectConfigError(() => readGatewayConfig({ NODE_ENV: 'production' }), 'GATEWAY_SECRET')
    expectConfigError(() => readGatewayConfig({ NODE_ENV: 'production', GATEWAY_SECRET: STRONG.GATEWAY_SECRET }), 'JWT_SECRET')
    expectConfigError(() => readGatewayConfig(dev({ JWT_SECRET: 'tiny' })), 'JWT_SECRET')
    expect(readGatewayConfig({ NODE_ENV: 'production', ...STRONG }).gatewaySecret).toBe(STRONG.GATEWAY_SECRET)
  })

  it('serves /metrics on its own port (127.0.0.1 by default), never on the public one', () => {
    expect(readGatewayConfig(dev({}))).toMatchObject({ metricsPort: DEFAULT_METRICS_PORT, metricsHost: '127.0.0.1' })
    expect(readGatewayConfig(dev({ METRICS_PORT: '0', METRICS_HOST: '10.0.0.5' }))).toMatchObject({
      metricsPort: 0,
      metricsHost: '10.0.0.5',
    })
    expectConfigError(() => readGatewayConfig(dev({ METRICS_PORT: 'x' })), 'METRICS_PORT')
  })

  it('rate limits per address: tight outside development, generous in it (the tests sign in hundreds of users), configurable', () => {
    const production = readGatewayConfig({ NODE_ENV: 'production', ...STRONG })
    expect(production).toMatchObject({
      trustProxy: false,
      development: false,
      loginAttemptsPerAddress: { limit: 100, windowSeconds: 900 },
      registrationsPerAddress: { limit: 10, windowSeconds: 3600 },
    })
    expect(readGatewayConfig(dev({})).loginAttemptsPerAddress.limit).toBeGreaterThanOrEqual(10_000)
    expect(readGatewayConfig(dev({})).registrationsPerAddress.limit).toBeGreaterThanOrEqual(10_000)
    expect(
      readGatewayConfig(
        dev({
          LOGIN_ATTEMPTS_PER_ADDRESS: '5',
          LOGIN_ATTEMPT_WINDOW_SECONDS: '60',
          REGISTRATIONS_PER_ADDRESS: '2',
          REGISTRATION_WINDOW_SECONDS: '120',
          TRUST_PROXY: 'true',
        }),
      ),
    ).toMatchObject({
      trustProxy: true,
      loginAttemptsPerAddress: { limit: 5, windowSeconds: 60 },
      registrationsPerAddress: { limit: 2, windowSeconds: 120 },
    })
    expectConfigError(() => readGatewayConfig(dev({ LOGIN_ATTEMPTS_PER_ADDRESS: '0' })), 'LOGIN_ATTEMPTS_PER_ADDRESS')
    expectConfigError(() => readGatewayConfig(dev({ REGISTRATION_WINDOW_SECONDS: 'hour' })), 'REGISTRATION_WINDOW_SECONDS')
  })
})
