import { randomBytes } from 'node:crypto'
import { ApplicationFailure, TemporalFailure } from '@temporalio/common'
import { NativeConnection, Worker } from '@temporalio/worker'
import { OpenTelemetryActivityInboundInterceptor, OpenTelemetryActivityOutboundInterceptor } from '@temporalio/interceptors-opentelemetry'
import type { TemporalConfig } from './config'
import { DomainError } from './errors'
import type { Logger } from './logger'
import { installTemporalRuntime } from './temporal-logs'

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Activities = Record<string, (...args: any[]) => Promise<unknown>>

/** The failure type of an activity's internal error: its message is generic (see internalFailure). */
export const INTERNAL_FAILURE_TYPE = 'INTERNAL'
// failure types whose message is written for a person: the contract's codes, and ours
const PUBLIC_FAILURE_TYPES = new Set<string>([
  'BAD_USER_INPUT',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'NOT_FOUND',
  'CONFLICT',
  INTERNAL_FAILURE_TYPE,
])

/** What a person sees of an internal error: a reference to the log line that has the details. */
export const internalErrorMessage = (ref: string): string => `Internal error (ref ${ref})`

/**
 * An internal error (a connection refused, a statement timeout, a bug) leaves the activity with a
 * generic message and a reference; the full error is logged here under the same reference. Its
 * text — hosts, ports, SQL — would otherwise reach `operation(id)`, moderation events and
 * Temporal's Web UI. Retryable as before (unless it was a non-retryable ApplicationFailure).
 */
export function internalFailure(err: unknown, activity: string, log?: Logger): ApplicationFailure {
  const ref = randomBytes(4).toString('hex')
  log?.error('activity failed', { activity, ref, error: err })
  return ApplicationFailure.create({
    type: INTERNAL_FAILURE_TYPE,
    message: internalErrorMessage(ref),
    nonRetryable: err instanceof ApplicationFailure && err.nonRetryable === true,
  })
}

/**
 * A client's mistake must not be retried: a DomainError leaves the activity as a non-retryable
 * ApplicationFailure whose type is the contract's code (the façade maps it back). Anything else
 * leaves it as an internal failure (see internalFailure); Temporal's own failures (cancellation)
 * pass as they are.
 */
export function withDomainFailures<A extends Activities>(activities: A, log?: Logger): A {
  const wrapped: Activities = {}
  for (const [name, activity] of Object.entries(activities)) {
    wrapped[name] = async (...args: unknown[]) => {
      try {
        return await activity(...args)
      } catch (err) {
        if (!(err instanceof DomainError)) {
          const passes =
            err instanceof TemporalFailure && (!(err instanceof ApplicationFailure) || PUBLIC_FAILURE_TYPES.has(err.type ?? ''))
          throw passes ? err : internalFailure(err, name, log)
        }
        throw ApplicationFailure.create({
          type: err.code,
          message: err.message,
          nonRetryable: true,
          details: err.field ? [{ field: err.field }] : [],
        })
      }
    }
  }
  return wrapped as A
}

export interface ActivityWorker {
  stop(): Promise<void>
  /** resolves once the worker polls its task queue */
  readonly ready: Promise<void>
}

/**
 * Serves a service's write activities on its own task queue. Temporal being down only delays
 * writes: the worker keeps trying to connect while the service goes on serving reads.
 */
export function startActivityWorker(taskQueue: string, activities: Activities, config: TemporalConfig, log: Logger): ActivityWorker {
  // Temporal's own logs into ours (once per process, before the first connection)
  installTemporalRuntime(log)
  let stopped = false
  let worker: Worker | undefined
  let markReady: () => void = () => {}
  let wake: () => void = () => {} // ends the back-off's wait when the worker is stopped
  const ready = new Promise<void>((resolve) => (markReady = resolve))
  const running = (async () => {
    let failures = 0
    while (!stopped) {
      let connection: NativeConnection | undefined
      try {
        connection = await NativeConnection.connect({ address: config.address })
        worker = await Worker.create({
          connection,
          namespace: config.namespace,
          taskQueue,
          activities: withDomainFailures(activities, log),
          maxConcurrentActivityTaskExecutions: 50,
          // each activity a span, a child of the run's (Temporal headers); its SQL spans below it
          interceptors: {
            activity: [
              (ctx) => ({
                inbound: new OpenTelemetryActivityInboundInterceptor(ctx),
                outbound: new OpenTelemetryActivityOutboundInterceptor(ctx),
              }),
            ],
          },
        })
        log.info('activity worker polling', { taskQueue, temporal: config.address })
        failures = 0
        markReady()
        if (stopped) return
        await worker.run()
      } catch (err) {
        // Temporal down, restarting, or gone longer than the SDK's own retries (worker.run() fails):
        // connect and create the worker again, backing off from 1 s to 30 s
        failures += 1
        if (failures === 1 || failures % 10 === 0 || stopped)
          log.warn('activity worker cannot reach Temporal; retrying', { taskQueue, attempt: failures, error: (err as Error).message })
        if (!stopped) await new Promise<void>((r) => setTimeout((wake = r), Math.min(30_000, 1000 * 2 ** (failures - 1))))
      } finally {
        worker = undefined
        await connection?.close().catch(() => undefined)
      }
    }
  })()
  return {
    ready,
    async stop() {
      stopped = true
      wake()
      if (worker && worker.getState() === 'RUNNING') worker.shutdown()
      await running
    },
  }
}
