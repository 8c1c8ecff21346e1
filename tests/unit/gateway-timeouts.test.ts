import { createServer, type IncomingMessage, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { readGatewayConfig } from '@marketplace/service-template'
import { createSubgraphFetcher, SubgraphTimeoutError } from '../../gateway/src/fetcher'
import { withDeadline } from '../../gateway/src/request-deadline'
import { startGateway, type RunningGateway } from '../../gateway/src/server'

/** A subgraph that never answers; it records the requests it got and when their sockets closed. */
async function hangingSubgraph(): Promise<{ url: string; server: Server; received: IncomingMessage[]; closed: () => number }> {
  const received: IncomingMessage[] = []
  let closed = 0
  const server = createServer((req) => {
    received.push(req)
    req.socket.once('close', () => closed++)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`, server, received, closed: () => closed }
}

const until = async (condition: () => boolean): Promise<void> => {
  for (let i = 0; i < 200 && !condition(); i++) await new Promise((r) => setTimeout(r, 10))
}

describe('the subgraph fetcher', () => {
  let subgraph: Awaited<ReturnType<typeof hangingSubgraph>>
  beforeEach(async () => (subgraph = await hangingSubgraph()))
  afterEach(async () => {
    subgraph.server.closeAllConnections()
    await new Promise((r) => subgraph.server.close(r))
  })

  it('gives up on a subgraph that does not answer within its timeout, and closes the connection', async () => {
    const fetcher = createSubgraphFetcher({ timeoutMs: 50 })
    await expect(fetcher(subgraph.url, { method: 'POST', body: '{}' })).rejects.toBeInstanceOf(SubgraphTimeoutError)
    await until(() => subgraph.closed() === 1)
    expect(subgraph.closed()).toBe(1)
  })

  it("abandons a call when the client request's deadline passes, and sends none after it", async () => {
    const fetcher = createSubgraphFetcher({ timeoutMs: 60_000 })
    let failure: unknown
    let later: Promise<unknown> | undefined
    const outcome = await withDeadline(50, async () => {
      try {
        await fetcher(subgraph.url, { method: 'POST', body: '{}' })
      } catch (err) {
        failure = err
      }
      later = fetcher(subgraph.url, { method: 'POST', body: '{}' })
      return 'done'
    })
    expect(outcome).toEqual({ timedOut: true })
    await until(() => failure !== undefined)
    expect(String(failure)).toMatch(/aborted/)
    await expect(later).rejects.toThrow(/not sent/)
    expect(subgraph.received).toHaveLength(1)
  })

  it('a deadline that does not pass hands back the value', async () => {
    await expect(withDeadline(1000, async () => 42)).resolves.toEqual({ timedOut: false, value: 42 })
    await expect(withDeadline(1000, async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom')
  })
})

describe('the gateway against a subgraph that hangs', () => {
  let subgraph: Awaited<ReturnType<typeof hangingSubgraph>>
  let gateway: RunningGateway
  const start = async (env: Record<string, string>) => {
    subgraph = await hangingSubgraph()
    const config = readGatewayConfig({
      NODE_ENV: 'test',
      LOG_LEVEL: 'silent',
      GATEWAY_PORT: '0',
      METRICS_PORT: '0',
      SUBGRAPH_CATALOG_URL: subgraph.url,
      ...env,
    })
    gateway = await startGateway(config)
  }
  afterEach(async () => {
    subgraph.server.closeAllConnections()
    await gateway.stop()
    await new Promise((r) => subgraph.server.close(r))
  })
  const ask = async () => {
    const response = await fetch(gateway.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ products(first: 1) { totalCount } }' }),
    })
    return { status: response.status, text: await response.text() }
  }

  it('SUBGRAPH_TIMEOUT_MS: the client gets an error that names nothing internal', async () => {
    await start({ SUBGRAPH_TIMEOUT_MS: '100', REQUEST_TIMEOUT_MS: '10000' })
    const { text } = await ask()
    const json = JSON.parse(text)
    expect(json.errors.map((e: { extensions?: { code?: string } }) => e.extensions?.code)).toEqual(['INTERNAL_SERVER_ERROR'])
    expect(text).not.toContain('127.0.0.1')
    expect(text).not.toMatch(/took longer|subgraph call|stacktrace/)
  })

  it('REQUEST_TIMEOUT_MS: the request is answered 504 at its deadline, and its subgraph call is abandoned', async () => {
    await start({ SUBGRAPH_TIMEOUT_MS: '60000', REQUEST_TIMEOUT_MS: '200' })
    const { status, text } = await ask()
    expect(status).toBe(504)
    expect(JSON.parse(text)).toEqual({
      errors: [{ message: 'The request did not finish within 200 ms.', extensions: { code: 'INTERNAL_SERVER_ERROR' } }],
    })
    await until(() => subgraph.closed() > 0)
    expect(subgraph.closed()).toBeGreaterThan(0)
  })
})
