import { createServer } from 'node:net'

/** A TCP port that was free a moment ago: ask the kernel for one, then release it. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.unref()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      const port = typeof address === 'object' && address ? address.port : 0
      server.close(() => resolve(port))
    })
  })
}

export async function waitFor(what: string, probe: () => Promise<boolean>, { timeoutMs = 60_000, intervalMs = 100 } = {}): Promise<void> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    if (await probe().catch(() => false)) return
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
    await new Promise((r) => setTimeout(r, intervalMs))
  }
}

export const httpOk = (url: string) => async (): Promise<boolean> => (await fetch(url)).ok
