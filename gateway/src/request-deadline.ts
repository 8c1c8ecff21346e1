import { AsyncLocalStorage } from 'node:async_hooks'

// the deadline of the client request being served: subgraph calls made on its behalf read it
const requestSignal = new AsyncLocalStorage<AbortSignal>()

/** The abort signal of the client request this code runs for, if any. */
export const currentRequestSignal = (): AbortSignal | undefined => requestSignal.getStore()

export type DeadlineOutcome<T> = { readonly timedOut: false; readonly value: T } | { readonly timedOut: true }

/**
 * Runs `work` under a deadline: past `timeoutMs` the outcome is `timedOut` at once, and every
 * subgraph call the work still makes, or is waiting for, is aborted (the fetcher reads the signal).
 */
export async function withDeadline<T>(timeoutMs: number, work: () => Promise<T>): Promise<DeadlineOutcome<T>> {
  const controller = new AbortController()
  let timer: NodeJS.Timeout | undefined
  const expired = new Promise<DeadlineOutcome<T>>((resolve) => {
    timer = setTimeout(() => {
      controller.abort(new Error('the request deadline passed'))
      resolve({ timedOut: true })
    }, timeoutMs)
  })
  const running = requestSignal.run(controller.signal, work)
  // once abandoned, the work's own failure is nobody's to report
  running.catch(() => undefined)
  try {
    return await Promise.race([running.then((value): DeadlineOutcome<T> => ({ timedOut: false, value })), expired])
  } finally {
    clearTimeout(timer)
  }
}
