import {
  checkLedger,
  checkRating,
  commentBody,
  comparePage,
  type CommentRow,
  type LedgerEntry,
  type ReviewRow,
  type Snapshot,
  type UserRow,
} from '../../bench/lib/chaos/ledger'
import { recoveryByKind, withWriteRecovery, type FaultRecord } from '../../bench/lib/chaos/report'

const CLIENT = '00000000-0000-4000-8000-00000000000a'
const SUBJECT = { type: 'PRODUCT', id: '00000000-0000-4000-8000-0000000000b1' }
let seq = 0
function entry(kind: LedgerEntry['kind'], fields: Partial<LedgerEntry> = {}): LedgerEntry {
  seq++
  return {
    seq,
    kind,
    client: 'alice_chaos',
    clientId: CLIENT,
    key: `k${seq}`,
    marker: `m${seq}`,
    target: null,
    intended: {},
    outcome: 'accepted',
    status: 'COMPLETED',
    operationId: `op${seq}`,
    resultId: null,
    attempts: 1,
    reasons: [],
    refusal: null,
    startedAt: 1000 * seq,
    endedAt: 1000 * seq + 500,
    ...fields,
  }
}
const comment = (id: string, body: string, fields: Partial<CommentRow> = {}): CommentRow => ({
  id,
  body,
  deleted: false,
  authorId: CLIENT,
  parentId: null,
  subjectType: 'PRODUCT',
  subjectId: SUBJECT.id,
  ...fields,
})
const snapshot = (
  comments: CommentRow[],
  users: UserRow[] = [{ id: CLIENT, username: 'alice_chaos', avatarUrl: null }],
  reviews: ReviewRow[] = [],
): Snapshot => ({ comments, users: new Map(users.map((u) => [u.id, u])), reviews })
const registered = new Map([[CLIENT, 'alice_chaos']])

function post(id: string, marker: string, fields: Partial<LedgerEntry> = {}): LedgerEntry {
  return entry('postComment', { marker, resultId: id, intended: { body: commentBody(marker, 'v0'), subject: SUBJECT }, ...fields })
}

describe('the chaos ledger against the databases', () => {
  it('all as believed: no finding, every accepted write checked', () => {
    const p = post('c1', 'mA')
    const e = entry('editComment', { target: 'c1', intended: { body: commentBody('mA', 'e1') } })
    const result = checkLedger([p, e], snapshot([comment('c1', commentBody('mA', 'e1'))]), registered)
    expect(result.findings).toEqual([])
    expect(result.checked).toBe(2)
  })

  it('an accepted post without its comment is lost', () => {
    const result = checkLedger([post('c1', 'mA')], snapshot([]), registered)
    expect(result.findings).toEqual([expect.objectContaining({ kind: 'lost' })])
  })

  it('two comments for one key (its marker) are duplicated; a refused post that exists anyway too', () => {
    const twice = checkLedger(
      [post('c1', 'mA')],
      snapshot([comment('c1', commentBody('mA', 'v0')), comment('c2', commentBody('mA', 'v0'))]),
      registered,
    )
    expect(twice.findings.map((f) => f.kind)).toEqual(['duplicated'])
    const refused = checkLedger(
      [post('c1', 'mB', { outcome: 'refused', status: 'FAILED', resultId: null })],
      snapshot([comment('c9', commentBody('mB', 'v0'))]),
      registered,
    )
    expect(refused.findings.map((f) => f.kind)).toEqual(['duplicated'])
  })

  it('the last accepted edit must be the body; an accepted delete must have deleted it', () => {
    const p = post('c1', 'mA')
    const e1 = entry('editComment', { target: 'c1', intended: { body: commentBody('mA', 'e1') } })
    const e2 = entry('editComment', { target: 'c1', intended: { body: commentBody('mA', 'e2') } })
    const old = checkLedger([p, e1, e2], snapshot([comment('c1', commentBody('mA', 'e1'))]), registered)
    expect(old.findings).toEqual([expect.objectContaining({ kind: 'lost', what: expect.stringContaining('e2') })])
    // a refused edit changes nothing
    const refused = entry('editComment', { target: 'c1', outcome: 'refused', intended: { body: commentBody('mA', 'e3') } })
    expect(checkLedger([p, e1, refused], snapshot([comment('c1', commentBody('mA', 'e1'))]), registered).findings).toEqual([])
    const d = entry('deleteComment', { target: 'c1' })
    expect(checkLedger([p, e1, d], snapshot([comment('c1', '', { deleted: true })]), registered).findings).toEqual([])
    expect(checkLedger([p, e1, d], snapshot([comment('c1', commentBody('mA', 'e1'))]), registered).findings.map((f) => f.kind)).toEqual([
      'lost',
    ])
  })

  it('an edit or a profile change refused on a same-key retry, yet stored: an idempotency finding', () => {
    const p = post('c1', 'mA')
    const e = entry('editComment', {
      target: 'c1',
      outcome: 'refused',
      refusal: 'CONFLICT',
      attempts: 2,
      intended: { body: commentBody('mA', 'e1') },
    })
    expect(checkLedger([p, e], snapshot([comment('c1', commentBody('mA', 'e1'))]), registered).findings.map((f) => f.kind)).toEqual([
      'idempotency',
      'lost',
    ])
    const u = entry('updateProfile', {
      target: CLIENT,
      outcome: 'refused',
      refusal: 'CONFLICT',
      attempts: 3,
      intended: { username: 'c_two' },
    })
    expect(
      checkLedger([u], snapshot([], [{ id: CLIENT, username: 'c_two', avatarUrl: null }]), registered).findings.map((f) => f.kind),
    ).toEqual(['idempotency', 'lost'])
  })

  it('writes without a definite answer are not held against the databases (but still counted)', () => {
    const p = post('c1', 'mA')
    const e = entry('editComment', { target: 'c1', outcome: 'unknown', status: null, intended: { body: commentBody('mA', 'e1') } })
    const result = checkLedger([p, e], snapshot([comment('c1', commentBody('mA', 'v0'))]), registered)
    expect(result.findings).toEqual([])
    expect(result.unverifiable).toBe(1)
  })

  it('profiles: the last accepted username and avatar', () => {
    const u1 = entry('updateProfile', { target: CLIENT, intended: { username: 'c_one' } })
    const u2 = entry('updateProfile', { target: CLIENT, intended: { avatarUrl: 'https://a.example/x.png' } })
    const ok = snapshot([], [{ id: CLIENT, username: 'c_one', avatarUrl: 'https://a.example/x.png' }])
    expect(checkLedger([u1, u2], ok, registered).findings).toEqual([])
    const stale = snapshot([], [{ id: CLIENT, username: 'alice_chaos', avatarUrl: 'https://a.example/x.png' }])
    expect(checkLedger([u1, u2], stale, registered).findings).toEqual([
      expect.objectContaining({ kind: 'lost', what: expect.stringContaining('c_one') }),
    ])
  })

  it('reviews and moderation: one review per accepted submit, the decision stored; a same-key retry refused after the decision landed is an idempotency finding', () => {
    const s = entry('submitReview', { marker: 'rX', resultId: 'r1', intended: { rating: 4 } })
    const approved = entry('moderateReview', { target: 'r1', intended: { decision: 'APPROVE' }, status: 'COMPLETED' })
    const review = (status: string): ReviewRow => ({
      id: 'r1',
      authorId: CLIENT,
      subjectId: SUBJECT.id,
      body: 'chaos review rX',
      rating: 4,
      status,
    })
    expect(checkLedger([s, approved], snapshot([], undefined, [review('PUBLISHED')]), registered).findings).toEqual([])
    expect(checkLedger([s, approved], snapshot([], undefined, [review('PENDING')]), registered).findings.map((f) => f.kind)).toEqual([
      'lost',
    ])
    expect(checkLedger([s], snapshot([], undefined, []), registered).findings.map((f) => f.kind)).toEqual(['lost'])
    const compensated = entry('moderateReview', { target: 'r1', intended: { decision: 'APPROVE' }, status: 'COMPENSATED' })
    expect(checkLedger([s, compensated], snapshot([], undefined, [review('PENDING')]), registered).findings).toEqual([])
    const refusedRetry = entry('moderateReview', {
      target: 'r1',
      intended: { decision: 'APPROVE' },
      outcome: 'refused',
      status: null,
      refusal: 'CONFLICT',
      attempts: 2,
      reasons: ['network: socket hang up'],
    })
    expect(checkLedger([s, refusedRetry], snapshot([], undefined, [review('PUBLISHED')]), registered).findings.map((f) => f.kind)).toEqual([
      'idempotency',
    ])
    expect(checkLedger([s, { ...refusedRetry, attempts: 1 }], snapshot([], undefined, [review('PUBLISHED')]), registered).findings).toEqual(
      [],
    )
  })

  it('ratings: count and exact mean of the PUBLISHED reviews', () => {
    expect(checkRating('p', { count: 3, average: 4 }, [3, 4, 5])).toBeNull()
    expect(checkRating('p', { count: 0, average: null }, [])).toBeNull()
    expect(checkRating('p', { count: 2, average: 3.5 }, [3, 4, 5])).toMatchObject({ kind: 'rating' })
    expect(checkRating('p', { count: 3, average: 4.1 }, [3, 4, 5])).toMatchObject({ kind: 'rating' })
  })

  it('a page shown by the gateway against the database: ids, totalCount, bodies, authors', () => {
    const users = new Map([[CLIENT, { id: CLIENT, username: 'new_name', avatarUrl: null }]])
    const bodies = new Map([
      ['c1', { body: 'b1' }],
      ['c2', { body: '' }],
    ])
    const edges = [
      { id: 'c1', body: 'b1', author: { id: CLIENT, username: 'new_name', avatarUrl: null } },
      { id: 'c2', body: '', author: { id: CLIENT, username: 'new_name', avatarUrl: null } },
    ]
    expect(comparePage('s', { totalCount: 2, edges }, { totalCount: 2, ids: ['c1', 'c2'] }, bodies, users)).toEqual([])
    const stale = [
      { ...edges[0]!, author: { id: CLIENT, username: 'old_name', avatarUrl: null } },
      { ...edges[1]!, body: 'was here' },
    ]
    expect(
      comparePage('s', { totalCount: 1, edges: stale }, { totalCount: 2, ids: ['c1', 'c2'] }, bodies, users).map((f) => f.kind),
    ).toEqual(['stale', 'stale', 'stale'])
    expect(comparePage('s', { totalCount: 2, edges: [edges[0]!] }, { totalCount: 2, ids: ['c1', 'c2'] }, bodies, users)).toHaveLength(1)
  })

  it('recovery per fault kind, and the first accepted write after each fault', () => {
    const fault = (kind: FaultRecord['kind'], at: number, back: number | null, rec: number | null): FaultRecord => ({
      kind,
      process: 'x',
      pid: 1,
      signal: 'SIGKILL',
      at,
      processBackMs: back,
      recoveredMs: rec,
      readsDuring: 0,
      readsOkDuring: 0,
    })
    const faults = withWriteRecovery(
      [fault('redis', 1000, 500, 600), fault('redis', 5000, 700, 900), fault('postgres', 9000, 600, null)],
      [
        entry('postComment', { startedAt: 10_000 + 1500, endedAt: 10_000 + 4000 }),
        entry('postComment', { startedAt: 10_000 + 6000, endedAt: 10_000 + 6200 }),
      ],
      10_000,
    )
    expect(faults.map((f) => f.writeRecoveredMs)).toEqual([3000, 1200, null])
    expect(recoveryByKind(faults)).toEqual({
      redis: { count: 2, maxProcessBackMs: 700, maxRecoveredMs: 900, medianRecoveredMs: 600, maxWriteRecoveredMs: 3000 },
      postgres: { count: 1, maxProcessBackMs: 600, maxRecoveredMs: null, medianRecoveredMs: null, maxWriteRecoveredMs: null },
    })
  })
})
