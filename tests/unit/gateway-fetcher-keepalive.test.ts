// The keep-alive race between the gateway and a subgraph: the subgraph closes a connection it
// holds idle just as the gateway sends the next call on it. Seen in `npm run bench -- --writes`
// (2026-12-03): the first page read after a minute of quiet answered INTERNAL_SERVER_ERROR, the
// gateway's log said "socket hang up". A query lost that way is sent again on a fresh connection; a
// mutation is not (the subgraph might have begun it); idle connections are given up before the
// subgraphs' own idle timeout.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import { createSubgraphFetcher } from '../../gateway/src/fetcher'

interface Seen {
  readonly connections: Socket[]
  readonly bodies: string[]
}

/** A subgraph that drops the connection, unanswered, when a call arrives on a connection it already served: the race, made certain. */
async function droppingServer(): Promise<{ server: Server; url: string; seen: Seen }> {
  const seen: Seen = { connections: [], bodies: [] }
  const served = new WeakSet<Socket>()
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let body = ''
    req.on('data', (chunk: Buffer) => (body += chunk.toString()))
    req.on('end', () => {
      seen.bodies.push(body)
      if (served.has(req.socket)) {
        req.socket.destroy()
        return
      }
      served.add(req.socket)
      res.setHeader('content-type', 'application/json')
      res.end(JSON.stringify({ data: { ok: true } }))
    })
  })
  server.on('connection', (socket: Socket) => seen.connections.push(socket))
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`, seen }
}

const post = (body: unknown) => ({ method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })

describe('the subgraph fetcher on keep-alive connections', () => {
  let subgraph: Awaited<ReturnType<typeof droppingServer>>
  beforeEach(async () => (subgraph = await droppingServer()))
  afterEach(async () => {
    for (const socket of subgraph.seen.connections) socket.destroy()
    await new Promise((resolve) => subgraph.server.close(resolve))
  })

  it('sends a query again on a fresh connection when the reused one is dropped unanswered', async () => {
    const fetcher = createSubgraphFetcher({ timeoutMs: 5_000 })
    expect(await (await fetcher(subgraph.url, post({ query: 'query A { a }' }))).json()).toEqual({ data: { ok: true } })
    const again = await fetcher(subgraph.url, post({ query: '{ b }' }))
    expect(await again.json()).toEqual({ data: { ok: true } })
    expect(subgraph.seen.bodies).toHaveLength(3) // the first, the dropped one, the one sent again
    expect(subgraph.seen.connections).toHaveLength(2)
  })

  it('does not send a mutation again: the caller gets the error', async () => {
    const fetcher = createSubgraphFetcher({ timeoutMs: 5_000 })
    await fetcher(subgraph.url, post({ query: '{ a }' }))
    await expect(fetcher(subgraph.url, post({ query: 'mutation M { postComment { id } }' }))).rejects.toThrow(/socket hang up|ECONNRESET/)
    expect(subgraph.seen.bodies).toHaveLength(2)
  })

  it('gives up a connection idle for longer than idleSocketMs: the next call opens a new one', async () => {
    const fetcher = createSubgraphFetcher({ timeoutMs: 5_000, idleSocketMs: 100 })
    await fetcher(subgraph.url, post({ query: '{ a }' }))
    await new Promise((resolve) => setTimeout(resolve, 400))
    expect(await (await fetcher(subgraph.url, post({ query: 'mutation M { x }' }))).json()).toEqual({ data: { ok: true } })
    expect(subgraph.seen.bodies).toHaveLength(2)
    expect(subgraph.seen.connections).toHaveLength(2)
  })
})
