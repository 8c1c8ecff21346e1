// Scenario: a frontend developer's app, served from its own origin (http://localhost:<port>), calls
// the gateway (http://127.0.0.1:<port>) from a real browser: the preflight passes, the answer is
// readable, and a signed-in call carries its token and an Idempotency-Key.
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { openBrowser, screenshot, type OpenedBrowser } from '../support/browser'
import { login } from '../support/client'
import { stackUrls } from '../support/stack'
import { COMMENTS_PAGE, hotProduct } from './helpers'

const APP_PAGE = `<!doctype html><html><head><title>A frontend app</title></head><body><pre id="out">loading</pre></body></html>`

let app: Server
let appOrigin: string
let opened: OpenedBrowser

beforeAll(async () => {
  app = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
    res.end(APP_PAGE)
  })
  await new Promise<void>((resolve) => app.listen(0, '127.0.0.1', resolve))
  // "localhost" and "127.0.0.1" are different origins to the browser
  appOrigin = `http://localhost:${(app.address() as AddressInfo).port}`
  opened = await openBrowser()
}, 60_000)

afterAll(async () => {
  await opened?.close()
  await new Promise<void>((resolve) => app?.close(() => resolve()))
})

/** Runs `fetch` inside the app's page, as the app's own code would. */
async function fetchFromApp(headers: Record<string, string>, body: unknown) {
  const { page, outsideRequests, pageErrors } = await opened.newPage()
  await page.goto(`${appOrigin}/`)
  const result = await page.evaluate(
    async ({ url, headers, body }) => {
      try {
        const response = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...headers },
          body: JSON.stringify(body),
        })
        return { ok: true as const, status: response.status, json: await response.json() }
      } catch (err) {
        return { ok: false as const, error: String(err) }
      }
    },
    { url: stackUrls().gateway, headers, body },
  )
  return { page, result, outsideRequests, pageErrors }
}

describe('a browser app on another origin calls the gateway', () => {
  it('reads the comments page (JSON POST, preflighted)', async () => {
    const { id } = await hotProduct()
    expect(new URL(stackUrls().gateway).origin).not.toBe(appOrigin)
    const { page, result, outsideRequests } = await fetchFromApp(
      {},
      { query: COMMENTS_PAGE, variables: { subject: { type: 'PRODUCT', id } } },
    )
    expect(result).toMatchObject({ ok: true, status: 200 })
    if (!result.ok) return
    expect(result.json.errors).toBeUndefined()
    expect(result.json.data.comments.edges.length).toBeGreaterThan(0)
    expect(outsideRequests).toEqual([])
    await screenshot(page, 'cors-app')
  })

  it('sends Authorization and Idempotency-Key headers (allowed by the preflight) and is answered as the signed-in user', async () => {
    const token = await login('alice')
    const { result } = await fetchFromApp(
      { authorization: `Bearer ${token}`, 'idempotency-key': 'cors-test-1' },
      { query: '{ me { username role } }' },
    )
    expect(result).toMatchObject({ ok: true, status: 200, json: { data: { me: { username: 'alice', role: 'CUSTOMER' } } } })
  })
})
