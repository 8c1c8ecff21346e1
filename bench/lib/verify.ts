// What a correct answer looks like: the contract's comments page query and its checks.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'

/** The contract's CommentsPage query (contract/comments-page.graphql; a unit test finds it verbatim in contract/README.md). */
export const COMMENTS_PAGE_QUERY = readFileSync(join(__dirname, '..', '..', 'contract', 'comments-page.graphql'), 'utf8').trimEnd()

/** What the gateway sends the users subgraph for a page: one batch of User representations. */
export const USERS_ENTITIES_QUERY =
  'query CommentsPage__users__1($representations:[_Any!]!){_entities(representations:$representations){...on User{id username avatarUrl}}}'

export interface PageAuthor {
  readonly id: string
  readonly username: string
  readonly avatarUrl: string | null
}

export interface PageNode {
  readonly id: string
  readonly body: string
  readonly createdAt: string
  readonly replyCount: number
  readonly author: PageAuthor
}

export interface CommentsPage {
  readonly totalCount: number
  readonly edges: readonly { readonly cursor: string; readonly node: PageNode }[]
  readonly pageInfo: { readonly hasNextPage: boolean; readonly endCursor: string | null }
}

/** Cheap check for every response: a 200 whose body has no top-level "errors" key. */
export function quickCheck(status: number, body: string): string | null {
  if (status !== 200) return `HTTP ${status}: ${body.slice(0, 200)}`
  // in compact or pretty JSON a key is `"errors":`; inside a string value the quotes would be escaped
  if (/"errors"\s*:/.test(body)) {
    try {
      const json = JSON.parse(body) as { errors?: unknown }
      if (json.errors !== undefined) return `errors: ${JSON.stringify(json.errors).slice(0, 300)}`
    } catch {
      return `not JSON: ${body.slice(0, 200)}`
    }
  }
  return null
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value)

export interface PageExpectation {
  /** exact number of edges; undefined: anything from 0 to 10 */
  readonly edges?: number
  /** at least this many edges (e.g. under --mix, where comments are added) */
  readonly minEdges?: number
  /** exact totalCount (the subject's top-level comments), or at least this many */
  readonly totalCount?: number
  readonly minTotalCount?: number
}

/**
 * Full verification of one comments page response: at most 10 edges, each a comment with its
 * author's id, username and avatarUrl; totalCount a number; pageInfo well-formed. Returns the
 * page, or the reason it is wrong.
 */
export function verifyPageResponse(
  body: string,
  expect: PageExpectation = {},
): { ok: true; page: CommentsPage } | { ok: false; reason: string } {
  let json: unknown
  try {
    json = JSON.parse(body)
  } catch {
    return { ok: false, reason: `not JSON: ${body.slice(0, 120)}` }
  }
  if (!isObject(json)) return { ok: false, reason: 'not an object' }
  if (json.errors !== undefined) return { ok: false, reason: `errors: ${JSON.stringify(json.errors).slice(0, 200)}` }
  const comments = isObject(json.data) ? json.data.comments : undefined
  if (!isObject(comments)) return { ok: false, reason: 'no data.comments' }
  if (typeof comments.totalCount !== 'number' || !Number.isInteger(comments.totalCount) || comments.totalCount < 0) {
    return { ok: false, reason: `totalCount is ${JSON.stringify(comments.totalCount)}` }
  }
  if (expect.totalCount !== undefined && comments.totalCount !== expect.totalCount) {
    return { ok: false, reason: `totalCount ${comments.totalCount}, expected ${expect.totalCount}` }
  }
  if (expect.minTotalCount !== undefined && comments.totalCount < expect.minTotalCount) {
    return { ok: false, reason: `totalCount ${comments.totalCount}, expected at least ${expect.minTotalCount}` }
  }
  const edges = comments.edges
  if (!Array.isArray(edges)) return { ok: false, reason: 'edges is not a list' }
  if (edges.length > 10) return { ok: false, reason: `${edges.length} edges (more than first: 10)` }
  if (expect.edges !== undefined && edges.length !== expect.edges)
    return { ok: false, reason: `${edges.length} edges, expected ${expect.edges}` }
  if (expect.minEdges !== undefined && edges.length < expect.minEdges)
    return { ok: false, reason: `${edges.length} edges, expected at least ${expect.minEdges}` }
  for (const [i, edge] of edges.entries()) {
    if (!isObject(edge) || typeof edge.cursor !== 'string' || !isObject(edge.node)) return { ok: false, reason: `edge ${i} is malformed` }
    const node = edge.node
    if (
      typeof node.id !== 'string' ||
      typeof node.body !== 'string' ||
      typeof node.createdAt !== 'string' ||
      typeof node.replyCount !== 'number'
    ) {
      return { ok: false, reason: `edge ${i}: comment fields missing` }
    }
    const author = node.author
    if (!isObject(author)) return { ok: false, reason: `edge ${i}: no author` }
    if (typeof author.id !== 'string' || author.id.length === 0) return { ok: false, reason: `edge ${i}: author without id` }
    if (typeof author.username !== 'string' || author.username.length === 0)
      return { ok: false, reason: `edge ${i}: author without username` }
    if (!('avatarUrl' in author) || (author.avatarUrl !== null && typeof author.avatarUrl !== 'string')) {
      return { ok: false, reason: `edge ${i}: author without avatarUrl` }
    }
  }
  const pageInfo = comments.pageInfo
  if (
    !isObject(pageInfo) ||
    typeof pageInfo.hasNextPage !== 'boolean' ||
    (pageInfo.endCursor !== null && typeof pageInfo.endCursor !== 'string')
  ) {
    return { ok: false, reason: 'pageInfo is malformed' }
  }
  if (edges.length > 0 && pageInfo.endCursor !== (edges[edges.length - 1] as { cursor: string }).cursor) {
    return { ok: false, reason: 'endCursor is not the last edge cursor' }
  }
  return { ok: true, page: comments as unknown as CommentsPage }
}

/** Verifies a users `_entities` answer for these ids, in order. */
export function verifyEntitiesResponse(body: string, ids: readonly string[]): string | null {
  let json: { data?: { _entities?: unknown }; errors?: unknown }
  try {
    json = JSON.parse(body) as typeof json
  } catch {
    return `not JSON: ${body.slice(0, 120)}`
  }
  if (json.errors !== undefined) return `errors: ${JSON.stringify(json.errors).slice(0, 200)}`
  const entities = json.data?._entities
  if (!Array.isArray(entities) || entities.length !== ids.length) return `expected ${ids.length} entities`
  for (const [i, entity] of entities.entries()) {
    const user = entity as Partial<PageAuthor> | null
    if (!user || user.id !== ids[i] || typeof user.username !== 'string' || !('avatarUrl' in user))
      return `entity ${i} is not user ${ids[i]}`
  }
  return null
}
