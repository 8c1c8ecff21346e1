import { ApplicationFailure, WorkflowExecutionAlreadyStartedError } from '@temporalio/common'
import { DomainError, ErrorCode } from '@marketplace/service-template'

const CLIENT_CODES = new Set<string>([
  ErrorCode.BadUserInput,
  ErrorCode.Unauthenticated,
  ErrorCode.Forbidden,
  ErrorCode.NotFound,
  ErrorCode.Conflict,
])

/** The ApplicationFailure behind a workflow, update or activity failure, if any. */
export function applicationFailure(err: unknown): ApplicationFailure | null {
  for (let cause = err; cause; cause = (cause as { cause?: unknown }).cause) {
    if (cause instanceof ApplicationFailure) return cause
  }
  return null
}

/**
 * A service's refusal inside a run (e.g. a username taken) back as the contract's error; null when
 * the failure is not the client's (the caller then reports an internal error).
 */
export function toDomainError(err: unknown): DomainError | null {
  if (err instanceof DomainError) return err
  if (err instanceof WorkflowExecutionAlreadyStartedError) return null
  const failure = applicationFailure(err)
  if (!failure?.type || !CLIENT_CODES.has(failure.type)) return null
  const field = (failure.details?.[0] as { field?: unknown } | undefined)?.field
  return new DomainError(failure.type as DomainError['code'], failure.message, typeof field === 'string' ? field : undefined)
}

export const isCompensated = (err: unknown): boolean => applicationFailure(err)?.type === 'COMPENSATED'
