// Scenario: a developer opens the gateway in a browser with no internet, and an orchestrator probes
// every process's health.
import { get, type IncomingHttpHeaders } from 'node:http'
import { gunzipSync } from 'node:zlib'
import { stackUrls } from '../support/stack'
import { SERVICES, siblingUrl, subgraphUrl } from './helpers'

async function getPage(headers: Record<string, string>): Promise<{ status: number; type: string | null; html: string }> {
  const response = await fetch(stackUrls().gateway, { headers })
  return { status: response.status, type: response.headers.get('content-type'), html: await response.text() }
}

/** A GET whose body is not decoded (fetch would gunzip it transparently). */
function rawGet(url: string, headers: Record<string, string>): Promise<{ headers: IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    get(url, { headers }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (chunk: Buffer) => chunks.push(chunk))
      res.on('end', () => resolve({ headers: res.headers, body: Buffer.concat(chunks) }))
      res.on('error', reject)
    }).on('error', reject)
  })
}

describe('GraphiQL at GET /graphql', () => {
  let page: { status: number; type: string | null; html: string }

  beforeAll(async () => {
    page = await getPage({ accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' })
  })

  it('a browser (Accept: text/html) gets a 200 HTML page that is GraphiQL', () => {
    expect(page.status).toBe(200)
    expect(page.type).toMatch(/^text\/html/)
    expect(page.html).toMatch(/<html/i)
    expect(page.html.toLowerCase()).toContain('graphiql')
  })

  it('loads nothing from a CDN: no external script or stylesheet', () => {
    expect(page.html).not.toMatch(/<script[^>]*\ssrc\s*=\s*["']?(https?:)?\/\//i)
    expect(page.html).not.toMatch(/<link[^>]*\shref\s*=\s*["']?(https?:)?\/\//i)
    expect(page.html).not.toMatch(/import\s*\(\s*["'`]https?:/i)
    expect(page.html).not.toMatch(/@import\s+(url\()?["']?https?:/i)
    for (const cdn of ['unpkg.com', 'cdn.jsdelivr.net', 'esm.sh', 'cdnjs.cloudflare.com']) expect(page.html).not.toContain(cdn)
  })

  it('points at the same /graphql endpoint and preloads the comments page query', () => {
    expect(page.html).toContain('/graphql')
    expect(page.html).toContain('CommentsPage')
  })

  it('is served gzipped to a browser that accepts it, with the same content', async () => {
    const { headers, body } = await rawGet(stackUrls().gateway, { accept: 'text/html', 'accept-encoding': 'gzip, deflate, br' })
    expect(headers['content-encoding']).toBe('gzip')
    expect(gunzipSync(body).toString('utf8')).toBe(page.html)
    expect(body.length).toBeLessThan(Buffer.byteLength(page.html) / 2)
  })

  it('a GET that is not from a browser is not the page (GraphQL over GET still answers JSON)', async () => {
    const url = new URL(stackUrls().gateway)
    url.searchParams.set('query', '{ __typename }')
    const response = await fetch(url, { headers: { accept: 'application/json', 'apollo-require-preflight': 'true' } })
    expect(response.headers.get('content-type')).toMatch(/json/)
    expect(await response.json()).toEqual({ data: { __typename: 'Query' } })
  })
})

describe('health checks', () => {
  it('GET /health on the gateway is 200', async () => {
    const response = await fetch(siblingUrl(stackUrls().gateway, '/health'))
    expect(response.status).toBe(200)
  })

  it.each(SERVICES)('GET /health on the %s subgraph is 200', async (service) => {
    const response = await fetch(siblingUrl(subgraphUrl(service), '/health'))
    expect(response.status).toBe(200)
  })
})
