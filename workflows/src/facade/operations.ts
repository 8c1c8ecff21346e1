import { createHash } from 'node:crypto'
import type { Client } from '@temporalio/client'
import { defaultPayloadConverter } from '@temporalio/common'
import { TRACE_HEADER } from '@temporalio/interceptors-opentelemetry/lib/instrumentation'
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
  /** the OpenTelemetry trace the run belongs to (started by a traced request), or null */
  readonly traceId: string | null
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
  let traceId: string | null = null
  for (const event of (await handle.fetchHistory()).events ?? []) {
    const started = event.workflowExecutionStartedEventAttributes
    if (started) traceId = traceIdOfHeader(started.header?.fields?.[TRACE_HEADER])
    const activityId = event.activityTaskScheduledEventAttributes?.activityId
    if (activityId && event.eventId != null) scheduled.set(String(event.eventId), activityId)
    const activityType = event.activityTaskScheduledEventAttributes?.activityType?.name
    if (activityId && activityType) activityTypes.set(activityId, activityType)
    const activityStarted = event.activityTaskStartedEventAttributes
    if (activityStarted?.scheduledEventId != null) {
      const id = scheduled.get(String(activityStarted.scheduledEventId))
      if (id) attempts.set(id, activityStarted.attempt ?? 1)
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
    traceId,
  }
}

/** The trace id in the W3C `traceparent` the façade's traced start put in the run's header. */
export function traceIdOfHeader(payload: temporal.api.common.v1.IPayload | null | undefined): string | null {
  if (!payload) return null
  try {
    const carrier = defaultPayloadConverter.fromPayload<{ traceparent?: unknown }>(payload)
    const match =
      typeof carrier?.traceparent === 'string' ? /^[0-9a-f]{2}-([0-9a-f]{32})-[0-9a-f]{16}-[0-9a-f]{2}$/.exec(carrier.traceparent) : null
    return match?.[1] && !/^0+$/.test(match[1]) ? match[1] : null
  } catch {
    return null
  }
}

/** The contract's rule: the caller's own operations; moderators and admins see all. */
export const canSeeOperation = (caller: Caller, operation: Operation): boolean =>
  isModerator(caller) || (caller.userId !== null && caller.userId === operation.initiator)
