// The workflow worker: runs scenario code only (no activities, no I/O of its own).
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker'
import {
  createLogger,
  installTemporalRuntime,
  readTemporalConfig,
  readLogLevel,
  startTracing,
  surviveUnhandledFailures,
} from '@marketplace/service-template'
import { SCENARIOS_TASK_QUEUE } from './task-queues'
import { WORKFLOW_INTERCEPTORS_PATH, workflowSpanSinks } from './tracing'

export const WORKFLOWS_PATH = require.resolve('./scenarios')

/**
 * The scenarios pre-bundled by `npm run build` (scripts/build.ts): dist/workflows/workflow-bundle.js,
 * next to this file's compiled copy. The sources have none: there the worker bundles WORKFLOWS_PATH
 * itself at start (webpack, a few seconds).
 */
export const WORKFLOW_BUNDLE_PATH = join(__dirname, '..', 'workflow-bundle.js')

/** How the worker gets its workflow code: the build's bundle when there is one, else the sources. */
export function workflowCodeOptions(bundlePath = WORKFLOW_BUNDLE_PATH): Pick<WorkerOptions, 'workflowBundle' | 'workflowsPath'> {
  return existsSync(bundlePath) ? { workflowBundle: { codePath: bundlePath } } : { workflowsPath: WORKFLOWS_PATH }
}

export async function createScenarioWorker(
  connection: NativeConnection,
  namespace: string,
  options: Partial<WorkerOptions> = {},
): Promise<Worker> {
  // code given by the caller (a test's workflowsPath or bundle) replaces the default
  const code = options.workflowsPath || options.workflowBundle ? {} : workflowCodeOptions()
  // the bundle has the tracing interceptors built in (scripts/build.ts); the sources are given them
  const fromSources = (options.workflowsPath ?? code.workflowsPath) !== undefined
  return Worker.create({
    connection,
    namespace,
    taskQueue: SCENARIOS_TASK_QUEUE,
    ...code,
    ...(fromSources ? { interceptors: { workflowModules: [WORKFLOW_INTERCEPTORS_PATH] } } : {}),
    sinks: workflowSpanSinks(startTracing('workflow-worker')),
    ...options,
  })
}

/** Waits before the next attempt: 1 s, doubling, at most 30 s. */
export const reconnectDelayMs = (attempt: number): number => Math.min(30_000, 1_000 * 2 ** Math.max(0, attempt - 1))

async function main(): Promise<void> {
  const config = readTemporalConfig()
  const log = createLogger('workflow-worker', readLogLevel(process.env))
  // a stray failure is logged; the loop below is what keeps the worker polling
  surviveUnhandledFailures(log)
  // Temporal's own logs (SDK and core) as our lines; before the first connection creates a default Runtime
  installTemporalRuntime(log)
  let stopping = false
  let worker: Worker | undefined
  const stop = (): void => {
    stopping = true
    if (worker?.getState() === 'RUNNING') worker.shutdown()
  }
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)
  // Temporal away (not started yet, restarting, gone for longer than the SDK's own retries): the
  // worker fails or cannot connect; it is created again, with back-off, until Temporal answers
  for (let failures = 0; !stopping;) {
    let connection: NativeConnection | undefined
    try {
      connection = await NativeConnection.connect({ address: config.address })
      worker = await createScenarioWorker(connection, config.namespace)
      log.info('workflow worker polling', {
        taskQueue: SCENARIOS_TASK_QUEUE,
        temporal: config.address,
        workflows: existsSync(WORKFLOW_BUNDLE_PATH) ? 'bundle' : 'sources',
      })
      failures = 0
      if (stopping) break
      await worker.run()
    } catch (err) {
      failures += 1
      if (failures === 1 || failures % 10 === 0)
        log.warn('workflow worker cannot reach Temporal; retrying', {
          address: config.address,
          attempt: failures,
          error: (err as Error).message,
        })
      if (!stopping) await new Promise((r) => setTimeout(r, reconnectDelayMs(failures)))
    } finally {
      worker = undefined
      await connection?.close().catch(() => undefined)
    }
  }
}

if (require.main === module) {
  main().catch((err) => {
    console.error(err)
    process.exit(1)
  })
}
