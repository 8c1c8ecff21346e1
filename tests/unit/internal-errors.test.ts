// Only domain messages leave the system: an activity's internal error (a connection refused, a
// statement timeout, a bug) leaves it as a generic text with a reference, logged in full under
// that reference; a DomainError keeps its code, message and field; Temporal's own failures pass.
import { ApplicationFailure, CancelledFailure } from '@temporalio/common'
import { INTERNAL_FAILURE_TYPE, withDomainFailures } from '../../packages/service-template/src/activity-worker'
import { badUserInput, conflict, notFound } from '../../packages/service-template/src/errors'
import type { Logger } from '../../packages/service-template/src/logger'
import { publicFailureMessage } from '../../workflows/src/facade/operations'

const REFERENCED = /^Internal error \(ref ([0-9a-f]{8})\)$/

function recordingLog(): { log: Logger; errors: { message: string; fields: Record<string, unknown> }[] } {
  const errors: { message: string; fields: Record<string, unknown> }[] = []
  const log = {
    debug: () => undefined,
    info: () => undefined,
    warn: () => undefined,
    error: (message: string, fields: Record<string, unknown> = {}) => errors.push({ message, fields }),
  } as unknown as Logger
  return { log, errors }
}

async function failureOf(thrown: unknown, log?: Logger): Promise<unknown> {
  const activities = withDomainFailures({ write: async () => Promise.reject(thrown) }, log)
  return activities.write().then(
    () => undefined,
    (err: unknown) => err,
  )
}

describe('the activity worker maps failures', () => {
  it.each([
    ['a connection refused', Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:54320'), { code: 'ECONNREFUSED' })],
    ['a statement timeout', new Error('canceling statement due to statement timeout')],
    ['a Redis error', new Error('Redis command timed out: EVALSHA 3f… (redis://127.0.0.1:63790)')],
    ['a bug', new TypeError("Cannot read properties of undefined (reading 'id')")],
    ['a non-Error', 'select * from reviews'],
    [
      'an ApplicationFailure of another type',
      ApplicationFailure.create({ type: 'Error', message: 'update "products" set … where id = $1' }),
    ],
  ])('%s: a retryable INTERNAL failure with a generic message; the original logged under the same reference', async (_, thrown) => {
    const { log, errors } = recordingLog()
    const failure = await failureOf(thrown, log)
    expect(failure).toBeInstanceOf(ApplicationFailure)
    const { type, message, nonRetryable, cause, details } = failure as ApplicationFailure
    expect(type).toBe(INTERNAL_FAILURE_TYPE)
    expect(message).toMatch(REFERENCED)
    expect(nonRetryable).toBe(false)
    expect(cause).toBeUndefined() // the original would travel to Temporal (and its Web UI) as the cause
    expect(JSON.stringify(details ?? [])).toBe('[]')
    const ref = REFERENCED.exec(message)?.[1]
    expect(errors).toEqual([{ message: 'activity failed', fields: { activity: 'write', ref, error: thrown } }])
  })

  it('each internal failure gets its own reference', async () => {
    const messages = await Promise.all([1, 2, 3].map(async () => ((await failureOf(new Error('boom'))) as ApplicationFailure).message))
    expect(new Set(messages).size).toBe(3)
  })

  it('a non-retryable ApplicationFailure stays non-retryable (with a generic message)', async () => {
    const failure = (await failureOf(
      ApplicationFailure.nonRetryable('duplicate key value violates unique constraint "x"'),
    )) as ApplicationFailure
    expect(failure).toMatchObject({ type: INTERNAL_FAILURE_TYPE, nonRetryable: true })
    expect(failure.message).toMatch(REFERENCED)
  })

  it.each([
    ['NOT_FOUND', notFound('The review'), 'The review was not found.', undefined],
    [
      'CONFLICT',
      conflict('This review is not pending: it is already PUBLISHED.'),
      'This review is not pending: it is already PUBLISHED.',
      undefined,
    ],
    [
      'BAD_USER_INPUT',
      badUserInput('parentId', 'A reply must have the same subject as the comment it answers.'),
      'A reply must have the same subject as the comment it answers.',
      'parentId',
    ],
  ])(
    'a DomainError (%s) keeps its code, message and field, non-retryable, and is not logged as an error',
    async (code, thrown, message, field) => {
      const { log, errors } = recordingLog()
      const failure = (await failureOf(thrown, log)) as ApplicationFailure
      expect(failure).toMatchObject({ type: code, message, nonRetryable: true })
      expect(failure.details).toEqual(field ? [{ field }] : [])
      expect(errors).toEqual([])
    },
  )

  it("Temporal's own failures (a cancellation) and public ApplicationFailures pass as they are", async () => {
    const cancelled = new CancelledFailure('the activity was cancelled')
    expect(await failureOf(cancelled)).toBe(cancelled)
    const refusal = ApplicationFailure.create({ type: 'FORBIDDEN', message: 'Only the author can edit this comment.', nonRetryable: true })
    expect(await failureOf(refusal)).toBe(refusal)
  })
})

describe("the façade reads a running step's last failure", () => {
  it('keeps the messages written for people: the contract codes and the generic internal text', () => {
    expect(publicFailureMessage({ message: 'The product was not found.', applicationFailureInfo: { type: 'NOT_FOUND' } })).toBe(
      'The product was not found.',
    )
    expect(publicFailureMessage({ message: 'Internal error (ref 0badc0de)', applicationFailureInfo: { type: 'INTERNAL' } })).toBe(
      'Internal error (ref 0badc0de)',
    )
    expect(publicFailureMessage(null)).toBeNull()
  })

  it('a timeout shows its last failure, or that it timed out', () => {
    expect(publicFailureMessage({ message: 'activity StartToClose timeout', timeoutFailureInfo: {} })).toBe('The step timed out.')
    expect(
      publicFailureMessage({
        message: 'activity ScheduleToClose timeout',
        timeoutFailureInfo: {},
        cause: { message: 'Internal error (ref 12345678)', applicationFailureInfo: { type: 'INTERNAL' } },
      }),
    ).toBe('Internal error (ref 12345678)')
  })

  it('replaces anything else (a worker that did not map its error) by a generic text, logged in full under the same reference', () => {
    const { log, errors } = recordingLog()
    const raw = 'connect ECONNREFUSED 127.0.0.1:54320'
    const shown = publicFailureMessage({ message: raw, applicationFailureInfo: { type: 'Error' } }, log)
    expect(shown).toMatch(REFERENCED)
    expect(shown).not.toContain('127.0.0.1')
    expect(errors).toEqual([
      { message: expect.any(String), fields: expect.objectContaining({ ref: REFERENCED.exec(shown as string)?.[1], error: raw }) },
    ])
    // the same failure read again has the same reference
    expect(publicFailureMessage({ message: raw, applicationFailureInfo: { type: 'Error' } }, log)).toBe(shown)
  })
})
