// Scenario: an analyst opens GraphiQL at the gateway in Chromium with no internet, signs in from the
// page, pastes their own query over the example and runs it, then runs named queries.
import { parse, type OperationDefinitionNode } from 'graphql'
import type { Page } from 'playwright-core'
import { gql } from '../support/client'
import { openBrowser, screenshot, type OpenedBrowser, type OpenedPage } from '../support/browser'
import { stackUrls } from '../support/stack'

jest.setTimeout(120_000)

const CUSTOM_QUERY =
  '{ products(first: 1) { edges { node { name comments(first: 3) { totalCount edges { node { body author { username avatarUrl } } } } } } } }'

interface SentRequest {
  query: string
  operationName?: string
  authorization?: string
  contentType?: string
}

/** The response pane's text (GraphiQL's response editor is a CodeMirror 5 instance). */
function responseText(page: Page): Promise<string> {
  return page.evaluate(() => {
    const wrapper = document.querySelector('.graphiql-response .CodeMirror') as (Element & { CodeMirror?: { getValue(): string } }) | null
    return wrapper?.CodeMirror?.getValue() ?? ''
  })
}

/** Waits until the response pane holds a JSON result for which `accept` holds, and returns it. */
async function waitForResult(page: Page, accept: (result: any) => boolean, timeoutMs = 30_000): Promise<any> {
  const deadline = Date.now() + timeoutMs
  let last = ''
  for (;;) {
    last = await responseText(page)
    try {
      const result = JSON.parse(last)
      if (accept(result)) return result
    } catch {
      // empty, or still being written
    }
    if (Date.now() > deadline) throw new Error(`the response pane did not show the expected result; it shows:\n${last}`)
    await page.waitForTimeout(100)
  }
}

/** Replaces the query editor's text as a user would: click in it, select all, type the new text. */
async function typeQuery(page: Page, text: string): Promise<void> {
  await page.click('.graphiql-query-editor .CodeMirror')
  await page.keyboard.press('Control+A')
  await page.keyboard.insertText(text)
}

function operationNames(query: string): (string | undefined)[] {
  return parse(query)
    .definitions.filter((d): d is OperationDefinitionNode => d.kind === 'OperationDefinition')
    .map((d) => d.name?.value)
}

describe('GraphiQL in a browser, offline', () => {
  let browser: OpenedBrowser
  let opened: OpenedPage
  let page: Page
  const sent: SentRequest[] = []

  beforeAll(async () => {
    browser = await openBrowser()
    opened = await browser.newPage()
    page = opened.page
    page.on('request', (request) => {
      if (request.method() !== 'POST' || !request.url().startsWith(stackUrls().gateway)) return
      const body = JSON.parse(request.postData() ?? '{}') as { query: string; operationName?: string }
      sent.push({
        query: body.query,
        operationName: body.operationName,
        authorization: request.headers().authorization,
        contentType: request.headers()['content-type'],
      })
    })
    await page.goto(stackUrls().gateway, { waitUntil: 'load' })
    await page.locator('.graphiql-query-editor .CodeMirror').waitFor({ state: 'visible' })
  })

  afterAll(async () => {
    if (page) await screenshot(page, 'graphiql').catch(() => undefined)
    await browser?.close()
  })

  it('opens on the example tabs: the contract comments page and the moderator flow', async () => {
    const tabs = await page.locator('.graphiql-tab').allInnerTexts()
    expect(tabs.map((t) => t.trim())).toEqual(['CommentsPage', 'Moderate'])
    const query = await page.evaluate(() => {
      const wrapper = document.querySelector('.graphiql-query-editor .CodeMirror') as Element & { CodeMirror: { getValue(): string } }
      return wrapper.CodeMirror.getValue()
    })
    expect(query).toContain('query CommentsPage($subject: SubjectRef!, $after: String)')
  })

  it('loads the schema through the fetcher: the docs explorer lists the root types', async () => {
    await page.getByRole('button', { name: 'Show Documentation Explorer' }).click()
    await page.locator('.graphiql-doc-explorer').getByText('Query', { exact: true }).first().waitFor({ state: 'visible' })
    await page.getByRole('button', { name: 'Hide Documentation Explorer' }).click()
  })

  it('a failed sign-in shows the API error message', async () => {
    const expected = await gql('mutation { login(username: "nobody_at_all", password: "not-the-password") { token } }')
    const message = expected.errors?.[0]?.message
    expect(message).toBeTruthy()
    await page.selectOption('#signin-account', '')
    await page.fill('#signin-username', 'nobody_at_all')
    await page.fill('#signin-password', 'not-the-password')
    await page.click('#signin')
    await expect(page.locator('#signin-error').textContent({ timeout: 15_000 })).resolves.toContain(message)
    await expect(page.locator('#signin-status').textContent()).resolves.toBe('Not signed in')
  })

  it('signs in as alice from the page', async () => {
    await page.selectOption('#signin-account', 'alice')
    await expect(page.inputValue('#signin-password')).resolves.toBe('alice')
    await page.click('#signin')
    await page.getByText('Signed in as alice (CUSTOMER)').waitFor({ state: 'visible' })
    await page.locator('#signout').waitFor({ state: 'visible' })
  })

  it('runs the CommentsPage example as it opens: its subject is real', async () => {
    await page.locator('.graphiql-execute-button').click()
    const result = await waitForResult(page, (r) => 'data' in r || 'errors' in r)
    expect(result.errors).toBeUndefined()
    expect(result.data.comments.totalCount).toBeGreaterThan(0)
    expect(result.data.comments.edges.length).toBeGreaterThan(0)
  })

  it('runs an anonymous query typed over the named example (the editor still tracks CommentsPage when Ctrl-Enter comes at once)', async () => {
    await typeQuery(page, CUSTOM_QUERY)
    await page.keyboard.press('Control+Enter') // within GraphiQL's 100 ms debounce: its operation name is stale
    const result = await waitForResult(page, (r) => 'data' in r || 'errors' in r)
    expect(result.errors).toBeUndefined()
    const product = result.data.products.edges[0].node
    expect(typeof product.name).toBe('string')
    expect(typeof product.comments.totalCount).toBe('number')
    for (const edge of product.comments.edges) expect(typeof edge.node.author.username).toBe('string')
    expect(await page.locator('.graphiql-response').innerText()).toContain(product.name)
    await screenshot(page, 'graphiql-signed-in')
  })

  it('runs a named query with the token: me is alice', async () => {
    await typeQuery(page, 'query Me { me { username role } }')
    await page.locator('.graphiql-execute-button').click()
    const result = await waitForResult(page, (r) => r.data?.me !== undefined || 'errors' in r)
    expect(result).toEqual({ data: { me: { username: 'alice', role: 'CUSTOMER' } } })
  })

  it('an Authorization typed in the Headers tab wins over the signed-in token', async () => {
    const headersEditor = 'section.graphiql-editor-tool .graphiql-editor:not(.hidden) .CodeMirror'
    await page.click('button[data-name="headers"]')
    await page.click(headersEditor)
    await page.keyboard.press('Control+A')
    await page.keyboard.insertText('{"Authorization": "Bearer not-a-token"}')
    await page.locator('.graphiql-execute-button').click()
    await waitForResult(page, (r) => r.data?.me === null)
    await page.click(headersEditor)
    await page.keyboard.press('Control+A')
    await page.keyboard.press('Delete')
    await page.click('button[data-name="variables"]')
  })

  it('stays signed in across a reload (the token is in sessionStorage)', async () => {
    await page.reload({ waitUntil: 'load' })
    await page.getByText('Signed in as alice (CUSTOMER)').waitFor({ state: 'visible' })
    await page.locator('.graphiql-tab-active').getByText('Me', { exact: true }).waitFor({ state: 'visible' })
    await page.locator('.graphiql-execute-button').click()
    const result = await waitForResult(page, (r) => r.data?.me?.username !== undefined || 'errors' in r)
    expect(result).toEqual({ data: { me: { username: 'alice', role: 'CUSTOMER' } } })
  })

  it('runs the operation under the cursor when the document has several', async () => {
    await typeQuery(page, 'query Who { me { username } }\nquery Role { me { role } }')
    await page.keyboard.press('Control+Enter') // the cursor is at the end, in Role
    const result = await waitForResult(page, (r) => r.data?.me?.role !== undefined || 'errors' in r)
    expect(result).toEqual({ data: { me: { role: 'CUSTOMER' } } })
  })

  it('signs out: requests are anonymous again', async () => {
    await page.click('#signout')
    await page.getByText('Not signed in').waitFor({ state: 'visible' })
    await typeQuery(page, 'query Me { me { username } }')
    // the run button offers a chooser while GraphiQL still holds the previous two operations
    await page.locator('.graphiql-tab-active').getByText('Me', { exact: true }).waitFor({ state: 'visible' })
    await page.locator('.graphiql-execute-button').click()
    await waitForResult(page, (r) => r.data?.me === null)
  })

  it('sent only operation names that are in the document, every request as JSON, the token once signed in', () => {
    expect(sent.length).toBeGreaterThanOrEqual(7)
    for (const request of sent) {
      if (request.operationName !== undefined) expect(operationNames(request.query)).toContain(request.operationName)
    }
    expect(sent.some((r) => r.query.includes('products(first: 1)') && r.operationName === undefined)).toBe(true)
    expect(sent.filter((r) => r.query.includes('query Me {')).map((r) => r.authorization ?? 'none')).toEqual([
      expect.stringMatching(/^Bearer [\w-]+\.[\w-]+\.[\w-]+$/),
      'Bearer not-a-token',
      expect.stringMatching(/^Bearer [\w-]+\.[\w-]+\.[\w-]+$/),
      'none',
    ])
    for (const request of sent) expect(request.contentType).toBe('application/json')
  })

  it('made no request outside this machine and logged no error', () => {
    expect(opened.outsideRequests).toEqual([])
    expect(opened.pageErrors).toEqual([])
  })
})
