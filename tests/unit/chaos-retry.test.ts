import { backoffMs, classify, CLIENT_RETRY_POLICY } from '../../bench/lib/chaos/retry'

const answer = (status: number, json: unknown) => ({ status, body: JSON.stringify(json) })
const op = (status: string) => ({ id: 'post-comment-key-abc', status, error: status === 'FAILED' ? 'NOT_FOUND: no such subject' : null })

describe("what a client does with a mutation's answer", () => {
  it('a network error, a timeout, a 5xx, 429 or an internal error: the same request again', () => {
    expect(classify('postComment', { error: 'socket hang up' })).toMatchObject({
      kind: 'retry',
      reason: expect.stringContaining('socket hang up'),
    })
    expect(classify('postComment', answer(502, {}))).toMatchObject({ kind: 'retry', reason: 'HTTP 502' })
    expect(
      classify('postComment', answer(504, { errors: [{ message: 'x', extensions: { code: 'INTERNAL_SERVER_ERROR' } }] })),
    ).toMatchObject({ kind: 'retry', reason: 'HTTP 504 INTERNAL_SERVER_ERROR' })
    expect(classify('postComment', answer(429, { errors: [{ extensions: { code: 'RATE_LIMITED' } }] }))).toMatchObject({ kind: 'retry' })
    expect(
      classify(
        'postComment',
        answer(200, { data: null, errors: [{ message: 'Internal error (ref 1)', extensions: { code: 'INTERNAL_SERVER_ERROR' } }] }),
      ),
    ).toMatchObject({ kind: 'retry' })
    expect(classify('postComment', { status: 200, body: '<html>' })).toMatchObject({
      kind: 'retry',
      reason: expect.stringContaining('not JSON'),
    })
  })

  it('a run still RUNNING: again with the same key (it joins the run), remembering the operation', () => {
    expect(classify('postComment', answer(200, { data: { postComment: { comment: null, operation: op('RUNNING') } } }))).toMatchObject({
      kind: 'retry',
      reason: 'RUNNING',
      operationId: 'post-comment-key-abc',
    })
  })

  it('a run that ended: done, even when the entity could not be resolved (an error beside the operation)', () => {
    expect(
      classify('postComment', answer(200, { data: { postComment: { comment: { id: 'c1' }, operation: op('COMPLETED') } } })),
    ).toMatchObject({ kind: 'done', status: 'COMPLETED', payload: { comment: { id: 'c1' } } })
    expect(
      classify(
        'postComment',
        answer(200, {
          data: { postComment: { comment: null, operation: op('COMPLETED') } },
          errors: [{ extensions: { code: 'INTERNAL_SERVER_ERROR' } }],
        }),
      ),
    ).toMatchObject({ kind: 'done', status: 'COMPLETED' })
    expect(classify('postComment', answer(200, { data: { postComment: { comment: null, operation: op('FAILED') } } }))).toMatchObject({
      kind: 'done',
      status: 'FAILED',
      error: 'NOT_FOUND: no such subject',
    })
  })

  it('a domain refusal: final', () => {
    expect(
      classify('editComment', answer(200, { data: null, errors: [{ message: 'Deleted.', extensions: { code: 'CONFLICT' } }] })),
    ).toEqual({ kind: 'refused', code: 'CONFLICT', message: 'Deleted.', operationId: null })
    expect(classify('editComment', answer(400, { errors: [{ message: 'bad', extensions: { code: 'BAD_USER_INPUT' } }] }))).toMatchObject({
      kind: 'refused',
      code: 'BAD_USER_INPUT',
    })
  })

  it('back-off: doubling from 0.5 s, capped at 8 s, ±25% jitter', () => {
    expect(backoffMs(CLIENT_RETRY_POLICY, 1, () => 0.5)).toBe(500)
    expect(backoffMs(CLIENT_RETRY_POLICY, 2, () => 0.5)).toBe(1000)
    expect(backoffMs(CLIENT_RETRY_POLICY, 10, () => 0.5)).toBe(8000)
    expect(backoffMs(CLIENT_RETRY_POLICY, 1, () => 0)).toBe(375)
    expect(backoffMs(CLIENT_RETRY_POLICY, 1, () => 0.999999)).toBe(625)
  })
})
