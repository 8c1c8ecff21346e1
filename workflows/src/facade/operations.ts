import { createHash } from 'node:crypto'
import type { Client } from '@temporalio/client'
import type { temporal } from '@temporalio/proto'
import { INTERNAL_FAILURE_TYPE, internalErrorMessage, isModerator, type Caller, type Logger } from '@marketplace/service-template'
import { PROGRESS_MEMO, type Progress, type StepStatus } from '../scenarios/progress'

export type OperationStatus = 'RUNNING' | 'COMPLETED' | 'FAILED' | 'COMPENSATED'

export interface OperationStep {
  readonly name: string
  /** the Temporal activity the step runs (its activity id in Temporal is `name`); null while it has run none */
  readonly activity: string | null
  readonly status: StepStatus
  readonly attempts: number
  readonly error: string | null
}

export interface Operation {
  readonly id: string
  readonly scenario: string
  readonly status: OperationStatus
  readonly startedAt: Date
  readonly closedAt: Date | null
  readonly steps: readonly OperationStep[]
  readonly error: string | null
  readonly initiator: string | null
}

const CLOSED_AS: Readonly<Record<string, OperationStatus>> = {
  RUNNING: 'RUNNING',
  COMPLETED: 'COMPLETED',
  CONTINUED_AS_NEW: 'RUNNING',
  FAILED: 'FAILED',
  CANCELLED: 'FAILED',
  TERMINATED: 'FAILED',
  TIMED_OUT: 'FAILED',
}

// failure types whose message is written for a person (see the template's activity worker)
const PUBLIC_FAILURE_TYPES = new Set<string>([
  'BAD_USER_INPUT',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'NOT_FOUND',
  'CONFLICT',
  INTERNAL_FAILURE_TYPE,
])

/**
 * A running step's last failure as a client may read it: a service's refusal or an activity's
 * generic internal error as it is; anything else (a worker that does not map its errors, Temporal's
 * own failures) as a generic text whose reference names the full failure in this façade's log.
 */
export function publicFailureMessage(failure: temporal.api.failure.v1.IFailure | null | undefined, log?: Logger): string | null {
  if (!failure) return null
  const type = failure.applicationFailureInfo?.type
  if (type && PUBLIC_FAILURE_TYPES.has(type)) return failure.message ?? null
  if (failure.timeoutFailureInfo) return failure.cause ? publicFailureMessage(failure.cause, log) : 'The step timed out.'
  // the same failure read twice has the same reference
  const ref = createHash('sha256')
    .update(failure.message ?? '')
    .digest('hex')
    .slice(0, 8)
  log?.error('a step failed with an internal error', { ref, error: failure.message, type: type ?? null })
  return internalErrorMessage(ref)
}

/**
 * A run as analysts see it: the scenario's own progress (its memo), the attempts Temporal counted
 * (history for finished steps, pending activities for the running one) and the run's status.
 * Each step's activity is the one its memo notes; runs started before memos noted it get it from
 * the history (the activity type scheduled under the step's name as activity id).
 */
export async function loadOperation(client: Client, workflowId: string, log?: Logger): Promise<Operation | null> {
  const handle = client.workflow.getHandle(workflowId)
  let description
  try {
    description = await handle.describe()
  } catch (err) {
    if ((err as { name?: string }).name === 'WorkflowNotFoundError') return null
    throw err
  }
  const progress = description.memo?.[PROGRESS_MEMO] as Progress | undefined
  const attempts = new Map<string, number>()
  const scheduled = new Map<string, string>()
  const activityTypes = new Map<string, string>()
  for (const event of (await handle.fetchHistory()).events ?? []) {
    const activityId = event.activityTaskScheduledEventAttributes?.activityId
    if (activityId && event.eventId != null) scheduled.set(String(event.eventId), activityId)
    const activityType = event.activityTaskScheduledEventAttributes?.activityType?.name
    if (activityId && activityType) activityTypes.set(activityId, activityType)
    const started = event.activityTaskStartedEventAttributes
    if (started?.scheduledEventId != null) {
      const id = scheduled.get(String(started.scheduledEventId))
      if (id) attempts.set(id, started.attempt ?? 1)
    }
  }
  const pending = new Map<string, { attempt: number; error: string | null }>()
  for (const activity of description.raw.pendingActivities ?? []) {
    if (activity.activityId)
      pending.set(activity.activityId, { attempt: activity.attempt ?? 1, error: publicFailureMessage(activity.lastFailure, log) })
  }
  const steps = (progress?.steps ?? []).map((step) => {
    const live = pending.get(step.name)
    return {
      name: step.name,
      activity: step.activity ?? activityTypes.get(step.name) ?? null,
      status: step.status,
      attempts: live?.attempt ?? attempts.get(step.name) ?? 0,
      error: live?.error ?? step.error,
    }
  })
  let status = CLOSED_AS[description.status.name] ?? 'FAILED'
  if (progress?.compensated && status !== 'RUNNING') status = 'COMPENSATED'
  return {
    id: workflowId,
    scenario: progress?.scenario ?? description.type,
    status,
    startedAt: description.startTime,
    closedAt: description.closeTime ?? null,
    steps,
    error: progress?.error ?? null,
    initiator: progress?.initiator ?? null,
  }
}

/** The contract's rule: the caller's own operations; moderators and admins see all. */
export const canSeeOperation = (caller: Caller, operation: Operation): boolean =>
  isModerator(caller) || (caller.userId !== null && caller.userId === operation.initiator)
