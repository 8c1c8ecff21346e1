// A scenario's progress, kept in the run's memo so `operation(id)` reads it with one describe call.
import {
  ActivityFailure,
  ApplicationFailure,
  log,
  proxyActivities,
  TimeoutFailure,
  upsertMemo,
  workflowInfo,
  type ActivityInterfaceFor,
  type ActivityOptions,
} from '@temporalio/workflow'

export type StepStatus = 'PENDING' | 'RUNNING' | 'COMPLETED' | 'FAILED' | 'COMPENSATED' | 'SKIPPED'

export interface StepProgress {
  /** the step's name: also its activity's id in Temporal (see `service()`) */
  readonly name: string
  /**
   * the Temporal activity (type) the step runs, noted when the step names it; null while it has not
   * run one (PENDING, SKIPPED). Absent from the memos of runs started before it was kept.
   */
  readonly activity?: string | null
  readonly status: StepStatus
  readonly error: string | null
}

export interface Progress {
  readonly scenario: string
  /** the caller who started the run: who may read it besides moderators */
  readonly initiator: string | null
  /** set when the run ended by undoing what it had done */
  readonly compensated: boolean
  readonly error: string | null
  readonly steps: readonly StepProgress[]
}

export const PROGRESS_MEMO = 'progress'

/**
 * Failures whose message is written for a person: the contract's codes (a service's refusal), an
 * activity's internal error (already generic, with its reference: see the template's activity
 * worker) and a compensated run's reason.
 */
const PUBLIC_FAILURE_TYPES = new Set([
  'BAD_USER_INPUT',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'NOT_FOUND',
  'CONFLICT',
  'INTERNAL',
  'COMPENSATED',
  'NO_DECISION',
])

/** A short, stable reference for a failure of this run (workflow code has no randomness of its own to spare). */
function referenceOf(text: string): string {
  let hash = 0x811c9dc5
  for (const char of `${workflowInfo().runId}:${text}`) hash = Math.imul(hash ^ (char.codePointAt(0) ?? 0), 0x01000193) >>> 0
  return hash.toString(16).padStart(8, '0')
}

/**
 * The message a person should read: an activity's own failure, not Temporal's wrapper — and only
 * a message written for people: anything else (a connection error, SQL, a bug's text) is shown as
 * a generic text with a reference, and logged in full with that reference.
 */
export function failureMessage(err: unknown): string {
  let cause: unknown = err
  while ((cause instanceof ActivityFailure || cause instanceof TimeoutFailure) && cause.cause) cause = cause.cause
  if (cause instanceof ApplicationFailure && PUBLIC_FAILURE_TYPES.has(cause.type ?? '')) return cause.message
  if (cause instanceof TimeoutFailure) return 'The step timed out.'
  const text = cause instanceof Error ? cause.message : String(err)
  const ref = referenceOf(text)
  log.error('scenario step failed', { ref, error: text })
  return `Internal error (ref ${ref})`
}

/** A service's activities, proxied so each call's activity id is the step's name. */
export type Service<A> = (stepName: string) => ActivityInterfaceFor<A>

export function service<A>(taskQueue: string, options: ActivityOptions): Service<A> {
  return (stepName) => proxyActivities<A>({ ...options, taskQueue, activityId: stepName })
}

export class ScenarioRun {
  private steps: StepProgress[]
  private compensated = false
  private error: string | null = null

  constructor(
    readonly scenario: string,
    private readonly initiator: string | null,
    plannedSteps: readonly string[],
  ) {
    this.steps = plannedSteps.map((name) => ({ name, activity: null, status: 'PENDING', error: null }))
    this.publish()
  }

  /** Adds steps still to come (e.g. once a decision says which ones). */
  plan(...names: string[]): void {
    for (const name of names)
      if (!this.steps.some((s) => s.name === name)) this.steps.push({ name, activity: null, status: 'PENDING', error: null })
    this.publish()
  }

  /**
   * Runs one step: `call` calls one activity of `service` (its activity id is the step's name). The
   * step turns RUNNING when `call` names that activity — right before Temporal schedules it — so the
   * memo says which activity the step runs: the same memo writes, at the same points of the run, as
   * before the activity was noted (recorded histories replay unchanged).
   */
  async step<A, T>(name: string, service: Service<A>, call: (activities: ActivityInterfaceFor<A>) => Promise<T>): Promise<T> {
    this.plan(name)
    let running = false
    const start = (activity: string | null): void => {
      if (running) return
      running = true
      this.set(name, 'RUNNING', null, activity)
    }
    const activities = new Proxy(service(name), {
      get: (target, property, receiver): unknown => {
        if (typeof property === 'string') start(property)
        return Reflect.get(target, property, receiver)
      },
    })
    try {
      const pending = call(activities)
      start(null) // a call that did not name its activity at once
      const result = await pending
      this.set(name, 'COMPLETED', null)
      return result
    } catch (err) {
      start(null)
      this.set(name, 'FAILED', failureMessage(err))
      throw err
    }
  }

  /** Runs an undo step and marks the step it undoes as COMPENSATED. */
  async compensate<A>(
    undone: string,
    name: string,
    service: Service<A>,
    call: (activities: ActivityInterfaceFor<A>) => Promise<unknown>,
  ): Promise<void> {
    await this.step(name, service, call)
    const step = this.steps.find((s) => s.name === undone)
    this.set(undone, 'COMPENSATED', step?.error ?? null)
  }

  skipRemaining(): void {
    this.steps = this.steps.map((s) => (s.status === 'PENDING' ? { ...s, status: 'SKIPPED' } : s))
    this.publish()
  }

  /** Ends the run as failed: remaining steps are skipped and the error is the run's. */
  fail(err: unknown): never {
    this.error = failureMessage(err)
    this.skipRemaining()
    throw err instanceof ApplicationFailure || err instanceof ActivityFailure ? err : ApplicationFailure.fromError(err)
  }

  markCompensated(reason: string): void {
    this.compensated = true
    this.error = reason
    this.skipRemaining()
  }

  /** `activity` undefined: the step's activity stays as noted. */
  private set(name: string, status: StepStatus, error: string | null, activity?: string | null): void {
    this.steps = this.steps.map((s) => (s.name === name ? { ...s, status, error, ...(activity === undefined ? {} : { activity }) } : s))
    this.publish()
  }

  private publish(): void {
    const progress: Progress = {
      scenario: this.scenario,
      initiator: this.initiator,
      compensated: this.compensated,
      error: this.error,
      steps: this.steps,
    }
    upsertMemo({ [PROGRESS_MEMO]: progress })
  }
}

/** Runs a scenario's steps in order; the first failure fails the run with its message. */
export async function scenario<T>(
  initiator: string | null,
  plannedSteps: readonly string[],
  body: (run: ScenarioRun) => Promise<T>,
): Promise<T> {
  const run = new ScenarioRun(workflowInfo().workflowType, initiator, plannedSteps)
  try {
    return await body(run)
  } catch (err) {
    return run.fail(err)
  }
}
