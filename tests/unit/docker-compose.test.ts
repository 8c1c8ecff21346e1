// Static checks of the production stack (docker-compose.yml, Dockerfile, .dockerignore and the
// Postgres init script). No Docker engine is needed: the files are parsed and cross-checked
// against what the code expects (service names, ports, environment variables).

import { GATEWAY_MAX_OLD_SPACE_MB } from '../../scripts/lib/services'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parse } from 'yaml'
import {
  DEFAULT_PORTS,
  readCorsOrigins,
  readGatewayConfig,
  readServiceConfig,
  readTemporalConfig,
} from '../../packages/service-template/src/config'
import { readFacadeConfig } from '../../workflows/src/facade/config'
import { SERVICE_NAMES, SERVICES, secretsOf, type ServiceName } from '@marketplace/services'
import { productionCommand } from '../../scripts/lib/production'
import {
  GATEWAY_METRICS_PORT,
  GRAFANA_PORT,
  PROMETHEUS_PORT,
  TEMPORAL_METRICS_PORT,
  TEMPORAL_WORKERS,
  prometheusConfig,
} from '../../scripts/generate/compose'
import { temporalMetricsOptions } from '../../packages/service-template/src/metrics'

const ROOT = join(__dirname, '..', '..')
const COMPOSE_FILE = join(ROOT, 'docker-compose.yml')
const INIT_DIR = join(ROOT, 'docker', 'postgres')
const INIT_MOUNT = '/docker-entrypoint-initdb.d'

// the services as the registry lists them (the compose file is generated from it: `npm run generate`)
const SUBGRAPH_PORTS = Object.fromEntries(SERVICES.map((s) => [s.name, s.port])) as Record<ServiceName, number>
const SUBGRAPHS = SERVICE_NAMES
// The façade subgraph (workflows/): no database, no Redis, starts Temporal workflows.
const FACADE = 'facade'
const FACADE_PORT = 4006
const WORKFLOW_WORKER = 'workflow-worker'
/** Everything the gateway routes to. */
const ROUTED = [...SUBGRAPHS, FACADE] as const
const GATEWAY_PORT = 4000
const TEMPORAL_ADDRESS = 'temporal:7233'
const SECRETS = ['GATEWAY_SECRET', 'JWT_SECRET'] as const
const REQUIRED_SERVICES = ['postgres', 'redis', 'temporal', 'temporal-ui', ...ROUTED, WORKFLOW_WORKER, 'gateway', 'prometheus', 'grafana']

// ---------------------------------------------------------------------------------------------
// Loading and normalising the compose file (both the short and the long syntaxes are accepted)
// ---------------------------------------------------------------------------------------------

type Json = null | boolean | number | string | Json[] | { [key: string]: Json }
type JsonObject = { [key: string]: Json }

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

interface Service {
  readonly name: string
  readonly raw: JsonObject
  readonly image: string | undefined
  readonly hasBuild: boolean
  readonly command: string
  readonly environment: Readonly<Record<string, string>>
  readonly dependsOn: ReadonlyMap<string, string> // service -> condition
  readonly expose: readonly number[]
  readonly ports: readonly { host: number | undefined; hostIp: string | undefined; container: number }[]
  readonly volumes: readonly { source: string; target: string }[]
  readonly healthcheck: string | undefined // the test command as one string
}

function scalar(value: Json | undefined): string {
  if (value === null || value === undefined) return ''
  if (typeof value === 'object') throw new Error(`expected a scalar, got ${JSON.stringify(value)}`)
  return String(value)
}

function asStringList(value: Json | undefined): string[] {
  if (value === undefined || value === null) return []
  if (Array.isArray(value)) return value.map((item) => scalar(item))
  return [scalar(value)]
}

function normaliseEnvironment(value: Json | undefined): Record<string, string> {
  const env: Record<string, string> = {}
  if (Array.isArray(value)) {
    for (const item of value) {
      const entry = scalar(item)
      const eq = entry.indexOf('=')
      if (eq === -1) env[entry] = ''
      else env[entry.slice(0, eq)] = entry.slice(eq + 1)
    }
  } else if (isObject(value)) {
    for (const [key, item] of Object.entries(value)) env[key] = scalar(item)
  }
  return env
}

function normaliseDependsOn(value: Json | undefined): Map<string, string> {
  const deps = new Map<string, string>()
  if (Array.isArray(value)) {
    for (const item of value) deps.set(scalar(item), 'service_started')
  } else if (isObject(value)) {
    for (const [key, item] of Object.entries(value)) {
      deps.set(key, isObject(item) && item.condition !== undefined ? scalar(item.condition) : 'service_started')
    }
  }
  return deps
}

function normalisePorts(value: Json | undefined): Service['ports'] {
  if (!Array.isArray(value)) return []
  return value.map((item) => {
    if (isObject(item)) {
      const published = item.published === undefined ? undefined : Number(scalar(item.published))
      const hostIp = item.host_ip === undefined ? undefined : scalar(item.host_ip)
      return { host: published, hostIp, container: Number(scalar(item.target)) }
    }
    // [ip:][host:]container[/protocol]
    const parts = scalar(item)
      .replace(/\/(tcp|udp)$/, '')
      .split(':')
    const container = Number(parts[parts.length - 1])
    const host = parts.length >= 2 ? Number(parts[parts.length - 2]) : undefined
    const hostIp = parts.length >= 3 ? parts.slice(0, -2).join(':') : undefined
    return { host, hostIp, container }
  })
}

function normaliseVolumes(value: Json | undefined): Service['volumes'] {
  if (!Array.isArray(value)) return []
  return value.map((item) => {
    if (isObject(item)) return { source: scalar(item.source), target: scalar(item.target) }
    const [source = '', target = ''] = scalar(item).split(':')
    return { source, target }
  })
}

function normaliseService(name: string, raw: JsonObject): Service {
  const health = raw.healthcheck
  return {
    name,
    raw,
    image: raw.image === undefined ? undefined : scalar(raw.image),
    hasBuild: raw.build !== undefined,
    command: asStringList(raw.command).join(' '),
    environment: normaliseEnvironment(raw.environment),
    dependsOn: normaliseDependsOn(raw.depends_on),
    expose: asStringList(raw.expose).map(Number),
    ports: normalisePorts(raw.ports),
    volumes: normaliseVolumes(raw.volumes),
    healthcheck: isObject(health) && health.disable !== true ? asStringList(health.test).join(' ') : undefined,
  }
}

const composeText = readFileSync(COMPOSE_FILE, 'utf8')
// `merge: true` resolves the `<<` merge keys of the shared fragments, as Compose does.
const compose: unknown = parse(composeText, { merge: true })
if (!isObject(compose) || !isObject(compose.services)) {
  throw new Error('docker-compose.yml has no services mapping')
}
const rawServices = compose.services
const services = new Map<string, Service>(
  Object.entries(rawServices).map(([name, raw]) => {
    if (!isObject(raw)) throw new Error(`service ${name} is not a mapping`)
    return [name, normaliseService(name, raw)]
  }),
)

function service(name: string): Service {
  const found = services.get(name)
  if (!found) throw new Error(`docker-compose.yml has no service "${name}"`)
  return found
}

/**
 * Compose-style variable interpolation with a fixed environment: `${VAR:?msg}` (required) gets
 * a placeholder, `${VAR:-default}` / `${VAR-default}` its default, `${VAR}` / `$VAR` the given
 * value or "", and `$$` is a literal dollar.
 */
function interpolate(text: string, env: Readonly<Record<string, string>> = {}): string {
  return text.replace(
    /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g,
    (match: string, name?: string, operator?: string, argument?: string, bare?: string) => {
      if (match === '$$') return '$'
      const variable = name ?? bare ?? ''
      const value = env[variable]
      if (operator === undefined) return value ?? ''
      if (operator.endsWith('?')) return value ?? `<required:${variable}>`
      return value === undefined || (operator === ':-' && value === '') ? (argument ?? '') : value
    },
  )
}

function interpolateAll(env: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(env).map(([key, value]) => [key, interpolate(value)]))
}

// /ready: the healthcheck gates `depends_on: service_healthy`, so it asks whether the process can
// serve (its dependencies answer), not merely whether it is alive (/health)
function healthCommand(port: number): RegExp {
  return new RegExp(`^CMD node -e fetch\\('http://127\\.0\\.0\\.1:${port}/ready'\\)`)
}

function url(value: string | undefined, what: string): URL {
  if (value === undefined) throw new Error(`${what} is not set`)
  return new URL(interpolate(value))
}

function urlPort(parsed: URL): number {
  if (parsed.port !== '') return Number(parsed.port)
  const defaults: Record<string, number> = { 'http:': 80, 'https:': 443, 'postgres:': 5432, 'redis:': 6379 }
  return defaults[parsed.protocol] ?? NaN
}

// The databases the init script(s) create.
function initScripts(): { file: string; text: string }[] {
  if (!existsSync(INIT_DIR)) return []
  return readdirSync(INIT_DIR)
    .filter((file) => /\.(sql|sh)$/.test(file))
    .sort()
    .map((file) => ({ file, text: readFileSync(join(INIT_DIR, file), 'utf8') }))
}

function createdDatabases(): Set<string> {
  const names = new Set<string>()
  for (const { text } of initScripts()) {
    const withoutComments = text.replace(/--[^\n]*/g, '')
    for (const match of withoutComments.matchAll(/\bCREATE\s+DATABASE\s+"?([A-Za-z_][A-Za-z0-9_]*)"?/gi)) {
      if (match[1] !== undefined) names.add(match[1])
    }
  }
  return names
}

// ---------------------------------------------------------------------------------------------

describe('docker-compose.yml', () => {
  it('defines every service the code needs', () => {
    for (const name of REQUIRED_SERVICES) expect(services.has(name)).toBe(true)
  })

  it('only depends on services that exist, and waits for health only where a healthcheck exists', () => {
    for (const svc of services.values()) {
      for (const [dependency, condition] of svc.dependsOn) {
        expect({ service: svc.name, dependency, exists: services.has(dependency) }).toEqual({
          service: svc.name,
          dependency,
          exists: true,
        })
        if (condition === 'service_healthy') {
          expect({ dependency, healthcheck: service(dependency).healthcheck !== undefined }).toEqual({
            dependency,
            healthcheck: true,
          })
        }
      }
    }
  })

  it('restarts every long-running service when its process exits', () => {
    for (const svc of services.values()) {
      expect({ service: svc.name, restart: svc.raw.restart }).toEqual({
        service: svc.name,
        restart: expect.stringMatching(/^(unless-stopped|always|on-failure(:\d+)?)$/),
      })
    }
  })

  it('health-checks every service that others wait for or that serves HTTP (all but the Temporal UI and the workflow worker)', () => {
    for (const name of ['postgres', 'redis', 'temporal', ...ROUTED, 'gateway']) {
      expect({ service: name, healthcheck: service(name).healthcheck !== undefined }).toEqual({ service: name, healthcheck: true })
    }
  })

  it('can scale the subgraphs and the façade (no fixed host port), each with WORKERS processes inside', () => {
    for (const name of ROUTED) {
      const svc = service(name)
      expect({ service: name, ports: svc.ports }).toEqual({ service: name, ports: [] })
      expect({ service: name, workers: interpolate(svc.environment.WORKERS ?? '') }).toEqual({ service: name, workers: '1' })
      expect(interpolate(svc.environment.WORKERS ?? '', { SUBGRAPH_WORKERS: '3' })).toBe('3')
    }
    expect(interpolate(service('gateway').environment.GATEWAY_WORKERS ?? '', { GATEWAY_WORKERS: '2' })).toBe('2')
  })

  it('pins every pulled image to a tag (no implicit or explicit :latest)', () => {
    for (const svc of services.values()) {
      expect({ service: svc.name, source: svc.image !== undefined || svc.hasBuild }).toEqual({
        service: svc.name,
        source: true,
      })
      if (svc.image !== undefined && !svc.hasBuild) {
        expect(svc.image).toMatch(/^[^:@]+(:[^:]+|@sha256:[0-9a-f]{64})$/)
        expect(svc.image).not.toMatch(/:latest$/)
      }
    }
  })

  it('never publishes the same host port twice', () => {
    const published = [...services.values()].flatMap((svc) =>
      svc.ports.filter((p) => p.host !== undefined).map((p) => `${p.hostIp ?? '0.0.0.0'}:${p.host}`),
    )
    expect(new Set(published).size).toBe(published.length)
  })

  describe('secrets', () => {
    // each process receives only the secrets it uses: one compromised subgraph cannot mint tokens
    const HOLDERS: Record<(typeof SECRETS)[number], readonly string[]> = {
      GATEWAY_SECRET: [...ROUTED, 'gateway'],
      JWT_SECRET: [...SERVICE_NAMES.filter((name) => secretsOf(name).includes('JWT_SECRET')), 'gateway'],
    }

    it.each(SECRETS)('%s is given to exactly the processes that use it, as a required ${...} interpolation', (secret) => {
      const users = [...services.values()].filter((svc) => svc.environment[secret] !== undefined)
      expect(users.map((svc) => svc.name).sort()).toEqual([...HOLDERS[secret]].sort())
      for (const svc of users) {
        expect({ service: svc.name, value: svc.environment[secret] }).toEqual({
          service: svc.name,
          value: expect.stringMatching(new RegExp(`^\\$\\{${secret}:\\?[^}]*\\}$`)),
        })
      }
    })

    it('has no literal secret value in any service, whatever the syntax', () => {
      // Also catches `- GATEWAY_SECRET=literal` (list syntax) and services outside the list above.
      const assignment = /^\s*(?:-\s*)?["']?(GATEWAY_SECRET|JWT_SECRET)["']?\s*[:=]\s*["']?([^"'\s#]*)/
      const found: string[] = []
      for (const line of composeText.split('\n')) {
        const match = assignment.exec(line)
        if (match === null) continue
        const [, secret = '', value = ''] = match
        found.push(secret)
        expect({ line: line.trim(), ok: value.startsWith(`\${${secret}:?`) }).toEqual({ line: line.trim(), ok: true })
      }
      expect(new Set(found)).toEqual(new Set(SECRETS))
    })
  })

  describe('postgres', () => {
    const postgres = service('postgres')

    it('runs the official postgres:17 image with a named data volume and a pg_isready healthcheck', () => {
      expect(postgres.image).toMatch(/^postgres:17(\.|-|$)/)
      expect(postgres.healthcheck).toMatch(/\bpg_isready\b/)
      const data = postgres.volumes.find((v) => v.target === '/var/lib/postgresql/data')
      expect(data).toBeDefined()
      const named = isObject(compose) && isObject(compose.volumes) ? Object.keys(compose.volumes) : []
      expect(named).toContain(data?.source)
    })

    it('mounts docker/postgres/ as the init directory', () => {
      const init = postgres.volumes.find((v) => v.target === INIT_MOUNT)
      expect(init?.source.replace(/^\.\//, '').replace(/\/$/, '')).toBe('docker/postgres')
    })

    it('keeps the password out of the file (development default only)', () => {
      expect(postgres.environment.POSTGRES_PASSWORD).toMatch(/^\$\{POSTGRES_PASSWORD(:?-[^}]*)?\}$/)
    })
  })

  describe('the Postgres init script', () => {
    it('exists in docker/postgres/', () => {
      expect(initScripts().length).toBeGreaterThan(0)
    })

    it('creates the five service databases', () => {
      const created = createdDatabases()
      for (const name of SUBGRAPHS) expect(created).toContain(name)
    })
  })

  describe('redis', () => {
    it('runs the official redis:7 image with a redis-cli ping healthcheck', () => {
      const redis = service('redis')
      expect(redis.image).toMatch(/^redis:7(\.|-|$)/)
      expect(redis.healthcheck).toMatch(/redis-cli\s+ping/)
    })

    it('is a cache: no persistence (no snapshot, no AOF, no volume) and no eviction', () => {
      const redis = service('redis')
      const args = asStringList(redis.raw.command)
      const option = (name: string): string | undefined => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined)
      expect(args[0]).toBe('redis-server')
      expect(option('--save')).toBe('')
      expect(option('--appendonly')).toBe('no')
      expect(option('--maxmemory-policy')).toBe('noeviction')
      expect(redis.volumes).toEqual([])
    })
  })

  describe('temporal', () => {
    const temporal = service('temporal')
    const ui = service('temporal-ui')

    it('runs a pinned temporalio/auto-setup 1.2x on the postgres service', () => {
      expect(temporal.image).toMatch(/^temporalio\/auto-setup:1\.2\d\.\d+$/)
      expect(temporal.environment.DB).toBe('postgres12')
      expect(temporal.environment.POSTGRES_SEEDS).toBe('postgres')
      expect(temporal.environment.DB_PORT).toBe('5432')
      expect(temporal.environment.POSTGRES_USER).toBe(service('postgres').environment.POSTGRES_USER ?? 'postgres')
      expect(interpolate(temporal.environment.POSTGRES_PWD ?? '')).toBe(
        interpolate(service('postgres').environment.POSTGRES_PASSWORD ?? ''),
      )
      expect(temporal.dependsOn.get('postgres')).toBe('service_healthy')
      expect(temporal.ports.map((p) => p.container)).toContain(7233)
    })

    it('has a pinned temporalio/ui 2.x on 8233 -> 8080, pointed at temporal:7233', () => {
      expect(ui.image).toMatch(/^temporalio\/ui:2\.\d+\.\d+$/)
      expect(ui.ports).toEqual(expect.arrayContaining([expect.objectContaining({ host: 8233, container: 8080 })]))
      expect(ui.environment.TEMPORAL_ADDRESS).toBe('temporal:7233')
      expect(ui.dependsOn.has('temporal')).toBe(true)
    })
  })

  describe.each(SUBGRAPHS)('subgraph %s', (name) => {
    const svc = service(name)
    const port = SUBGRAPH_PORTS[name]
    const env = svc.environment

    it('runs its entry point from the shared image', () => {
      expect(svc.command).toBe(productionCommand(name).join(' '))
      expect(svc.hasBuild).toBe(true)
      expect(existsSync(join(ROOT, 'subgraphs', name))).toBe(true)
    })

    it(`has ${name.toUpperCase()}_DATABASE_URL on its own database, created by the init script`, () => {
      const database = url(env[`${name.toUpperCase()}_DATABASE_URL`], `${name.toUpperCase()}_DATABASE_URL`)
      expect(database.protocol).toMatch(/^postgres(ql)?:$/)
      expect(services.has(database.hostname)).toBe(true)
      expect(database.hostname).toBe('postgres')
      expect(urlPort(database)).toBe(5432)
      const dbName = database.pathname.replace(/^\//, '')
      expect(dbName).toBe(name)
      expect(createdDatabases()).toContain(dbName)
      expect(svc.dependsOn.get('postgres')).toBe('service_healthy')
    })

    it('has REDIS_URL, TEMPORAL_ADDRESS and the production settings', () => {
      const redis = url(env.REDIS_URL, 'REDIS_URL')
      expect(redis.protocol).toBe('redis:')
      expect(redis.hostname).toBe('redis')
      expect(urlPort(redis)).toBe(6379)
      expect(env.TEMPORAL_ADDRESS).toBe('temporal:7233')
      expect(env.HOST).toBe('0.0.0.0')
      expect(env.NODE_ENV).toBe('production')
      expect(env.MIGRATE_ON_START).toBe('true')
      expect(env.GATEWAY_SECRET).toBeDefined()
      // only users issues tokens
      expect(env.JWT_SECRET !== undefined).toBe(secretsOf(name).includes('JWT_SECRET'))
    })

    it(`listens on PORT=${port}, exposes it, health-checks it and is not published`, () => {
      expect(env.PORT).toBe(String(port))
      expect(svc.expose).toContain(port)
      expect(svc.ports).toEqual([])
      expect(svc.healthcheck).toMatch(healthCommand(port))
      expect(svc.healthcheck).not.toMatch(/\bcurl\b|\bwget\b/) // not in node:*-slim
    })

    it('is what the gateway routes to', () => {
      const routed = url(service('gateway').environment[`SUBGRAPH_${name.toUpperCase()}_URL`], 'gateway URL')
      expect(routed.protocol).toBe('http:')
      expect(routed.hostname).toBe(name)
      expect(urlPort(routed)).toBe(port)
      expect(routed.pathname).toBe('/graphql')
    })
  })

  describe('gateway', () => {
    const gateway = service('gateway')

    it('runs the gateway entry point from the shared image', () => {
      expect(gateway.command).toBe(productionCommand('gateway').join(' '))
      // the same heap cap as npm start (scripts/lib/services.ts)
      expect(gateway.environment.NODE_OPTIONS).toBe(`--max-old-space-size=${GATEWAY_MAX_OLD_SPACE_MB}`)
      expect(gateway.hasBuild).toBe(true)
    })

    it(`listens on ${GATEWAY_PORT} and publishes it`, () => {
      expect(gateway.environment.PORT).toBe(String(GATEWAY_PORT))
      expect(gateway.environment.HOST).toBe('0.0.0.0')
      expect(gateway.environment.NODE_ENV).toBe('production')
      expect(gateway.environment.APOLLO_TELEMETRY_DISABLED).toBe('1')
      expect(gateway.ports).toEqual(expect.arrayContaining([expect.objectContaining({ host: GATEWAY_PORT, container: GATEWAY_PORT })]))
      expect(gateway.healthcheck).toMatch(healthCommand(GATEWAY_PORT))
    })

    it('serves /metrics on a port of its own, exposed to the compose network and never published', () => {
      const metricsPort = Number(gateway.environment.METRICS_PORT)
      expect(metricsPort).toBeGreaterThan(0)
      expect(metricsPort).not.toBe(GATEWAY_PORT)
      expect(gateway.expose).toContain(metricsPort)
      expect(gateway.ports.map((p) => p.container)).not.toContain(metricsPort)
      expect(
        readGatewayConfig(interpolateAll({ ...gateway.environment, GATEWAY_SECRET: 'x'.repeat(20), JWT_SECRET: 'y'.repeat(20) })),
      ).toMatchObject({
        metricsPort,
        development: false,
      })
    })

    it('waits for every subgraph, the façade included, to be healthy', () => {
      for (const name of ROUTED) expect(gateway.dependsOn.get(name)).toBe('service_healthy')
    })

    it('has Redis for its response cache (invalidations arrive through it), and waits for it', () => {
      expect(gateway.environment.REDIS_URL).toBe('redis://redis:6379')
      expect(gateway.environment.RESPONSE_CACHE).toBe('true')
      expect(gateway.dependsOn.get('redis')).toBe('service_healthy')
    })

    it('lets no browser origin call it unless CORS_ORIGINS is given (and the value is one the gateway accepts)', () => {
      const origins = (env: Record<string, string>) => interpolate(gateway.environment.CORS_ORIGINS ?? '', env)
      expect(origins({})).toBe('none')
      expect(readCorsOrigins({ NODE_ENV: gateway.environment.NODE_ENV, CORS_ORIGINS: origins({}) })).toEqual([])
      expect(readCorsOrigins({ NODE_ENV: 'production', CORS_ORIGINS: origins({ CORS_ORIGINS: 'https://shop.example.com' }) })).toEqual([
        'https://shop.example.com',
      ])
    })

    it('routes to nothing but the subgraphs of this file', () => {
      const routed = Object.keys(gateway.environment).filter((key) => /^SUBGRAPH_[A-Z0-9_]+_URL$/.test(key))
      expect(routed.sort()).toEqual(ROUTED.map((name) => `SUBGRAPH_${name.toUpperCase()}_URL`).sort())
    })

    it('routes to every subgraph that supergraph.yaml composes', () => {
      const supergraph = parse(readFileSync(join(ROOT, 'supergraph.yaml'), 'utf8')) as { subgraphs?: Record<string, unknown> }
      expect(Object.keys(supergraph.subgraphs ?? {}).sort()).toEqual([...ROUTED].sort())
    })
  })

  describe('facade', () => {
    const facade = service(FACADE)
    const env = facade.environment

    it('runs the façade entry point from the shared image', () => {
      expect(facade.command).toBe(productionCommand('facade').join(' '))
      expect(facade.hasBuild).toBe(true)
      expect(existsSync(join(ROOT, 'workflows', 'src', 'facade', 'index.ts'))).toBe(true)
    })

    it(`listens on PORT=${FACADE_PORT} (its default port), exposes it, health-checks it and is not published`, () => {
      expect(DEFAULT_PORTS.facade).toBe(FACADE_PORT)
      expect(env.PORT).toBe(String(FACADE_PORT))
      expect(env.HOST).toBe('0.0.0.0')
      expect(facade.expose).toContain(FACADE_PORT)
      expect(facade.ports).toEqual([])
      expect(facade.healthcheck).toMatch(healthCommand(FACADE_PORT))
      expect(facade.healthcheck).not.toMatch(/\bcurl\b|\bwget\b/)
    })

    it('has TEMPORAL_ADDRESS, the production settings and GATEWAY_SECRET only (it issues no tokens)', () => {
      expect(env.TEMPORAL_ADDRESS).toBe(TEMPORAL_ADDRESS)
      expect(env.NODE_ENV).toBe('production')
      expect(env.GATEWAY_SECRET).toBe('${GATEWAY_SECRET:?set GATEWAY_SECRET}')
      expect(env.JWT_SECRET).toBeUndefined()
    })

    it('sets RATING_UPDATE_DEADLINE (default 6h) and MUTATION_WAIT_MS (default 20000) as overridable defaults', () => {
      expect(env.RATING_UPDATE_DEADLINE).toBe('${RATING_UPDATE_DEADLINE:-6h}')
      expect(env.MUTATION_WAIT_MS).toBe('${MUTATION_WAIT_MS:-20000}')
      expect(interpolate(env.RATING_UPDATE_DEADLINE ?? '', { RATING_UPDATE_DEADLINE: '15m' })).toBe('15m')
    })

    it('is accepted by the façade and service configuration readers as it stands', () => {
      const resolved = interpolateAll(env)
      expect(readFacadeConfig(resolved)).toEqual({ ratingDeadline: '6h', mutationWaitMs: 20_000 })
      const config = readServiceConfig('facade', resolved)
      expect(config.port).toBe(FACADE_PORT)
      expect(config.host).toBe('0.0.0.0')
      expect(config.temporal.address).toBe(TEMPORAL_ADDRESS)
    })

    it("owns no database and needs no Redis: it waits for Temporal only, and for the runs' search attributes", () => {
      expect(Object.keys(env).filter((key) => /DATABASE_URL$|^REDIS_URL$/.test(key))).toEqual([])
      expect([...facade.dependsOn]).toEqual([
        ['temporal', 'service_healthy'],
        ['temporal-setup', 'service_completed_successfully'],
      ])
    })

    it('temporal-setup registers the search attributes with the generated script, once Temporal is healthy', () => {
      const setup = service('temporal-setup')
      expect([...setup.dependsOn]).toEqual([['temporal', 'service_healthy']])
      expect(setup.raw.volumes).toEqual(['./docker/temporal:/setup:ro'])
      expect(setup.raw.entrypoint).toEqual(['sh', '/setup/register-search-attributes.sh'])
      expect(existsSync(join(ROOT, 'docker', 'temporal', 'register-search-attributes.sh'))).toBe(true)
    })

    it('is what the gateway routes to', () => {
      const routed = url(service('gateway').environment.SUBGRAPH_FACADE_URL, 'SUBGRAPH_FACADE_URL')
      expect(routed.href).toBe(`http://${FACADE}:${FACADE_PORT}/graphql`)
    })
  })

  describe('workflow-worker', () => {
    const worker = service(WORKFLOW_WORKER)

    it('runs the workflow worker entry point from the shared image', () => {
      expect(worker.command).toBe(productionCommand('workflow-worker').join(' '))
      expect(worker.hasBuild).toBe(true)
      expect(existsSync(join(ROOT, 'workflows', 'src', 'worker.ts'))).toBe(true)
    })

    it('connects to temporal:7233 in production mode and waits for Temporal to be healthy', () => {
      expect(worker.environment.TEMPORAL_ADDRESS).toBe(TEMPORAL_ADDRESS)
      expect(readTemporalConfig(worker.environment).address).toBe(TEMPORAL_ADDRESS)
      expect(worker.environment.NODE_ENV).toBe('production')
      expect(worker.dependsOn.get('temporal')).toBe('service_healthy')
    })

    it('publishes no port and has no secret (it serves nothing but Temporal’s metrics, inside the network)', () => {
      expect(worker.ports).toEqual([])
      expect(worker.expose).toEqual([TEMPORAL_METRICS_PORT])
      for (const secret of SECRETS) expect(worker.environment[secret]).toBeUndefined()
    })

    it('is restarted when it exits (it has no HTTP healthcheck)', () => {
      expect(worker.raw.restart).toBe('unless-stopped')
    })
  })

  it('points every Node process that talks to Temporal at temporal:7233', () => {
    for (const name of [...ROUTED, WORKFLOW_WORKER]) {
      expect({ service: name, address: service(name).environment.TEMPORAL_ADDRESS }).toEqual({
        service: name,
        address: TEMPORAL_ADDRESS,
      })
    }
  })

  it('publishes only the gateway on all interfaces: the rest is internal or on loopback', () => {
    for (const name of ['postgres', 'redis', ...ROUTED, WORKFLOW_WORKER]) expect(service(name).ports).toEqual([])
    for (const name of ['temporal', 'temporal-ui', 'prometheus', 'grafana']) {
      for (const p of service(name).ports) expect({ service: name, hostIp: p.hostIp }).toEqual({ service: name, hostIp: '127.0.0.1' })
    }
  })
})

describe('observability: prometheus and grafana', () => {
  const prometheus = service('prometheus')
  const grafana = service('grafana')
  const mountOf = (svc: Service, target: string): string | undefined =>
    svc.volumes
      .find((v) => v.target === target)
      ?.source.replace(/^\.\//, '')
      .replace(/\/$/, '')

  interface ScrapeConfig {
    readonly job_name: string
    readonly metrics_path?: string
    readonly static_configs?: readonly { readonly targets: readonly string[] }[]
    readonly dns_sd_configs?: readonly { readonly names: readonly string[]; readonly type: string; readonly port: number }[]
  }
  const configText = readFileSync(join(ROOT, 'docker', 'prometheus', 'prometheus.yml'), 'utf8')
  const config = parse(configText) as { scrape_configs: readonly ScrapeConfig[] }
  /** job → the service:port pairs it scrapes */
  const targets = new Map(
    config.scrape_configs.map((job) => [
      job.job_name,
      [
        ...(job.static_configs ?? []).flatMap((c) => c.targets),
        ...(job.dns_sd_configs ?? []).flatMap((c) => c.names.map((name) => `${name}:${c.port}`)),
      ],
    ]),
  )

  it('runs pinned Prometheus and Grafana images, restarted, on 127.0.0.1 only', () => {
    expect(prometheus.image).toMatch(/^prom\/prometheus:v[23]\.\d+\.\d+$/)
    expect(grafana.image).toMatch(/^grafana\/grafana:1\d\.\d+\.\d+$/)
    expect(prometheus.ports).toEqual([{ host: PROMETHEUS_PORT, hostIp: '127.0.0.1', container: PROMETHEUS_PORT }])
    expect(grafana.ports).toEqual([{ host: GRAFANA_PORT, hostIp: '127.0.0.1', container: GRAFANA_PORT }])
    expect(grafana.dependsOn.get('prometheus')).toBe('service_healthy')
    expect(prometheus.healthcheck).toContain(`http://127.0.0.1:${PROMETHEUS_PORT}/-/ready`)
  })

  it('reads docker/prometheus/prometheus.yml, generated from the registry with the compose file', () => {
    expect(mountOf(prometheus, '/etc/prometheus')).toBe('docker/prometheus')
    expect(asStringList(prometheus.raw.command)).toContain('--config.file=/etc/prometheus/prometheus.yml')
    expect(config).toEqual(parse(prometheusConfig()))
    const data = prometheus.volumes.find((v) => v.target === '/prometheus')
    expect(isObject(compose) && isObject(compose.volumes) ? Object.keys(compose.volumes) : []).toContain(data?.source)
  })

  it('scrapes only service:port pairs of this file that the service exposes', () => {
    const all = [...targets.values()].flat().filter((target) => target !== `localhost:${PROMETHEUS_PORT}`)
    expect(all.length).toBeGreaterThan(ROUTED.length)
    for (const target of all) {
      const [name = '', port = ''] = target.split(':')
      expect({ target, exists: services.has(name) }).toEqual({ target, exists: true })
      expect({ target, exposed: service(name).expose.includes(Number(port)) }).toEqual({ target, exposed: true })
    }
    // GET /metrics is the default path: nothing sets another
    expect(config.scrape_configs.filter((job) => job.metrics_path !== undefined)).toEqual([])
  })

  it('scrapes the gateway on METRICS_PORT (not its public port), and every subgraph and the façade on the port it serves /metrics on', () => {
    expect(targets.get('gateway')).toEqual([`gateway:${service('gateway').environment.METRICS_PORT}`])
    expect(Number(service('gateway').environment.METRICS_PORT)).toBe(GATEWAY_METRICS_PORT)
    for (const name of ROUTED) expect(targets.get(name)).toEqual([`${name}:${service(name).environment.PORT}`])
    // by DNS: every replica of `--scale`, not whichever one the name resolves to
    for (const name of ROUTED) expect(config.scrape_configs.find((job) => job.job_name === name)?.dns_sd_configs?.[0]?.type).toBe('A')
  })

  it('scrapes Temporal’s worker metrics wherever a Temporal worker runs, bound where the process binds them', () => {
    const temporalJob = [...targets].find(([, list]) => list.every((t) => t.endsWith(`:${TEMPORAL_METRICS_PORT}`)))
    expect(temporalJob?.[1].sort()).toEqual(TEMPORAL_WORKERS.map((name) => `${name}:${TEMPORAL_METRICS_PORT}`).sort())
    expect([...SUBGRAPHS, WORKFLOW_WORKER].sort()).toEqual([...TEMPORAL_WORKERS].sort())
    for (const name of TEMPORAL_WORKERS) {
      const env = interpolateAll(service(name).environment)
      expect({ service: name, options: temporalMetricsOptions(env) }).toEqual({
        service: name,
        options: { metrics: { prometheus: expect.objectContaining({ bindAddress: `0.0.0.0:${TEMPORAL_METRICS_PORT}` }) } },
      })
    }
    // the façade runs no Temporal worker (a client only)
    expect(service(FACADE).environment.TEMPORAL_METRICS_PORT).toBeUndefined()
  })

  describe('grafana', () => {
    const provisioning = join(ROOT, 'docker', 'grafana', 'provisioning')
    const dashboardsDir = join(ROOT, 'docker', 'grafana', 'dashboards')

    it('lets anonymous visitors view, not edit; the admin password is a development default only', () => {
      expect(grafana.environment.GF_AUTH_ANONYMOUS_ENABLED).toBe('true')
      expect(grafana.environment.GF_AUTH_ANONYMOUS_ORG_ROLE).toBe('Viewer')
      expect(grafana.environment.GF_SECURITY_ADMIN_PASSWORD).toMatch(/^\$\{GRAFANA_ADMIN_PASSWORD(:?-[^}]*)?\}$/)
    })

    it('is provisioned from docker/grafana: the Prometheus service as its data source, the dashboards folder', () => {
      expect(mountOf(grafana, '/etc/grafana/provisioning')).toBe('docker/grafana/provisioning')
      expect(mountOf(grafana, '/var/lib/grafana/dashboards')).toBe('docker/grafana/dashboards')
      const sources = parse(readFileSync(join(provisioning, 'datasources', 'prometheus.yml'), 'utf8')) as {
        datasources: { uid: string; type: string; url: string }[]
      }
      expect(sources.datasources).toEqual([expect.objectContaining({ uid: 'prometheus', type: 'prometheus' })])
      const source = new URL(sources.datasources[0]?.url ?? '')
      expect(services.has(source.hostname)).toBe(true)
      expect(Number(source.port)).toBe(PROMETHEUS_PORT)
      const providers = parse(readFileSync(join(provisioning, 'dashboards', 'marketplace.yml'), 'utf8')) as {
        providers: { type: string; options: { path: string } }[]
      }
      expect(providers.providers.map((p) => [p.type, p.options.path])).toEqual([['file', '/var/lib/grafana/dashboards']])
    })

    it('opens on a dashboard that exists, and every dashboard queries the provisioned data source', () => {
      const home = grafana.environment.GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH ?? ''
      expect(home.startsWith('/var/lib/grafana/dashboards/')).toBe(true)
      expect(existsSync(join(dashboardsDir, home.slice('/var/lib/grafana/dashboards/'.length)))).toBe(true)
      for (const file of readdirSync(dashboardsDir).filter((f) => f.endsWith('.json'))) {
        const dashboard = JSON.parse(readFileSync(join(dashboardsDir, file), 'utf8')) as { panels: { datasource?: { uid: string } }[] }
        const uids = new Set(dashboard.panels.flatMap((panel) => (panel.datasource ? [panel.datasource.uid] : [])))
        expect({ file, uids: [...uids] }).toEqual({ file, uids: ['prometheus'] })
      }
    })
  })
})

describe('the interpolation helper used above', () => {
  it('behaves like Compose for the forms the file uses', () => {
    expect(interpolate('${A:-x}')).toBe('x')
    expect(interpolate('${A:-x}', { A: 'y' })).toBe('y')
    expect(interpolate('${A:?set A}')).toBe('<required:A>')
    expect(interpolate('$$A ${B}', { B: 'b' })).toBe('$A b')
  })
})

describe('Dockerfile', () => {
  const path = join(ROOT, 'Dockerfile')

  it('exists and builds every stage from Node 20', () => {
    expect(existsSync(path)).toBe(true)
    const text = readFileSync(path, 'utf8')
    const stages = new Set<string>()
    const froms = [...text.matchAll(/^\s*FROM\s+(?:--platform=\S+\s+)?(\S+)(?:\s+AS\s+(\S+))?/gim)]
    expect(froms.length).toBeGreaterThan(0)
    for (const [, image = '', alias] of froms) {
      if (!stages.has(image)) expect(image).toMatch(/^node:20(\.[\d.]+)?-bookworm-slim$/)
      if (alias !== undefined) stages.add(alias)
    }
  })

  it('installs with npm ci and runs the compiled build with node (no tsx)', () => {
    const text = readFileSync(path, 'utf8')
    expect(text).toMatch(/^\s*RUN\s+npm ci --omit=dev\b/m)
    expect(text).toMatch(/^\s*RUN\s+npm run build$/m)
    expect(text).toMatch(/^CMD \["node", "dist\/gateway\/src\/index\.js"\]$/m)
    const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as { packages?: Record<string, { dev?: boolean }> }
    expect(lock.packages?.['node_modules/tsx']?.dev).toBe(true) // production runs compiled JavaScript
  })
})

describe('.dockerignore', () => {
  it('keeps dependencies, local data, tools, git and results out of the build context', () => {
    const entries = readFileSync(join(ROOT, '.dockerignore'), 'utf8')
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line !== '' && !line.startsWith('#'))
      .map((line) => line.replace(/^\/|\/$/g, ''))
    for (const required of ['node_modules', '.data', '.tools', '.git', 'coverage', 'bench/results']) {
      expect(entries.some((entry) => entry === required || entry === `**/${required}`)).toBe(true)
    }
  })
})
