// The workflow worker: runs scenario code only (no activities, no I/O of its own).
import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker'
import { createLogger, readTemporalConfig, readLogLevel } from '@marketplace/service-template'
import { SCENARIOS_TASK_QUEUE } from './task-queues'

export const WORKFLOWS_PATH = require.resolve('./scenarios')

export async function createScenarioWorker(connection: NativeConnection, namespace: string, options: Partial<WorkerOptions> = {}): Promise<Worker> {
  return Worker.create({ connection, namespace, taskQueue: SCENARIOS_TASK_QUEUE, workflowsPath: WORKFLOWS_PATH, ...options })
}

async function main(): Promise<void> {
  const config = readTemporalConfig()
  const log = createLogger('workflow-worker', readLogLevel(process.env))
  let connection: NativeConnection | undefined
  for (let attempt = 1; !connection; attempt++) {
    try {
      connection = await NativeConnection.connect({ address: config.address })
    } catch (err) {
      if (attempt === 1) log.warn('waiting for Temporal', { address: config.address, error: (err as Error).message })
      await new Promise((r) => setTimeout(r, 1000))
    }
  }
  const worker = await createScenarioWorker(connection, config.namespace)
  const stop = (): void => worker.shutdown()
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)
  log.info('workflow worker polling', { taskQueue: SCENARIOS_TASK_QUEUE, temporal: config.address })
  await worker.run()
  await connection.close()
}

if (require.main === module) {
  main().catch((err) => {
    console.error(err)
    process.exit(1)
  })
}
