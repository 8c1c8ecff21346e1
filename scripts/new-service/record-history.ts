// Records the new scenario's first history for tests/unit/workflow-replay.test.ts, which insists on
// one per exported workflow: a throwaway Temporal dev server, the scenario code of the repository
// being changed, and its one activity answered as the service would (the id it was given), since
// replay checks the workflow's own decisions, not what an activity did.
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Client, Connection } from '@temporalio/client'
import { NativeConnection, Worker } from '@temporalio/worker'
import { historyToJSONText } from '../record-histories'
import { freePort, waitFor } from '../lib/ports'
import { devServerArgs, ensureTemporalCli, temporalAnswers } from '../lib/temporal'
import type { ServiceNames } from './names'

const SCENARIOS_TASK_QUEUE = 'scenarios'

export async function recordScenarioHistory(root: string, n: ServiceNames, log: (line: string) => void = console.log): Promise<string> {
  const cli = ensureTemporalCli(log)
  const dir = mkdtempSync(join(tmpdir(), 'new-service-history-'))
  const port = await freePort()
  const address = `127.0.0.1:${port}`
  const server = spawn(cli, devServerArgs({ dbFile: join(dir, 'temporal.db'), port, uiPort: null }), { stdio: 'ignore' })
  try {
    await waitFor('temporal', () => temporalAnswers(address), { timeoutMs: 60_000 })
    const workerConnection = await NativeConnection.connect({ address })
    const workflows = await Worker.create({
      connection: workerConnection,
      taskQueue: SCENARIOS_TASK_QUEUE,
      workflowsPath: join(root, 'workflows', 'src', 'scenarios', 'index.ts'),
    })
    const activities = await Worker.create({
      connection: workerConnection,
      taskQueue: n.service,
      activities: { [n.create]: async (input: { id: string }) => ({ id: input.id }) },
    })
    const client = new Client({ connection: await Connection.connect({ address }) })
    const path = join(root, 'workflows', 'histories', `${n.create}.json`)
    const record = async (): Promise<void> => {
      const handle = await client.workflow.start(n.create, {
        taskQueue: SCENARIOS_TASK_QUEUE,
        workflowId: `${n.createFile}-recorded`,
        args: [{ ownerId: '00000000-0000-4000-8000-000000000001', name: `A recorded ${n.entity}` }],
      })
      await handle.result()
      writeFileSync(path, `${historyToJSONText(await handle.fetchHistory())}\n`)
    }
    // each worker stops once the run is recorded (or its recording failed)
    await workflows.runUntil(activities.runUntil(record()))
    await client.connection.close()
    await workerConnection.close()
    return path
  } finally {
    server.kill('SIGTERM')
    rmSync(dir, { recursive: true, force: true })
  }
}
