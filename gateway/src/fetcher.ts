import { Agent, request as httpRequest, type IncomingHttpHeaders } from 'node:http'
import type { Fetcher, FetcherRequestInit, FetcherResponse } from '@apollo/utils.fetcher'
import { currentRequestSignal } from './request-deadline'

export interface SubgraphFetcherOptions {
  /** a subgraph call that has not answered completely by then is aborted */
  readonly timeoutMs: number
  readonly maxSockets?: number
  /**
   * a connection idle for this long is closed by the gateway: below the subgraphs' keep-alive
   * timeout (65 s, the template's listen()), so the gateway gives up an idle connection before
   * the subgraph does, not as it sends a call on it
   */
  readonly idleSocketMs?: number
}

export const IDLE_SOCKET_MS = 30_000

/** A subgraph call that failed on time; its message is for the log (clients see "Internal server error"). */
export class SubgraphTimeoutError extends Error {}

/**
 * A lean fetcher for subgraph calls: node:http on keep-alive sockets, the body read once as text.
 * Node's fetch (undici) costs the gateway web-stream plumbing on every call; subgraph traffic is
 * small JSON over loopback or a LAN, which this is enough for. Every call has a timeout, and is
 * abandoned when the client request it serves passes its deadline.
 */
export function createSubgraphFetcher({ timeoutMs, maxSockets = 128, idleSocketMs = IDLE_SOCKET_MS }: SubgraphFetcherOptions): Fetcher {
  // `timeout` on a keep-alive agent: a free socket idle that long is destroyed by the agent
  const agent = new Agent({ keepAlive: true, maxSockets, keepAliveMsecs: 30_000, timeout: idleSocketMs })
  const send = (url: string, init: FetcherRequestInit | undefined, retried: boolean): Promise<FetcherResponse> =>
    new Promise((resolve, reject) => {
      const signals = [init?.signal as AbortSignal | undefined, currentRequestSignal()].filter((s): s is AbortSignal => s !== undefined)
      if (signals.some((s) => s.aborted)) {
        reject(new Error(`subgraph call to ${url} not sent: the request was aborted`))
        return
      }
      const target = new URL(url)
      let answered = false
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
          answered = true
          const chunks: Buffer[] = []
          res.on('data', (chunk: Buffer) => chunks.push(chunk))
          res.on('error', fail)
          res.on('end', () => {
            done()
            resolve(response(url, res.statusCode ?? 0, res.statusMessage ?? '', res.headers, Buffer.concat(chunks).toString('utf8')))
          })
        },
      )
      const abort = (): void => void req.destroy(new Error(`subgraph call to ${url} aborted: the request was aborted`))
      const timer = setTimeout(
        () => req.destroy(new SubgraphTimeoutError(`subgraph call to ${url} took longer than ${timeoutMs} ms`)),
        timeoutMs,
      )
      for (const signal of signals) signal.addEventListener('abort', abort, { once: true })
      function done(): void {
        clearTimeout(timer)
        for (const signal of signals) signal.removeEventListener('abort', abort)
      }
      function fail(err: Error): void {
        done()
        // the keep-alive race: the subgraph closed this reused connection as the call went out, so
        // nothing answered. A query is sent once more on a fresh connection; a mutation is not
        if (!retried && !answered && req.reusedSocket && isConnectionReset(err) && !isMutation(init?.body)) {
          send(url, init, true).then(resolve, reject)
          return
        }
        reject(err)
      }
      req.on('error', fail)
      req.end(init?.body)
    })
  return (url: string, init?: FetcherRequestInit): Promise<FetcherResponse> => send(url, init, false)
}

const isConnectionReset = (err: Error): boolean => {
  const code = (err as NodeJS.ErrnoException).code
  return code === 'ECONNRESET' || code === 'EPIPE'
}

/** Whether a subgraph call's body is a mutation (read only on the failure path). */
function isMutation(body: unknown): boolean {
  if (typeof body !== 'string') return true // unknown: never sent twice
  try {
    const query = (JSON.parse(body) as { query?: unknown }).query
    return typeof query !== 'string' || /^\s*mutation\b/.test(query)
  } catch {
    return true
  }
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
