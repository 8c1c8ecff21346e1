// Replays every recorded history (workflows/histories/*.json, written by scripts/record-histories.ts)
// against the current workflow code. A change that would break runs already in flight — a
// non-deterministic change: a step added, removed or reordered, a timer, a different activity —
// fails here. Version such changes (`patched()`, or a new workflow type) and re-record; see the
// header of scripts/record-histories.ts.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DefaultLogger, Runtime, Worker, type ReplayResult, type ReplayWorkerOptions } from '@temporalio/worker'
import type { History } from '@temporalio/common/lib/proto-utils'
import * as scenarios from '../../workflows/src/scenarios'
import { WORKFLOWS_PATH } from '../../workflows/src/worker'
import { HISTORIES_DIR, historyFromJSONText } from '../../scripts/record-histories'

const ROOT = join(__dirname, '..', '..')

interface Recorded {
  readonly name: string
  readonly workflowType: string | undefined
  readonly history: History
}

const recorded: Recorded[] = readdirSync(HISTORIES_DIR)
  .filter((file) => file.endsWith('.json'))
  .sort()
  .map((file) => {
    const history = historyFromJSONText(readFileSync(join(HISTORIES_DIR, file), 'utf8'))
    const workflowType = history.events?.[0]?.workflowExecutionStartedEventAttributes?.workflowType?.name ?? undefined
    return { name: file.replace(/\.json$/, ''), workflowType, history }
  })

/** The workflow types the worker registers: the functions scenarios/index.ts exports (not `moderate`, an update). */
const exportedWorkflowTypes = Object.entries(scenarios)
  .filter(([, value]) => typeof value === 'function')
  .map(([name]) => name)
  .sort()

async function replayAll(options: ReplayWorkerOptions): Promise<Map<string, ReplayResult>> {
  const results = new Map<string, ReplayResult>()
  const histories = recorded.map(({ name, history }) => ({ workflowId: name, history }))
  for await (const result of Worker.runReplayHistories(options, histories)) results.set(result.workflowId, result)
  return results
}

try {
  // quiet: the check below makes the SDK core warn about every non-deterministic replay it sees
  Runtime.install({ logger: new DefaultLogger('ERROR'), telemetryOptions: { logging: { filter: { core: 'ERROR', other: 'ERROR' } } } })
} catch {
  // a Runtime is already installed in this process
}

describe('recorded workflow histories replay against the current workflow code', () => {
  let results: Map<string, ReplayResult>
  beforeAll(async () => {
    results = await replayAll({ workflowsPath: WORKFLOWS_PATH })
  }, 120_000)

  it('there are recorded histories, each of a workflow type the worker registers', () => {
    expect(recorded.length).toBeGreaterThan(0)
    const strangers = recorded.filter((r) => !exportedWorkflowTypes.includes(r.workflowType as string))
    expect(strangers.map((r) => `${r.name}: ${r.workflowType}`)).toEqual([])
  })

  it('every exported workflow type has at least one recorded history', () => {
    expect(exportedWorkflowTypes.length).toBeGreaterThan(0)
    const covered = new Set(recorded.map((r) => r.workflowType))
    expect(exportedWorkflowTypes.filter((type) => !covered.has(type))).toEqual([])
  })

  it.each(recorded.map((r) => [r.name, r.workflowType] as const))('%s (%s) replays without a determinism error', (name) => {
    const result = results.get(name)
    expect(result).toBeDefined()
    expect(result?.error).toBeUndefined()
  })
})

describe('the replay check has teeth', () => {
  // A workflow interceptor that sleeps before every activity: the classic non-deterministic change
  // (a timer where the history has an activity). Every history with an activity must fail to replay.
  const dir = mkdtempSync(join(tmpdir(), 'replay-mutant-'))
  const mutant = join(dir, 'sleep-before-activities.js')
  writeFileSync(
    mutant,
    `import { sleep } from '@temporalio/workflow'
export const interceptors = () => ({
  outbound: [{ async scheduleActivity(input, next) { await sleep(1); return next(input) } }],
})
`,
  )
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('the same histories fail to replay against a workflow changed in a non-deterministic way', async () => {
    const results = await replayAll({
      workflowsPath: WORKFLOWS_PATH,
      interceptors: { workflowModules: [mutant] },
      // the interceptor lives outside the repository: let it import the repository's packages
      bundlerOptions: {
        webpackConfigHook: (config) => ({
          ...config,
          resolve: { ...config.resolve, modules: [...(config.resolve?.modules ?? ['node_modules']), join(ROOT, 'node_modules')] },
        }),
      },
    })
    expect(results.size).toBe(recorded.length)
    const unharmed = [...results.values()].filter((r) => r.error === undefined).map((r) => r.workflowId)
    expect(unharmed).toEqual([])
  }, 120_000)
})
