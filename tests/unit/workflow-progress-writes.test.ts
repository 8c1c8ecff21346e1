// One memo write per workflow task (workflows/src/scenarios/interceptors.ts): the merge itself, and
// the recorded histories of the current code showing it (they are recorded by the real worker).
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { coresdk } from '@temporalio/proto'
import { coalesceMemoWrites } from '../../workflows/src/scenarios/interceptors'
import { HISTORIES_DIR } from '../../scripts/record-histories'

type Command = coresdk.workflow_commands.IWorkflowCommand
const memo = (fields: Record<string, string>): Command => ({
  modifyWorkflowProperties: {
    upsertedMemo: { fields: Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, { data: Buffer.from(v) }])) },
  },
})
const schedule = (id: string): Command => ({ scheduleActivity: { activityId: id } })
const text = (command: Command | undefined): Record<string, string> =>
  Object.fromEntries(
    Object.entries(command?.modifyWorkflowProperties?.upsertedMemo?.fields ?? {}).map(([k, v]) => [
      k,
      Buffer.from(v.data ?? []).toString(),
    ]),
  )

describe('coalesceMemoWrites', () => {
  it('leaves a task with one memo write or none as it is', () => {
    const one = [memo({ progress: 'a' }), schedule('s')]
    expect(coalesceMemoWrites(one)).toEqual(one)
    expect(coalesceMemoWrites([schedule('s')])).toEqual([schedule('s')])
    expect(coalesceMemoWrites([])).toEqual([])
  })

  it('sends one write in the place of the last, the later values winning, every other command in its order', () => {
    const out = coalesceMemoWrites([
      { setPatchMarker: { patchId: 'p' } },
      memo({ progress: 'planned' }),
      schedule('first'),
      memo({ progress: 'running', request: 'r' }),
      schedule('second'),
      memo({ progress: 'both running' }),
      { completeWorkflowExecution: {} },
    ])
    expect(out.map((c) => Object.keys(c)[0])).toEqual([
      'setPatchMarker',
      'scheduleActivity',
      'scheduleActivity',
      'modifyWorkflowProperties',
      'completeWorkflowExecution',
    ])
    expect(text(out[3])).toEqual({ progress: 'both running', request: 'r' })
  })
})

describe('the recorded histories of the current code', () => {
  const current = readdirSync(HISTORIES_DIR).filter((file) => file.endsWith('.json') && !/-v\d+\.json$/.test(file))

  it.each(current)('%s writes its memo at most once per workflow task', (file) => {
    const { events } = JSON.parse(readFileSync(join(HISTORIES_DIR, file), 'utf8')) as { events: { eventType: string }[] }
    const perTask: number[] = []
    for (const { eventType } of events) {
      if (eventType === 'EVENT_TYPE_WORKFLOW_TASK_COMPLETED') perTask.push(0)
      else if (eventType === 'EVENT_TYPE_WORKFLOW_PROPERTIES_MODIFIED') perTask[perTask.length - 1] = (perTask[perTask.length - 1] ?? 0) + 1
    }
    expect(perTask.length).toBeGreaterThan(0)
    expect(perTask.filter((writes) => writes > 1)).toEqual([])
  })
})
