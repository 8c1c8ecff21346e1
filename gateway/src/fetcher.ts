import { Agent, request as httpRequest, type IncomingHttpHeaders } from 'node:http'
import type { Fetcher, FetcherRequestInit, FetcherResponse } from '@apollo/utils.fetcher'

/**
 * A lean fetcher for subgraph calls: node:http on keep-alive sockets, the body read once as text.
 * Node's fetch (undici) costs the gateway web-stream plumbing on every call; subgraph traffic is
 * small JSON over loopback or a LAN, which this is enough for.
 */
export function createSubgraphFetcher(maxSockets = 128): Fetcher {
  const agent = new Agent({ keepAlive: true, maxSockets, keepAliveMsecs: 30_000 })
  return (url: string, init?: FetcherRequestInit): Promise<FetcherResponse> =>
    new Promise((resolve, reject) => {
      const target = new URL(url)
      const req = httpRequest(
        {
          agent,
          protocol: target.protocol,
          hostname: target.hostname,
          port: target.port,
          path: target.pathname + target.search,
          method: init?.method ?? 'GET',
          headers: init?.headers as Record<string, string> | undefined,
        },
        (res) => {
          const chunks: Buffer[] = []
          res.on('data', (chunk: Buffer) => chunks.push(chunk))
          res.on('error', reject)
          res.on('end', () => resolve(response(url, res.statusCode ?? 0, res.statusMessage ?? '', res.headers, Buffer.concat(chunks).toString('utf8'))))
        },
      )
      req.on('error', reject)
      if (init?.signal) {
        const signal = init.signal as AbortSignal
        signal.addEventListener('abort', () => req.destroy(new Error('aborted')), { once: true })
      }
      req.end(init?.body)
    })
}

function response(url: string, status: number, statusText: string, headers: IncomingHttpHeaders, text: string): FetcherResponse {
  const header = (name: string): string | null => {
    const value = headers[name.toLowerCase()]
    return value === undefined ? null : Array.isArray(value) ? value.join(', ') : value
  }
  const self: FetcherResponse = {
    bodyUsed: false,
    ok: status >= 200 && status < 300,
    redirected: false,
    status,
    statusText,
    url,
    headers: { get: header } as FetcherResponse['headers'],
    text: async () => text,
    json: async () => JSON.parse(text),
    arrayBuffer: async () => {
      const bytes = Buffer.from(text)
      return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer
    },
    clone: () => response(url, status, statusText, headers, text),
  }
  return self
}
