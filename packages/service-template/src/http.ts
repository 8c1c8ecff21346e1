import type { IncomingMessage, Server, ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { HeaderMap, type ApolloServer, type BaseContext, type HTTPGraphQLRequest } from '@apollo/server'

const MAX_BODY_BYTES = 1024 * 1024

export class BodyTooLargeError extends Error {}

/**
 * The body as text. Past `limit` the rest is read and dropped (so the client still gets its 413)
 * unless it goes on far past the limit, when the connection is cut.
 */
export function readBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    req.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size <= limit) chunks.push(chunk)
      else if (size > limit * 16) req.destroy()
    })
    req.on('end', () =>
      size > limit ? reject(new BodyTooLargeError('request body too large')) : resolve(Buffer.concat(chunks).toString('utf8')),
    )
    req.on('error', reject)
  })
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body)
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) })
  res.end(text)
}

export type ParsedBody =
  { readonly ok: true; readonly body: unknown } | { readonly ok: false; readonly status: number; readonly message: string }

/** Reads and parses a JSON request body (GET requests have none). */
export async function readJsonBody(req: IncomingMessage): Promise<ParsedBody> {
  if (req.method !== 'POST') return { ok: true, body: undefined }
  let text: string
  try {
    text = await readBody(req)
  } catch (err) {
    if (err instanceof BodyTooLargeError) return { ok: false, status: 413, message: 'Request body too large' }
    throw err
  }
  try {
    return { ok: true, body: text.length > 0 ? JSON.parse(text) : undefined }
  } catch {
    return { ok: false, status: 400, message: 'The request body is not valid JSON.' }
  }
}

/**
 * Hands one HTTP request to Apollo Server (no web framework: less work per request). Returns the
 * status and the body it sent when the response was a single JSON document.
 */
export async function executeGraphQL<Context extends BaseContext>(
  server: ApolloServer<Context>,
  req: IncomingMessage,
  res: ServerResponse,
  context: () => Promise<Context>,
  parsed?: ParsedBody,
): Promise<{ status: number; body: string } | null> {
  const request = parsed ?? (await readJsonBody(req))
  if (!request.ok) {
    sendJson(res, request.status, { errors: [{ message: request.message, extensions: { code: 'BAD_REQUEST' } }] })
    return null
  }
  const headers = new HeaderMap()
  for (const [key, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value)
  }
  const target = req.url ?? '/'
  const query = target.indexOf('?')
  const search = query === -1 ? '' : target.slice(query)
  const httpGraphQLRequest: HTTPGraphQLRequest = { method: req.method ?? 'GET', headers, search, body: request.body }
  const response = await server.executeHTTPGraphQLRequest({ httpGraphQLRequest, context })
  const outHeaders: Record<string, string> = {}
  for (const [key, value] of response.headers) outHeaders[key] = value
  const status = response.status ?? 200
  res.writeHead(status, outHeaders)
  if (response.body.kind === 'complete') {
    res.end(response.body.string)
    return { status, body: response.body.string }
  }
  for await (const chunk of response.body.asyncIterator) res.write(chunk)
  res.end()
  return null
}

/** Starts listening (keep-alive longer than a typical load balancer's idle timeout); the bound port. */
export async function listen(server: Server, port: number, host: string): Promise<number> {
  server.keepAliveTimeout = 65_000
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, host, resolve)
  })
  return (server.address() as AddressInfo).port
}

/** Stops accepting connections and closes the idle ones; in-flight requests finish. */
export function closeServer(server: Server): Promise<void> {
  return new Promise<void>((resolve) => {
    server.close(() => resolve())
    server.closeIdleConnections()
  })
}
