// A headless Chromium for the browser tests (Debian's chromium, driven by playwright-core): pages
// that may talk to this machine only. Every request to another host is aborted and recorded, so a
// test can assert that a page made none (GraphiQL must work offline).
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core'
import { findChromium } from '../../scripts/lib/prerequisites'

/** Where the browser tests keep screenshots (git-ignored). */
export const ARTIFACTS_DIR = join(__dirname, '..', '.artifacts')

const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]', '::1'])

export interface OpenedPage {
  readonly page: Page
  readonly context: BrowserContext
  /** the URLs of the requests to any host but this machine (each was aborted) */
  readonly outsideRequests: string[]
  /** what the page logged as errors: console errors and uncaught exceptions */
  readonly pageErrors: string[]
}

export interface OpenedBrowser {
  readonly browser: Browser
  /** a page in a fresh context (no storage shared with other pages) */
  newPage(): Promise<OpenedPage>
  close(): Promise<void>
}

/** Whether a URL stays on this machine (data: and blob: URLs never leave it). */
export function isLocalUrl(url: string): boolean {
  const parsed = new URL(url)
  if (parsed.protocol === 'data:' || parsed.protocol === 'blob:' || parsed.protocol === 'about:') return true
  return LOCAL_HOSTS.has(parsed.hostname)
}

/** Launches the machine's Chromium headless (CHROMIUM_PATH, else chromium on PATH). */
export async function openBrowser(): Promise<OpenedBrowser> {
  const executablePath = findChromium()
  if (!executablePath) {
    throw new Error('Chromium was not found: set CHROMIUM_PATH or install it (Debian: apt-get install chromium)')
  }
  const browser = await chromium.launch({
    executablePath,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  })
  return {
    browser,
    async newPage() {
      const context = await browser.newContext({ viewport: { width: 1440, height: 900 } })
      const outsideRequests: string[] = []
      const pageErrors: string[] = []
      await context.route('**/*', (route) => {
        const url = route.request().url()
        if (isLocalUrl(url)) return route.continue()
        outsideRequests.push(url)
        return route.abort('blockedbyclient')
      })
      const page = await context.newPage()
      page.on('console', (message) => {
        if (message.type() === 'error') pageErrors.push(`console: ${message.text()}`)
      })
      page.on('pageerror', (error) => pageErrors.push(`uncaught: ${error.message}`))
      return { page, context, outsideRequests, pageErrors }
    },
    close: () => browser.close(),
  }
}

/** Saves a full-page screenshot as tests/.artifacts/<name>.png and returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(ARTIFACTS_DIR, { recursive: true })
  const path = join(ARTIFACTS_DIR, `${name}.png`)
  await page.screenshot({ path, fullPage: true })
  return path
}
