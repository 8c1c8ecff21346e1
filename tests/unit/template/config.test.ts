import {
  ConfigError,
  DEFAULT_PORTS,
  DEV_GATEWAY_SECRET,
  DEV_JWT_SECRET,
  SERVICE_NAMES,
  databaseUrlFor,
  readBool,
  readGatewayConfig,
  readInt,
  readServiceConfig,
  type Env,
} from '../../../packages/service-template/src/config'
import { thrownBy } from './helpers'

const STRONG = { GATEWAY_SECRET: 'a-production-gateway-secret', JWT_SECRET: 'a-production-jwt-secret-value' }

function expectConfigError(fn: () => unknown, variable: string): void {
  const error = thrownBy(fn)
  expect(error).toBeInstanceOf(ConfigError)
  expect((error as ConfigError).name).toBe('ConfigError')
  expect((error as ConfigError).message).toMatch(new RegExp(`^${variable}\\b`))
}

describe('readServiceConfig', () => {
  it('has development defaults', () => {
    // toMatchObject: other settings may be added; these must keep their defaults
    expect(readServiceConfig('users', {})).toMatchObject({
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
    expect(readServiceConfig('users', {}).redisUrl).toBeUndefined()
  })

  it('defaults the port per service and the database per service', () => {
    expect(SERVICE_NAMES).toEqual(['users', 'comments', 'reviews', 'catalog', 'merchants'])
    const expected = { users: 4001, comments: 4002, reviews: 4003, catalog: 4004, merchants: 4005 }
    for (const service of SERVICE_NAMES) {
      const config = readServiceConfig(service, {})
      expect(config.port).toBe(expected[service])
      expect(config.port).toBe(DEFAULT_PORTS[service])
      expect(config.databaseUrl).toBe(`postgres://postgres:postgres@127.0.0.1:54320/${service}`)
    }
    expect(DEFAULT_PORTS.gateway).toBe(4000)
  })

  it('puts EMBEDDED_PG_PORT in the default database URL', () => {
    expect(readServiceConfig('comments', { EMBEDDED_PG_PORT: '55555' }).databaseUrl).toBe(
      'postgres://postgres:postgres@127.0.0.1:55555/comments',
    )
    expect(databaseUrlFor('reviews', { EMBEDDED_PG_PORT: '6000' })).toBe('postgres://postgres:postgres@127.0.0.1:6000/reviews')
  })

  it('uses PORT, and <SERVICE>_PORT beats PORT', () => {
    expect(readServiceConfig('users', { PORT: '5000' }).port).toBe(5000)
    expect(readServiceConfig('users', { PORT: '5000', USERS_PORT: '5001' }).port).toBe(5001)
    expect(readServiceConfig('users', { USERS_PORT: '5001' }).port).toBe(5001)
    // another service's variable does not apply
    expect(readServiceConfig('users', { COMMENTS_PORT: '5002' }).port).toBe(4001)
    expect(readServiceConfig('users', { USERS_PORT: '0' }).port).toBe(0)
  })

  it('uses DATABASE_URL, and <SERVICE>_DATABASE_URL beats DATABASE_URL (and EMBEDDED_PG_PORT)', () => {
    const shared = 'postgres://app:pw@db:5432/shared'
    const own = 'postgres://app:pw@db:5432/catalog_prod'
    expect(readServiceConfig('catalog', { DATABASE_URL: shared }).databaseUrl).toBe(shared)
    expect(readServiceConfig('catalog', { DATABASE_URL: shared, CATALOG_DATABASE_URL: own }).databaseUrl).toBe(own)
    expect(readServiceConfig('catalog', { CATALOG_DATABASE_URL: own, EMBEDDED_PG_PORT: '1' }).databaseUrl).toBe(own)
    expect(readServiceConfig('users', { CATALOG_DATABASE_URL: own }).databaseUrl).toContain('/users')
  })

  it('reads the other settings', () => {
    const config = readServiceConfig('merchants', {
      HOST: '0.0.0.0',
      DATABASE_POOL_SIZE: '25',
      REDIS_URL: 'redis://cache:6379',
      MIGRATE_ON_START: 'false',
      LOG_LEVEL: 'warn',
      ...STRONG,
    })
    expect(config).toMatchObject({
      host: '0.0.0.0',
      databasePoolSize: 25,
      redisUrl: 'redis://cache:6379',
      migrateOnStart: false,
      logLevel: 'warn',
      gatewaySecret: STRONG.GATEWAY_SECRET,
      jwtSecret: STRONG.JWT_SECRET,
    })
    expect(readServiceConfig('users', { REDIS_URL: '' }).redisUrl).toBeUndefined()
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
    expectConfigError(() => readServiceConfig('users', env), variable)
  })

  it('refuses the development secrets in production', () => {
    expectConfigError(() => readServiceConfig('users', { NODE_ENV: 'production' }), 'GATEWAY_SECRET')
    expectConfigError(
      () => readServiceConfig('users', { NODE_ENV: 'production', GATEWAY_SECRET: STRONG.GATEWAY_SECRET }),
      'JWT_SECRET',
    )
    expectConfigError(
      () => readServiceConfig('users', { NODE_ENV: 'production', JWT_SECRET: STRONG.JWT_SECRET }),
      'GATEWAY_SECRET',
    )
    // explicitly set to the public value is no better
    expectConfigError(
      () => readServiceConfig('users', { NODE_ENV: 'production', GATEWAY_SECRET: DEV_GATEWAY_SECRET, JWT_SECRET: STRONG.JWT_SECRET }),
      'GATEWAY_SECRET',
    )
    expectConfigError(
      () => readServiceConfig('users', { NODE_ENV: 'production', GATEWAY_SECRET: STRONG.GATEWAY_SECRET, JWT_SECRET: DEV_JWT_SECRET }),
      'JWT_SECRET',
    )
    expect(readServiceConfig('users', { NODE_ENV: 'production', ...STRONG }).jwtSecret).toBe(STRONG.JWT_SECRET)
    // outside production the defaults are fine
    expect(readServiceConfig('users', { NODE_ENV: 'development' }).gatewaySecret).toBe(DEV_GATEWAY_SECRET)
  })

  it('refuses secrets shorter than 16 characters', () => {
    expectConfigError(() => readServiceConfig('users', { GATEWAY_SECRET: 'short' }), 'GATEWAY_SECRET')
    expectConfigError(() => readServiceConfig('users', { JWT_SECRET: 'x'.repeat(15) }), 'JWT_SECRET')
    expectConfigError(() => readServiceConfig('users', { JWT_SECRET: '' }), 'JWT_SECRET')
    expect(readServiceConfig('users', { JWT_SECRET: 'x'.repeat(16) }).jwtSecret).toBe('x'.repeat(16))
    expect(thrownBy(() => readServiceConfig('users', { GATEWAY_SECRET: 'short' }))).toHaveProperty(
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
    expect(readGatewayConfig({})).toMatchObject({
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
    expect(readGatewayConfig({}).subgraphUrls).toEqual({})
  })

  it('collects SUBGRAPH_<NAME>_URL overrides (lower-cased names, empty values ignored)', () => {
    const config = readGatewayConfig({
      SUBGRAPH_USERS_URL: 'http://users:4001/graphql',
      SUBGRAPH_CATALOG_URL: 'http://catalog:4004/graphql',
      SUBGRAPH_REVIEWS_URL: '',
      SUBGRAPH_URL: 'http://nowhere/graphql',
      USERS_URL: 'http://nowhere/graphql',
      subgraph_comments_url: 'http://nowhere/graphql',
    })
    expect(config.subgraphUrls).toEqual({
      users: 'http://users:4001/graphql',
      catalog: 'http://catalog:4004/graphql',
    })
  })

  it('GATEWAY_PORT beats PORT; limits are configurable and validated', () => {
    expect(readGatewayConfig({ PORT: '8080' }).port).toBe(8080)
    expect(readGatewayConfig({ PORT: '8080', GATEWAY_PORT: '9090' }).port).toBe(9090)
    expect(readGatewayConfig({ MAX_QUERY_DEPTH: '5', MAX_QUERY_ALIASES: '0', MAX_QUERY_TOKENS: '500' })).toMatchObject({
      maxDepth: 5,
      maxAliases: 0,
      maxTokens: 500,
    })
    expectConfigError(() => readGatewayConfig({ MAX_QUERY_DEPTH: '0' }), 'MAX_QUERY_DEPTH')
    expectConfigError(() => readGatewayConfig({ MAX_QUERY_TOKENS: '10' }), 'MAX_QUERY_TOKENS')
    expectConfigError(() => readGatewayConfig({ GATEWAY_PORT: 'x' }), 'GATEWAY_PORT')
  })

  it('applies the same secret rules', () => {
    expectConfigError(() => readGatewayConfig({ NODE_ENV: 'production' }), 'GATEWAY_SECRET')
    expectConfigError(() => readGatewayConfig({ NODE_ENV: 'production', GATEWAY_SECRET: STRONG.GATEWAY_SECRET }), 'JWT_SECRET')
    expectConfigError(() => readGatewayConfig({ JWT_SECRET: 'tiny' }), 'JWT_SECRET')
    expect(readGatewayConfig({ NODE_ENV: 'production', ...STRONG }).gatewaySecret).toBe(STRONG.GATEWAY_SECRET)
  })
})
