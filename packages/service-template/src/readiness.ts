import type { ServerResponse } from 'node:http'
import { sql, type Kysely } from 'kysely'
import type { Cache } from './cache'
import { sendJson } from './http'
import type { Logger } from './logger'

/** One dependency's answer: resolves when it is reachable, rejects (or never settles) when not. */
export type DependencyCheck = () => Promise<unknown>

export interface DependencyState {
  readonly state: 'up' | 'down'
  /** how long the check took (the timeout when it did not answer) */
  readonly ms: number
  /** why it is down: "timeout" or the error's name — never its text (hosts, ports, SQL) */
  readonly reason?: string
}

export interface Readiness {
  readonly ready: boolean
  readonly dependencies: Readonly<Record<string, DependencyState>>
}

/** How long /ready waits for each dependency: well under a load balancer's probe timeout. */
export const READY_TIMEOUT_MS = 1_000

class CheckTimeout extends Error {
  override readonly name = 'timeout'
}

/** Runs every check at once, each bounded by `timeoutMs`; ready when every one answered. */
export async function checkReadiness(checks: Readonly<Record<string, DependencyCheck>>, timeoutMs = READY_TIMEOUT_MS): Promise<Readiness> {
  const entries = await Promise.all(
    Object.entries(checks).map(async ([name, check]): Promise<[string, DependencyState]> => {
      const started = Date.now()
      let timer: NodeJS.Timeout | undefined
      const timedOut = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new CheckTimeout()), timeoutMs)
      })
      try {
        await Promise.race([Promise.resolve().then(check), timedOut])
        return [name, { state: 'up', ms: Date.now() - started }]
      } catch (err) {
        const reason = err instanceof CheckTimeout ? 'timeout' : err instanceof Error ? err.name : 'error'
        return [name, { state: 'down', ms: Date.now() - started, reason }]
      } finally {
        clearTimeout(timer)
      }
    }),
  )
  const dependencies = Object.fromEntries(entries)
  return { ready: entries.every(([, d]) => d.state === 'up'), dependencies }
}

/** GET /ready: 200 when every dependency answers, else 503; the body names each one's state. */
export async function serveReadiness(
  res: ServerResponse,
  service: string,
  checks: Readonly<Record<string, DependencyCheck>>,
  timeoutMs = READY_TIMEOUT_MS,
  log?: Logger,
): Promise<Readiness> {
  const readiness = await checkReadiness(checks, timeoutMs)
  if (!readiness.ready) log?.debug('not ready', { dependencies: readiness.dependencies })
  sendJson(res, readiness.ready ? 200 : 503, {
    status: readiness.ready ? 'ready' : 'unavailable',
    service,
    dependencies: readiness.dependencies,
  })
  return readiness
}

/** The database answers a `select 1` (through the pool requests use). */
export const databaseCheck =
  (db: Kysely<unknown>): DependencyCheck =>
  () =>
    sql`select 1`.execute(db)

/** Redis answers a PING and, where this process listens for invalidations, its channel is up. */
export const cacheCheck =
  (cache: Cache): DependencyCheck =>
  async () => {
    await cache.ping?.()
    if (!cache.healthy) throw Object.assign(new Error('the invalidation channel is down'), { name: 'unsubscribed' })
  }

/** Another server's GET url answers 2xx (the gateway's check of its subgraphs' /health). */
export const httpCheck =
  (url: string, timeoutMs = READY_TIMEOUT_MS): DependencyCheck =>
  async () => {
    const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) })
    await response.arrayBuffer().catch(() => undefined)
    if (!response.ok) throw Object.assign(new Error(`HTTP ${response.status}`), { name: `http_${response.status}` })
  }

let survivingUnhandled = false

/**
 * A process entry point's last line of defence: an unhandled rejection or an uncaught exception
 * (e.g. an 'error' event nobody listens to, from a connection a restarted dependency dropped) is
 * logged and the process goes on serving — every request and activity has its own error path,
 * so one stray failure must not take the others down with it.
 */
export function surviveUnhandledFailures(log: Logger): void {
  if (survivingUnhandled) return
  survivingUnhandled = true
  process.on('unhandledRejection', (reason) => log.error('unhandled rejection (the process goes on)', { error: reason }))
  process.on('uncaughtException', (err) => log.error('uncaught exception (the process goes on)', { error: err }))
}
