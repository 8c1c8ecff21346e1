// The scenarios' workflow interceptors (WorkerOptions.interceptors.workflowModules, and the build's
// bundle): one memo write per workflow task instead of one per progress change.
import type {
  ConcludeActivationInput,
  ConcludeActivationOutput,
  Next,
  WorkflowInterceptorsFactory,
  WorkflowInternalsInterceptor,
} from '@temporalio/workflow'
import type { coresdk } from '@temporalio/proto'

type Command = coresdk.workflow_commands.IWorkflowCommand

/**
 * A run's progress changes several times within one workflow task (a step completes, the next is
 * planned and starts), and each change was a memo write of its own: a history event and a
 * visibility update each in Temporal, though nobody can read the memo between the changes of one
 * task (the server applies a task's commands together). Runs that record the
 * `coalesced-progress` patch (see ScenarioRun) send one write per task: the memo fields of all of
 * them, the later ones winning, in the place of the last one.
 */
export function coalesceMemoWrites(commands: readonly Command[]): Command[] {
  const writes = commands.flatMap((command, index) => (command.modifyWorkflowProperties?.upsertedMemo ? [index] : []))
  if (writes.length < 2) return [...commands]
  const fields: NonNullable<NonNullable<Command['modifyWorkflowProperties']>['upsertedMemo']>['fields'] = {}
  for (const index of writes) Object.assign(fields, commands[index]?.modifyWorkflowProperties?.upsertedMemo?.fields ?? {})
  const last = writes[writes.length - 1]
  return commands.flatMap((command, index) => {
    if (index === last) return [{ modifyWorkflowProperties: { upsertedMemo: { fields } } }]
    return writes.includes(index) ? [] : [command]
  })
}

// Flags on the run's global scope: each workflow has its own, also in a reused V8 context.
const INSTALLED = '__marketplaceProgressWritesInstalled'
const COALESCING = '__marketplaceProgressWritesCoalesced'
const flags = globalThis as Record<string, unknown>

/**
 * True when this module is one of the worker's workflow interceptor modules: only then may a run
 * take the patch (a run that took it on a worker without the interceptor would record a write per
 * change under the patch, and no longer replay where the interceptor is).
 */
export const progressWritesCoalescible = (): boolean => flags[INSTALLED] === true

/** Called by ScenarioRun once the run has taken the patch. */
export function coalesceProgressOfThisRun(): void {
  flags[COALESCING] = true
}

class ProgressWrites implements WorkflowInternalsInterceptor {
  concludeActivation(
    input: ConcludeActivationInput,
    next: Next<WorkflowInternalsInterceptor, 'concludeActivation'>,
  ): ConcludeActivationOutput {
    return next(flags[COALESCING] === true ? { commands: coalesceMemoWrites(input.commands) } : input)
  }
}

export const interceptors: WorkflowInterceptorsFactory = () => {
  flags[INSTALLED] = true
  return { internals: [new ProgressWrites()] }
}
