// What each client believes happened, and the checks of that belief against the databases. The
// checks are pure (a ledger and a snapshot in, findings out), so the unit tests can check them.

export type MutationKind = 'postComment' | 'reply' | 'editComment' | 'deleteComment' | 'updateProfile' | 'submitReview' | 'moderateReview'

/**
 * accepted: the run COMPLETED (or, for moderation, COMPENSATED: the decision was undone by the run);
 * refused: a domain refusal or a FAILED run; unknown: no definite answer even after the final retry.
 */
export type Outcome = 'accepted' | 'refused' | 'unknown'

export interface LedgerEntry {
  readonly seq: number
  readonly kind: MutationKind
  /** the client's username at registration (its identity in the report) */
  readonly client: string
  readonly clientId: string
  readonly key: string
  /** a unique tag carried by the write (in a comment's or review's body, a username, an avatar URL) */
  readonly marker: string
  /** the comment (edit, delete, reply's parent) or review (moderation) the write is about */
  readonly target: string | null
  readonly intended: {
    readonly body?: string
    readonly subject?: { readonly type: string; readonly id: string }
    readonly parentId?: string
    readonly username?: string
    readonly avatarUrl?: string
    readonly rating?: number
    readonly decision?: 'APPROVE' | 'REJECT'
  }
  outcome: Outcome
  status: string | null
  operationId: string | null
  /** the created comment or review */
  resultId: string | null
  attempts: number
  reasons: string[]
  refusal: string | null
  readonly startedAt: number
  endedAt: number
}

export interface CommentRow {
  readonly id: string
  readonly body: string
  readonly deleted: boolean
  readonly authorId: string
  readonly parentId: string | null
  readonly subjectType: string
  readonly subjectId: string
}

export interface UserRow {
  readonly id: string
  readonly username: string
  readonly avatarUrl: string | null
}

export interface ReviewRow {
  readonly id: string
  readonly authorId: string
  readonly subjectId: string
  readonly body: string
  readonly rating: number
  readonly status: string
}

export interface Snapshot {
  /** every comment written by a client */
  readonly comments: readonly CommentRow[]
  readonly users: ReadonlyMap<string, UserRow>
  /** every review written by a client */
  readonly reviews: readonly ReviewRow[]
}

export interface Finding {
  readonly kind: 'lost' | 'duplicated' | 'stale' | 'rating' | 'unsettled' | 'idempotency'
  readonly what: string
}

export interface LedgerCheck {
  readonly findings: Finding[]
  /** accepted writes whose effect was checked */
  readonly checked: number
  /** writes left unknown (no definite answer): their effect may or may not be there, so not checked */
  readonly unverifiable: number
}

/** Bodies carry a marker; an edit keeps the comment's marker so duplicates can be told apart. */
export const commentBody = (commentMarker: string, version: string): string => `chaos ${commentMarker} ${version}`

export function checkLedger(entries: readonly LedgerEntry[], snapshot: Snapshot, registered: ReadonlyMap<string, string>): LedgerCheck {
  const findings: Finding[] = []
  let checked = 0
  let unverifiable = 0
  const byId = new Map(snapshot.comments.map((c) => [c.id, c]))
  const sorted = [...entries].sort((a, b) => a.seq - b.seq)

  // comments: each post is one row (found by id, and by its marker for duplicates)
  const posts = sorted.filter((e) => e.kind === 'postComment' || e.kind === 'reply')
  for (const post of posts) {
    const rows = snapshot.comments.filter((c) => c.body.includes(` ${post.marker} `) || c.id === post.resultId)
    if (rows.length > 1)
      findings.push({
        kind: 'duplicated',
        what: `${post.kind} ${post.marker} (key ${post.key}) has ${rows.length} comments: ${rows.map((r) => r.id).join(', ')}`,
      })
    if (post.outcome === 'unknown') {
      unverifiable++
      continue
    }
    if (post.outcome !== 'accepted') {
      if (rows.length > 0)
        findings.push({
          kind: 'duplicated',
          what: `${post.kind} ${post.marker} was refused (${post.refusal ?? post.status}) yet comment ${rows[0]?.id} exists`,
        })
      continue
    }
    checked++
    const row = post.resultId ? byId.get(post.resultId) : rows[0]
    if (!row) {
      findings.push({
        kind: 'lost',
        what: `accepted ${post.kind} ${post.marker} (operation ${post.operationId}) has no comment${post.resultId ? ` ${post.resultId}` : ''}`,
      })
      continue
    }
    if (row.subjectId !== post.intended.subject?.id || (row.parentId ?? undefined) !== post.intended.parentId) {
      findings.push({
        kind: 'lost',
        what: `comment ${row.id} (${post.marker}) is not where it was posted: subject ${row.subjectId}, parent ${row.parentId}`,
      })
    }
  }

  // each comment's final state: the last accepted edit, unless an accepted delete came after the post
  const changes = new Map<string, LedgerEntry[]>()
  for (const e of sorted) {
    if ((e.kind === 'editComment' || e.kind === 'deleteComment') && e.target) changes.set(e.target, [...(changes.get(e.target) ?? []), e])
  }
  for (const post of posts) {
    if (post.outcome !== 'accepted' || !post.resultId) continue
    const row = byId.get(post.resultId)
    if (!row) continue
    const history = changes.get(post.resultId) ?? []
    if (history.some((e) => e.outcome === 'unknown')) {
      unverifiable++
      continue
    }
    let body = post.intended.body ?? ''
    let deleted = false
    for (const e of history) {
      if (e.outcome !== 'accepted') {
        // an edit refused on a retry with its key, whose text is nevertheless the comment's
        if (e.kind === 'editComment' && e.attempts > 1 && row.body === e.intended.body) {
          findings.push({
            kind: 'idempotency',
            what: `editComment ${e.marker} of comment ${row.id}: a retry with the same Idempotency-Key was refused (${e.refusal}), yet its text is stored`,
          })
        }
        continue
      }
      checked++
      if (e.kind === 'deleteComment') deleted = true
      else if (!deleted) body = e.intended.body ?? body
    }
    if (deleted && !row.deleted)
      findings.push({ kind: 'lost', what: `comment ${row.id}: an accepted deleteComment, yet it is not deleted (body "${row.body}")` })
    else if (!deleted && row.deleted)
      findings.push({ kind: 'lost', what: `comment ${row.id} is deleted though no accepted delete asked for it` })
    else if (!deleted && row.body !== body)
      findings.push({ kind: 'lost', what: `comment ${row.id}: body "${row.body}", the last accepted write says "${body}"` })
    else if (deleted && row.body !== '') findings.push({ kind: 'lost', what: `deleted comment ${row.id} still has body "${row.body}"` })
  }

  // profiles: the last accepted username and avatar of each client
  const profiles = new Map<string, LedgerEntry[]>()
  for (const e of sorted) if (e.kind === 'updateProfile') profiles.set(e.clientId, [...(profiles.get(e.clientId) ?? []), e])
  for (const [clientId, history] of profiles) {
    if (history.some((e) => e.outcome === 'unknown')) {
      unverifiable++
      continue
    }
    let username = registered.get(clientId) ?? null
    let avatarUrl: string | null = null
    const row = snapshot.users.get(clientId)
    for (const e of history) {
      if (e.outcome !== 'accepted') {
        if (e.attempts > 1 && e.intended.username !== undefined && row?.username === e.intended.username) {
          findings.push({
            kind: 'idempotency',
            what: `updateProfile ${e.marker} of user ${clientId}: a retry with the same Idempotency-Key was refused (${e.refusal}), yet its username is stored`,
          })
        }
        continue
      }
      checked++
      if (e.intended.username !== undefined) username = e.intended.username
      if (e.intended.avatarUrl !== undefined) avatarUrl = e.intended.avatarUrl
    }
    if (!row) findings.push({ kind: 'lost', what: `user ${clientId} does not exist` })
    else if (row.username !== username)
      findings.push({
        kind: 'lost',
        what: `user ${clientId}: username "${row.username}", the last accepted updateProfile says "${username}"`,
      })
    else if (avatarUrl !== null && row.avatarUrl !== avatarUrl)
      findings.push({
        kind: 'lost',
        what: `user ${clientId}: avatar "${row.avatarUrl}", the last accepted updateProfile says "${avatarUrl}"`,
      })
  }

  // reviews: one row per accepted submitReview; moderation decisions stored
  const reviewsById = new Map(snapshot.reviews.map((r) => [r.id, r]))
  for (const e of sorted) {
    if (e.kind === 'submitReview') {
      const rows = snapshot.reviews.filter((r) => r.body.includes(e.marker))
      if (rows.length > 1) findings.push({ kind: 'duplicated', what: `submitReview ${e.marker} has ${rows.length} reviews` })
      if (e.outcome === 'unknown') unverifiable++
      else if (e.outcome === 'accepted') {
        checked++
        if (rows.length === 0)
          findings.push({ kind: 'lost', what: `accepted submitReview ${e.marker} (operation ${e.operationId}) has no review` })
      } else if (rows.length > 0 && e.refusal !== 'CONFLICT')
        findings.push({
          kind: 'duplicated',
          what: `submitReview ${e.marker} was refused (${e.refusal ?? e.status}) yet review ${rows[0]?.id} exists`,
        })
    }
    if (e.kind === 'moderateReview' && e.target) {
      if (e.outcome === 'unknown') {
        unverifiable++
        continue
      }
      const row = reviewsById.get(e.target)
      if (e.outcome !== 'accepted') {
        // a retry with the same key must get the first attempt's answer: a refusal while the decision is stored is a wrong answer
        const decided = e.intended.decision === 'APPROVE' ? 'PUBLISHED' : 'REJECTED'
        if (e.attempts > 1 && row?.status === decided) {
          findings.push({
            kind: 'idempotency',
            what: `moderateReview ${e.intended.decision} of review ${e.target}: a retry with the same Idempotency-Key was refused (${e.refusal}) after ${e.reasons.join('; ')}, yet the decision is stored (${row.status})`,
          })
        }
        continue
      }
      checked++
      const expected = e.status === 'COMPENSATED' ? 'PENDING' : e.intended.decision === 'APPROVE' ? 'PUBLISHED' : 'REJECTED'
      if (!row) findings.push({ kind: 'lost', what: `moderated review ${e.target} does not exist` })
      else if (row.status !== expected)
        findings.push({
          kind: 'lost',
          what: `review ${e.target}: ${row.status}, the accepted moderateReview (${e.intended.decision}, run ${e.status}) says ${expected}`,
        })
    }
  }
  return { findings, checked, unverifiable }
}

/** A product's stored rating against the mean of its PUBLISHED reviews (null: no published review). */
export function checkRating(
  productId: string,
  stored: { count: number; average: number | null },
  published: readonly number[],
): Finding | null {
  const count = published.length
  const mean = count === 0 ? null : published.reduce((a, b) => a + b, 0) / count
  const same =
    stored.count === count &&
    (mean === null ? stored.average === null || stored.average === 0 : stored.average !== null && Math.abs(stored.average - mean) < 1e-6)
  return same
    ? null
    : { kind: 'rating', what: `product ${productId}: rating ${JSON.stringify(stored)}, its ${count} PUBLISHED reviews' mean is ${mean}` }
}

export interface PageEdge {
  readonly id: string
  readonly body: string
  readonly author: { readonly id: string; readonly username: string; readonly avatarUrl: string | null }
}

/** The first page the gateway shows against the database: the same comments, bodies and authors. */
export function comparePage(
  subject: string,
  shown: { totalCount: number; edges: readonly PageEdge[] },
  expected: { totalCount: number; ids: readonly string[] },
  comments: ReadonlyMap<string, { body: string }>,
  users: ReadonlyMap<string, UserRow>,
): Finding[] {
  const findings: Finding[] = []
  const stale = (what: string) => findings.push({ kind: 'stale', what: `${subject}: ${what}` })
  if (shown.totalCount !== expected.totalCount) stale(`totalCount ${shown.totalCount}, the database has ${expected.totalCount}`)
  const ids = shown.edges.map((e) => e.id)
  if (ids.join(',') !== expected.ids.join(',')) stale(`first page [${ids.join(', ')}], the database's is [${expected.ids.join(', ')}]`)
  for (const edge of shown.edges) {
    const row = comments.get(edge.id)
    if (row && row.body !== edge.body) stale(`comment ${edge.id} shows "${edge.body}", the database has "${row.body}"`)
    const user = users.get(edge.author.id)
    if (user && (user.username !== edge.author.username || user.avatarUrl !== edge.author.avatarUrl)) {
      stale(
        `author ${edge.author.id} shown as ${edge.author.username} / ${edge.author.avatarUrl}, the database has ${user.username} / ${user.avatarUrl}`,
      )
    }
  }
  return findings
}
