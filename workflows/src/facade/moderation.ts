import { WorkflowExecutionAlreadyStartedError, type Client, type WithStartWorkflowOperation } from '@temporalio/client'
import type { Workflow } from '@temporalio/common'
import { toDomainError } from './failures'

/** Temporal did not take the decision within the wait (down, restarting, frozen): the client may retry. */
export class DecisionNotTakenError extends Error {
  override readonly name = 'DecisionNotTakenError'
}

const TIMED_OUT = Symbol('timed out')

/**
 * Update-with-Start bounded by `waitMs`, the start included: the update's result when the run
 * answers in time; null (the operation is RUNNING) when the run exists but its answer did not come
 * in time — the decision then is the run's, or the run ends FAILED for want of it (its decision
 * timeout); DecisionNotTakenError when no run could be reached. Never waits longer than `waitMs`.
 */
export async function updateWithStartWithin<Ret, W extends Workflow = Workflow>(
  client: Client,
  update: string,
  args: unknown[],
  start: WithStartWorkflowOperation<W>,
  waitMs: number,
  updateId?: string,
): Promise<Ret | null> {
  const deadline = Date.now() + waitMs
  let timer: NodeJS.Timeout | undefined
  const timedOut = new Promise<typeof TIMED_OUT>((resolve) => (timer = setTimeout(() => resolve(TIMED_OUT), waitMs)))
  // every gRPC call below ends at the deadline: none is left polling a frozen server
  const bounded = <T>(fn: () => Promise<T>): Promise<T | typeof TIMED_OUT> => {
    const call = client.withDeadline(deadline, fn)
    call.catch(() => undefined)
    return Promise.race([call, timedOut])
  }
  try {
    const accepted = await bounded(() =>
      client.workflow.startUpdateWithStart(update, {
        args,
        waitForStage: 'ACCEPTED',
        startWorkflowOperation: start,
        ...(updateId ? { updateId } : {}),
      }),
    )
    if (accepted === TIMED_OUT) return await runningOrNotTaken(start)
    const result = await bounded(() => accepted.result() as Promise<Ret>)
    return result === TIMED_OUT ? null : result
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError || toDomainError(err) || Date.now() < deadline) throw err
    // DEADLINE_EXCEEDED from one of the calls: the same as the wait running out
    return await runningOrNotTaken(start)
  } finally {
    clearTimeout(timer)
  }
}

/** Null when the run was started (or found), else DecisionNotTakenError. */
async function runningOrNotTaken<W extends Workflow>(start: WithStartWorkflowOperation<W>): Promise<null> {
  const started = await Promise.race([
    start.workflowHandle().then(
      () => true,
      () => false,
    ),
    new Promise<false>((resolve) => setImmediate(() => resolve(false))),
  ])
  if (started) return null
  throw new DecisionNotTakenError('Temporal did not take the moderation decision within MUTATION_WAIT_MS; the moderator may try again')
}

/**
 * Whether the run `workflowId` (its latest execution) accepted the update `updateId`: a keyed
 * decision whose answer was lost, retried after the run ended. Bounded by `waitMs`.
 */
export async function acceptedUpdate(client: Client, workflowId: string, updateId: string, waitMs: number): Promise<boolean> {
  const history = await client.withDeadline(Date.now() + waitMs, () => client.workflow.getHandle(workflowId).fetchHistory())
  return (history.events ?? []).some(
    (event) => event.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.meta?.updateId === updateId,
  )
}
