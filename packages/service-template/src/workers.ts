import cluster from 'node:cluster'

/** How a supervisor waits before restarting a process that died (the stack's and a cluster primary's). */
export interface RestartPolicy {
  /** the wait before the first restart, doubled for each restart in a row */
  readonly initialDelayMs: number
  readonly maxDelayMs: number
  /** a process that stayed up this long was healthy: its next restart waits initialDelayMs again */
  readonly stableAfterMs: number
}

export const DEFAULT_RESTART_POLICY: RestartPolicy = { initialDelayMs: 500, maxDelayMs: 30_000, stableAfterMs: 60_000 }

/** The wait before the `inARow`-th restart in a row (1-based): 0.5 s, 1 s, 2 s, … up to 30 s. */
export function restartDelayMs(inARow: number, policy: RestartPolicy = DEFAULT_RESTART_POLICY): number {
  return Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** Math.max(0, inARow - 1))
}

/** Counts restarts in a row; a process that had stayed up `stableAfterMs` starts the count again. */
export class RestartBackoff {
  private inARow = 0
  restarts = 0

  constructor(private readonly policy: RestartPolicy = DEFAULT_RESTART_POLICY) {}

  /** The wait before restarting a process that ran for `upForMs`. */
  next(upForMs: number): number {
    if (upForMs >= this.policy.stableAfterMs) this.inARow = 0
    this.inARow++
    this.restarts++
    return restartDelayMs(this.inARow, this.policy)
  }
}

export const describeExit = (code: number | null, signal: string | null): string => `code ${code}, signal ${signal ?? 'none'}`

/**
 * `count` > 1: this process becomes a cluster primary that only forks `count` workers sharing the
 * port, and restarts a worker that dies (with back-off) instead of exiting; SIGINT/SIGTERM stop
 * them all. Returns true in the primary (which must not start the server itself).
 */
export function forkWorkers(name: string, count: number, policy: RestartPolicy = DEFAULT_RESTART_POLICY): boolean {
  if (count <= 1 || !cluster.isPrimary) return false
  const backoff = new RestartBackoff(policy)
  const startedAt = new Map<number, number>()
  const fork = (): void => {
    const worker = cluster.fork()
    startedAt.set(worker.id, Date.now())
  }
  for (let i = 0; i < count; i++) fork()
  let stopping = false
  cluster.on('exit', (worker, code, signal) => {
    const upForMs = Date.now() - (startedAt.get(worker.id) ?? Date.now())
    startedAt.delete(worker.id)
    if (stopping) return
    const delayMs = backoff.next(upForMs)
    console.error(
      `[cluster] ${name} worker ${worker.process.pid} exited (${describeExit(code, signal)}); restarting in ${(delayMs / 1000).toFixed(1)} s (restart ${backoff.restarts})`,
    )
    setTimeout(() => {
      if (!stopping) fork()
    }, delayMs)
  })
  const stop = (): void => {
    stopping = true
    for (const worker of Object.values(cluster.workers ?? {})) {
      // a worker that already died may not be signalled or disconnected any more: its 'error'
      // event, unheard, would crash the primary (exit code 1) in the middle of a clean stop
      worker?.process.on('error', () => undefined)
      worker?.process.kill('SIGTERM')
    }
    setTimeout(() => process.exit(0), 10_000).unref()
    // done once every worker has exited (cluster forgets a worker when it has)
    const done = (): void => {
      if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(0)
    }
    cluster.on('exit', done)
    done()
  }
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)
  return true
}
