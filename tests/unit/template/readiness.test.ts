// /ready's checks: every dependency asked at once, each bounded by the timeout, the answer naming
// each one's state — and never an error's text (hosts, ports, SQL).
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { checkReadiness, httpCheck, serveReadiness } from '../../../packages/service-template/src/readiness'

const never = (): Promise<void> => new Promise(() => undefined)

describe('checkReadiness', () => {
  it('is ready when every dependency answers', async () => {
    const readiness = await checkReadiness({ database: async () => 1, redis: async () => 'PONG' }, 200)
    expect(readiness.ready).toBe(true)
    expect(readiness.dependencies).toEqual({
      database: { state: 'up', ms: expect.any(Number) },
      redis: { state: 'up', ms: expect.any(Number) },
    })
  })

  it('a dependency that does not answer is down for "timeout" once the timeout passes, while the others are still asked', async () => {
    const asked = Date.now()
    const readiness = await checkReadiness({ database: async () => 1, redis: never, temporal: never }, 150)
    expect(Date.now() - asked).toBeLessThan(1_000) // the checks ran side by side, not one timeout after another
    expect(readiness.ready).toBe(false)
    expect(readiness.dependencies.database).toMatchObject({ state: 'up' })
    expect(readiness.dependencies.redis).toMatchObject({ state: 'down', reason: 'timeout' })
    expect(readiness.dependencies.temporal).toMatchObject({ state: 'down', reason: 'timeout' })
  })

  it('a failing dependency is down by the name of its error, without its message', async () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 10.0.0.7:5432 select secret from users'), { name: 'ConnectionRefused' })
    const thrownSync = (): Promise<void> => {
      throw new TypeError('bug')
    }
    const readiness = await checkReadiness({ database: () => Promise.reject(refused), cache: thrownSync }, 200)
    expect(readiness.dependencies).toEqual({
      database: { state: 'down', ms: expect.any(Number), reason: 'ConnectionRefused' },
      cache: { state: 'down', ms: expect.any(Number), reason: 'TypeError' },
    })
    expect(JSON.stringify(readiness)).not.toMatch(/ECONNREFUSED|10\.0\.0\.7|select/)
  })

  it('with no dependencies (a service that owns none) it is ready', async () => {
    expect(await checkReadiness({})).toEqual({ ready: true, dependencies: {} })
  })
})

describe('GET /ready over HTTP', () => {
  let server: Server
  let base: string
  let healthStatus = 200
  let databaseUp = true
  beforeAll(async () => {
    server = createServer((req, res) => {
      if (req.url === '/health') {
        res.writeHead(healthStatus)
        res.end()
      } else {
        void serveReadiness(res, 'probe', { database: async () => (databaseUp ? 1 : Promise.reject(new Error('down'))) }, 200)
      }
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  })
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())))

  it('answers 200 with each state when ready, 503 when not', async () => {
    databaseUp = true
    const up = await fetch(`${base}/ready`)
    expect(up.status).toBe(200)
    expect(await up.json()).toEqual({
      status: 'ready',
      service: 'probe',
      dependencies: { database: { state: 'up', ms: expect.any(Number) } },
    })
    databaseUp = false
    const down = await fetch(`${base}/ready`)
    expect(down.status).toBe(503)
    expect(await down.json()).toMatchObject({ status: 'unavailable', dependencies: { database: { state: 'down', reason: 'Error' } } })
  })

  it("httpCheck (the gateway's check of a subgraph's /health) is up on 2xx and down on anything else or no answer", async () => {
    healthStatus = 200
    expect((await checkReadiness({ users: httpCheck(`${base}/health`) })).ready).toBe(true)
    healthStatus = 500
    expect((await checkReadiness({ users: httpCheck(`${base}/health`) })).dependencies.users).toMatchObject({
      state: 'down',
      reason: 'http_500',
    })
    // nothing listens on port 9 (discard): refused at once
    expect((await checkReadiness({ users: httpCheck('http://127.0.0.1:9/health', 200) }, 500)).dependencies.users?.state).toBe('down')
  })
})
