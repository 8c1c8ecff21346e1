import { GraphQLError, type GraphQLFormattedError } from 'graphql'
import { unwrapResolverError } from '@apollo/server/errors'
import type { Logger } from './logger'

// The contract's error codes. Nothing outside this module invents codes.
export const ErrorCode = {
  BadUserInput: 'BAD_USER_INPUT',
  Unauthenticated: 'UNAUTHENTICATED',
  Forbidden: 'FORBIDDEN',
  NotFound: 'NOT_FOUND',
  Conflict: 'CONFLICT',
  RateLimited: 'RATE_LIMITED',
  Internal: 'INTERNAL_SERVER_ERROR',
} as const
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode]

/** A failure a client caused; its message is written for a person and is safe to show. */
export class DomainError extends Error {
  override readonly name = 'DomainError'
  constructor(
    readonly code: Exclude<ErrorCode, 'INTERNAL_SERVER_ERROR'>,
    message: string,
    readonly field?: string,
    /** RATE_LIMITED: when the client may try again */
    readonly retryAfterSeconds?: number,
  ) {
    super(message)
  }

  toGraphQLError(): GraphQLError {
    return new GraphQLError(this.message, {
      extensions: {
        code: this.code,
        ...(this.field ? { field: this.field } : {}),
        ...(this.retryAfterSeconds !== undefined ? { retryAfterSeconds: this.retryAfterSeconds } : {}),
      },
    })
  }
}

export const badUserInput = (field: string, message: string): DomainError => new DomainError(ErrorCode.BadUserInput, message, field)
export const unauthenticated = (message = 'You need to sign in to do this.'): DomainError =>
  new DomainError(ErrorCode.Unauthenticated, message)
export const forbidden = (message = 'You are not allowed to do this.'): DomainError => new DomainError(ErrorCode.Forbidden, message)
export const notFound = (what: string): DomainError => new DomainError(ErrorCode.NotFound, `${what} was not found.`)
export const conflict = (message: string, field?: string): DomainError => new DomainError(ErrorCode.Conflict, message, field)
export const rateLimited = (message: string, retryAfterSeconds: number): DomainError =>
  new DomainError(ErrorCode.RateLimited, message, undefined, Math.max(1, Math.ceil(retryAfterSeconds)))

const CLIENT_CODES = new Set<string>([
  ErrorCode.BadUserInput,
  ErrorCode.Unauthenticated,
  ErrorCode.Forbidden,
  ErrorCode.NotFound,
  ErrorCode.Conflict,
  ErrorCode.RateLimited,
  'GRAPHQL_VALIDATION_FAILED',
  'GRAPHQL_PARSE_FAILED',
  'BAD_REQUEST',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE',
])

/**
 * Apollo's formatError: domain errors keep their code and message; anything else becomes an
 * opaque INTERNAL_SERVER_ERROR (logged in full here, never shown: no stack, SQL or URL leaks).
 */
export function createErrorFormatter(log: Logger) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const original = unwrapResolverError(error)
    if (original instanceof DomainError) {
      const { extensions } = original.toGraphQLError()
      return { message: original.message, locations: formatted.locations, path: formatted.path, extensions }
    }
    const code = formatted.extensions?.code
    if (typeof code === 'string' && CLIENT_CODES.has(code)) {
      const { stacktrace: _stacktrace, ...extensions } = formatted.extensions ?? {}
      return { ...formatted, extensions }
    }
    // Apollo's own refusals of a request (e.g. a persisted query's hash that does not match its
    // text) carry a 4xx status and no code: they are the client's doing, and their text is Apollo's
    const status = original instanceof GraphQLError ? (original.extensions.http as { status?: unknown } | undefined)?.status : undefined
    if (typeof status === 'number' && status >= 400 && status < 500) {
      return { message: formatted.message, extensions: { code: 'BAD_REQUEST' } }
    }
    log.error('internal error', { error: original, path: formatted.path })
    return {
      message: 'Internal server error',
      locations: formatted.locations,
      path: formatted.path,
      extensions: { code: ErrorCode.Internal },
    }
  }
}
