// The load generator's HTTP client: node:http with keep-alive connections, nothing in between.
import { Agent, request } from 'node:http'

export interface HttpAnswer {
  readonly status: number
  readonly body: string
}

export const keepAliveAgent = (connections: number): Agent =>
  new Agent({ keepAlive: true, maxSockets: connections, maxFreeSockets: connections, scheduling: 'fifo' })

/** POSTs a JSON body; resolves with the status and the whole body (rejects on a network error). */
export function postJson(
  agent: Agent,
  url: URL,
  body: string,
  headers: Readonly<Record<string, string>> = {},
  timeoutMs = 30_000,
): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        agent,
        host: url.hostname,
        port: url.port,
        path: url.pathname + url.search,
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json', 'content-length': Buffer.byteLength(body), ...headers },
      },
      (res) => {
        const chunks: Buffer[] = []
        res.on('data', (chunk: Buffer) => chunks.push(chunk))
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }))
        res.on('error', reject)
      },
    )
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)))
    req.on('error', reject)
    req.end(body)
  })
}

/** GETs a URL's text (metrics, health) without the load's agent. */
export async function getText(url: string): Promise<string> {
  const res = await fetch(url)
  if (!res.ok) throw new Error(`GET ${url}: HTTP ${res.status}`)
  return res.text()
}

/**
 * Runs `concurrency` loops, each calling `iteration` again as soon as the previous call settles,
 * until `durationMs` has passed; resolves with the time it actually took (ms).
 */
export async function runLoops(concurrency: number, durationMs: number, iteration: (loop: number) => Promise<void>): Promise<number> {
  const started = performance.now()
  const deadline = started + durationMs
  await Promise.all(
    Array.from({ length: concurrency }, async (_, loop) => {
      while (performance.now() < deadline) await iteration(loop)
    }),
  )
  return performance.now() - started
}
