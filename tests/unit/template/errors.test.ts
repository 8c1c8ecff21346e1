import { GraphQLError, type GraphQLFormattedError } from 'graphql'
import {
  DomainError,
  ErrorCode,
  badUserInput,
  conflict,
  createErrorFormatter,
  forbidden,
  notFound,
  unauthenticated,
} from '../../../packages/service-template/src/errors'
import type { Logger } from '../../../packages/service-template/src/logger'

function silentLogger() {
  const logger = {
    debug: jest.fn(),
    info: jest.fn(),
    warn: jest.fn(),
    error: jest.fn(),
    child: jest.fn((): Logger => logger),
  }
  return logger
}

/** What Apollo does with an error a resolver threw: a GraphQLError with path and originalError. */
function asResolverError(original: Error, path: readonly (string | number)[] = ['comments', 0, 'author']): GraphQLError {
  return new GraphQLError(original.message, { path, originalError: original })
}

/** Apollo's pre-formatted version (in development it adds a stacktrace and INTERNAL_SERVER_ERROR). */
function formattedOf(error: GraphQLError, code = 'INTERNAL_SERVER_ERROR'): GraphQLFormattedError {
  const json = error.toJSON()
  return {
    ...json,
    locations: [{ line: 1, column: 3 }],
    extensions: { ...json.extensions, code, stacktrace: ['Error: boom', '    at resolver (/srv/app/src/comments.ts:42:7)'] },
  }
}

describe('DomainError helpers', () => {
  it('carry the contract codes', () => {
    expect(badUserInput('body', 'too long')).toMatchObject({ code: 'BAD_USER_INPUT', field: 'body', message: 'too long' })
    expect(unauthenticated().code).toBe('UNAUTHENTICATED')
    expect(forbidden().code).toBe('FORBIDDEN')
    expect(notFound('Comment')).toMatchObject({ code: 'NOT_FOUND', message: 'Comment was not found.' })
    expect(conflict('taken', 'username')).toMatchObject({ code: 'CONFLICT', field: 'username' })
    expect(badUserInput('x', 'y')).toBeInstanceOf(Error)
  })

  it('toGraphQLError includes field only when there is one', () => {
    expect(badUserInput('body', 'too long').toGraphQLError().extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'body' })
    expect(forbidden().toGraphQLError().extensions).toEqual({ code: 'FORBIDDEN' })
  })
})

describe('createErrorFormatter', () => {
  it("keeps a wrapped DomainError's code, message and field (and drops the stacktrace)", () => {
    const log = silentLogger()
    const format = createErrorFormatter(log)
    const domain = badUserInput('body', 'A comment is at most 2000 characters.')
    const wrapped = asResolverError(domain, ['addComment'])
    const result = format(formattedOf(wrapped), wrapped)
    expect(result).toEqual({
      message: 'A comment is at most 2000 characters.',
      locations: [{ line: 1, column: 3 }],
      path: ['addComment'],
      extensions: { code: 'BAD_USER_INPUT', field: 'body' },
    })
    expect(log.error).not.toHaveBeenCalled()
  })

  it('keeps a DomainError without field, with no field extension', () => {
    const format = createErrorFormatter(silentLogger())
    const wrapped = asResolverError(notFound('Product'))
    const result = format(formattedOf(wrapped), wrapped)
    expect(result.message).toBe('Product was not found.')
    expect(result.extensions).toEqual({ code: 'NOT_FOUND' })
  })

  it('keeps every client code of a DomainError', () => {
    const format = createErrorFormatter(silentLogger())
    for (const domain of [unauthenticated(), forbidden(), notFound('User'), conflict('Already reviewed.')]) {
      const wrapped = asResolverError(domain)
      expect(format(formattedOf(wrapped), wrapped).extensions?.code).toBe(domain.code)
    }
  })

  it('hides an ordinary Error behind "Internal server error" and logs the original', () => {
    const log = silentLogger()
    const format = createErrorFormatter(log)
    const original = new Error(
      'insert into "comments" ("body") values ($1) - connect ECONNREFUSED postgres://postgres:s3cret@10.0.0.5:5432/comments',
    )
    const wrapped = asResolverError(original, ['addComment'])
    const result = format(formattedOf(wrapped), wrapped)
    expect(result).toEqual({
      message: 'Internal server error',
      locations: [{ line: 1, column: 3 }],
      path: ['addComment'],
      extensions: { code: ErrorCode.Internal },
    })
    expect(result.extensions).not.toHaveProperty('stacktrace')
    const shown = JSON.stringify(result)
    for (const secret of ['insert into', 'postgres://', 's3cret', '10.0.0.5', 'comments.ts', 'ECONNREFUSED']) {
      expect(shown).not.toContain(secret)
    }
    expect(log.error).toHaveBeenCalledTimes(1)
    const [, fields] = log.error.mock.calls[0] as [string, Record<string, unknown>]
    expect(fields.error).toBe(original)
    expect(fields.path).toEqual(['addComment'])
  })

  it('hides an unwrapped ordinary error too', () => {
    const log = silentLogger()
    const original = new TypeError("Cannot read properties of undefined (reading 'rows')")
    const result = createErrorFormatter(log)({ message: original.message, extensions: { code: 'INTERNAL_SERVER_ERROR' } }, original)
    expect(result.message).toBe('Internal server error')
    expect(result.extensions).toEqual({ code: 'INTERNAL_SERVER_ERROR' })
    expect((log.error.mock.calls[0] as [string, Record<string, unknown>])[1].error).toBe(original)
  })

  it("keeps Apollo's own refusal of a request (a 4xx status, no code) as BAD_REQUEST with its message", () => {
    const log = silentLogger()
    const error = new GraphQLError('provided sha does not match query', { extensions: { http: { status: 400 } } })
    const result = createErrorFormatter(log)(formattedOf(error), error)
    expect(result).toEqual({ message: 'provided sha does not match query', extensions: { code: 'BAD_REQUEST' } })
    expect(log.error).not.toHaveBeenCalled()
  })

  it('still hides an error with a 5xx status', () => {
    const log = silentLogger()
    const error = new GraphQLError('connect ECONNREFUSED 10.0.0.5:5432', { extensions: { http: { status: 503 } } })
    expect(createErrorFormatter(log)(formattedOf(error), error).message).toBe('Internal server error')
  })

  it('hides a GraphQLError with a code that is not a client code', () => {
    const log = silentLogger()
    const error = new GraphQLError('relation "users" does not exist', { extensions: { code: 'DOWNSTREAM_SERVICE_ERROR' } })
    const result = createErrorFormatter(log)(formattedOf(error, 'DOWNSTREAM_SERVICE_ERROR'), error)
    expect(result.message).toBe('Internal server error')
    expect(result.extensions).toEqual({ code: 'INTERNAL_SERVER_ERROR' })
    expect(log.error).toHaveBeenCalledTimes(1)
  })

  it("keeps a validation error's message and code but drops its stacktrace", () => {
    const log = silentLogger()
    const error = new GraphQLError('Cannot query field "secret" on type "User".', {
      extensions: { code: 'GRAPHQL_VALIDATION_FAILED' },
    })
    const formatted = formattedOf(error, 'GRAPHQL_VALIDATION_FAILED')
    expect(formatted.extensions).toHaveProperty('stacktrace')
    const result = createErrorFormatter(log)(formatted, error)
    expect(result.message).toBe('Cannot query field "secret" on type "User".')
    expect(result.extensions).toEqual({ code: 'GRAPHQL_VALIDATION_FAILED' })
    expect(result.locations).toEqual([{ line: 1, column: 3 }])
    expect(log.error).not.toHaveBeenCalled()
  })

  it.each(['GRAPHQL_PARSE_FAILED', 'BAD_REQUEST', 'PERSISTED_QUERY_NOT_FOUND', 'UNAUTHENTICATED'])(
    'passes the client code %s through without a stacktrace',
    (code) => {
      const error = new GraphQLError('client problem', { extensions: { code } })
      const result = createErrorFormatter(silentLogger())(formattedOf(error, code), error)
      expect(result.message).toBe('client problem')
      expect(result.extensions).toEqual({ code })
    },
  )

  it('is a DomainError subclass name', () => {
    expect(new DomainError('CONFLICT', 'x').name).toBe('DomainError')
  })
})
