import { sql, type RawBuilder, type SelectQueryBuilder } from 'kysely'
import { badUserInput } from './errors'
import { isId } from './ids'

export interface PageArgs {
  readonly first?: number | null
  readonly after?: string | null
}

export interface Edge<Node> {
  readonly cursor: string
  readonly node: Node
}

export interface Connection<Node> {
  readonly edges: readonly Edge<Node>[]
  readonly pageInfo: { readonly hasNextPage: boolean; readonly endCursor: string | null }
  // a function, so the count query runs only when a client asks for totalCount
  readonly totalCount: () => Promise<number>
}

/** The position of a row in a (created_at, id) ordering. */
export interface Position {
  readonly createdAt: Date
  readonly id: string
}

export type Order = 'newest-first' | 'oldest-first'

export const MAX_PAGE_SIZE = 100

// Opaque to clients: base64url of "<epoch ms>:<uuid>".
export function encodeCursor(position: Position): string {
  return Buffer.from(`${position.createdAt.getTime()}:${position.id}`).toString('base64url')
}

export function decodeCursor(cursor: string, field = 'after'): Position {
  const [ms, id] = Buffer.from(cursor, 'base64url').toString('utf8').split(':')
  const createdAt = new Date(Number(ms))
  if (!ms || !/^\d+$/.test(ms) || Number.isNaN(createdAt.getTime()) || !isId(id)) {
    throw badUserInput(field, `"${field}" is not a cursor this list returned.`)
  }
  return { createdAt, id: id.toLowerCase() }
}

export interface PageRequest {
  readonly limit: number
  readonly after: Position | null
}

export function readPageArgs(args: PageArgs, defaultSize = 10): PageRequest {
  const first = args.first ?? defaultSize
  if (!Number.isInteger(first) || first < 0 || first > MAX_PAGE_SIZE) {
    throw badUserInput('first', `"first" must be between 0 and ${MAX_PAGE_SIZE}.`)
  }
  return { limit: first, after: args.after ? decodeCursor(args.after) : null }
}

/** The keyset condition "comes after this cursor" on (created_at, id), for a Kysely `where`. */
export function afterPosition(position: Position, order: Order): RawBuilder<boolean> {
  return order === 'newest-first'
    ? sql<boolean>`(created_at, id) < (${position.createdAt}, ${position.id})`
    : sql<boolean>`(created_at, id) > (${position.createdAt}, ${position.id})`
}

/**
 * One page of a keyset-paginated list: `fetchRows(limit + 1, after)` returns rows in order,
 * the extra row tells whether there is a next page; `count()` runs only if totalCount is asked.
 */
export async function keysetPage<Row extends { readonly id: string; readonly created_at: Date }, Node = Row>(
  request: PageRequest,
  fetchRows: (limit: number, after: Position | null) => Promise<readonly Row[]>,
  count: () => Promise<number>,
  toNode: (row: Row) => Node = (row) => row as unknown as Node,
): Promise<Connection<Node>> {
  const rows = await fetchRows(request.limit + 1, request.after)
  const page = rows.slice(0, request.limit)
  const edges = page.map((row) => ({ cursor: encodeCursor({ createdAt: row.created_at, id: row.id }), node: toNode(row) }))
  return {
    edges,
    pageInfo: { hasNextPage: rows.length > request.limit, endCursor: edges.at(-1)?.cursor ?? null },
    totalCount: count,
  }
}

/** Converts a `count(*)` result (a bigint string from pg) to a number. */
export const toCount = (row: { readonly count: string | number | bigint } | undefined): number => Number(row?.count ?? 0)


/** The answer for a list whose owner cannot exist (e.g. an id that is not a UUID). */
export const emptyConnection = <Node>(): Connection<Node> => ({
  edges: [],
  pageInfo: { hasNextPage: false, endCursor: null },
  totalCount: async () => 0,
})

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type TableQuery = SelectQueryBuilder<any, any, object>

/**
 * A page of one table's rows in (created_at, id) order: `from()` is the table with its filters
 * (e.g. one subject's comments); rows are fetched by keyset, counted only if asked.
 */
export function tablePage<Row extends { readonly id: string; readonly created_at: Date }, Node>(
  request: PageRequest,
  order: Order,
  from: () => TableQuery,
  toNode: (row: Row) => Node,
): Promise<Connection<Node>> {
  const direction = order === 'newest-first' ? 'desc' : 'asc'
  return keysetPage<Row, Node>(
    request,
    (limit, after) => {
      let query = from().selectAll()
      if (after) query = query.where(afterPosition(after, order))
      return query.orderBy('created_at', direction).orderBy('id', direction).limit(limit).execute() as Promise<Row[]>
    },
    async () => toCount((await from().select((eb) => eb.fn.countAll().as('count')).executeTakeFirst()) as { count: string }),
    toNode,
  )
}
