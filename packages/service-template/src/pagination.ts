import { sql, type Kysely, type RawBuilder, type SelectQueryBuilder } from 'kysely'
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

/** The keyset condition "comes after this cursor" on (created_at, id), for a Kysely `where` (raw SQL: the database's names). */
export function afterPosition(position: Position, order: Order): RawBuilder<boolean> {
  return order === 'newest-first'
    ? sql<boolean>`(created_at, id) < (${position.createdAt}, ${position.id})`
    : sql<boolean>`(created_at, id) > (${position.createdAt}, ${position.id})`
}

/**
 * One page of a keyset-paginated list: `fetchRows(limit + 1, after)` returns rows in order,
 * the extra row tells whether there is a next page; `count()` runs only if totalCount is asked.
 */
export async function keysetPage<Row extends KeysetRow, Node = Row>(
  request: PageRequest,
  fetchRows: (limit: number, after: Position | null) => Promise<readonly Row[]>,
  count: () => Promise<number>,
  toNode: (row: Row) => Node = (row) => row as unknown as Node,
): Promise<Connection<Node>> {
  return connectionOf(request, await fetchRows(request.limit + 1, request.after), count, toNode)
}

/** A row a keyset list can page: its position is (created_at, id). */
export interface KeysetRow {
  readonly id: string
  readonly createdAt: Date
}

/** The connection shown for `rows`, fetched with `limit + 1` (the extra row says there is a next page). */
export function connectionOf<Row extends KeysetRow, Node>(
  request: PageRequest,
  rows: readonly Row[],
  count: () => Promise<number>,
  toNode: (row: Row) => Node,
): Connection<Node> {
  const page = rows.slice(0, request.limit)
  const edges = page.map((row) => ({ cursor: encodeCursor({ createdAt: row.createdAt, id: row.id }), node: toNode(row) }))
  return {
    edges,
    pageInfo: { hasNextPage: rows.length > request.limit, endCursor: edges.at(-1)?.cursor ?? null },
    totalCount: count,
  }
}

/** Parents asking for the same page (size and cursor) share one query: this names that request. */
export const pageRequestKey = (request: PageRequest): string => `${request.limit}:${request.after ? encodeCursor(request.after) : ''}`

/** Converts a `count(*)` result (a bigint string from pg) to a number. */
export const toCount = (row: { readonly count: string | number | bigint } | undefined): number => Number(row?.count ?? 0)

/** The answer for a list whose owner cannot exist (e.g. an id that is not a UUID). */
export const emptyConnection = <Node>(): Connection<Node> => ({
  edges: [],
  pageInfo: { hasNextPage: false, endCursor: null },
  totalCount: async () => 0,
})

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type TableQuery = SelectQueryBuilder<any, any, object>

/**
 * A page of one table's rows in (created_at, id) order: `from()` is the table with its filters
 * (e.g. one subject's comments); rows are fetched by keyset, counted only if asked.
 */
export function tablePage<Row extends KeysetRow, Node = Row>(
  request: PageRequest,
  order: Order,
  from: () => TableQuery,
  toNode?: (row: Row) => Node,
): Promise<Connection<Node>> {
  const direction = order === 'newest-first' ? 'desc' : 'asc'
  return keysetPage<Row, Node>(
    request,
    (limit, after) => {
      let query = from().selectAll()
      if (after) query = query.where(afterPosition(after, order))
      return query.orderBy('createdAt', direction).orderBy('id', direction).limit(limit).execute() as Promise<Row[]>
    },
    async () =>
      toCount(
        (await from()
          .select((eb) => eb.fn.countAll().as('count'))
          .executeTakeFirst()) as { count: string },
      ),
    toNode,
  )
}

/**
 * The columns that name a row's parent in a list that belongs to a parent (a comment's replies:
 * `{ parentId: 'uuid' }`; a subject's comments: `{ subjectType: 'text', subjectId: 'uuid' }`),
 * with their SQL types.
 */
export type ParentColumns = Readonly<Record<string, 'uuid' | 'text'>>

/** One parent: a value for each of its ParentColumns. */
export type ParentKey = Readonly<Record<string, string>>

// the parents as a table, numbered in the order given: parents(k0, k1, …, ord)
function parentsTable(columns: ParentColumns, keys: readonly ParentKey[]): RawBuilder<unknown> {
  const names = Object.keys(columns)
  const arrays = names.map((name) => sql`${keys.map((key) => key[name])}::${sql.raw(columns[name] as string)}[]`)
  const aliases = names.map((_, i) => sql.id(`k${i}`))
  return sql`unnest(${sql.join(arrays)}) with ordinality as parents(${sql.join([...aliases, sql.id('ord')])})`
}

// "this row belongs to that parent": column = parents.k<i> for each parent column
function ofParent(columns: ParentColumns): RawBuilder<boolean> {
  return sql<boolean>`${sql.join(
    Object.keys(columns).map((name, i) => sql`${sql.ref(name)} = ${sql.ref(`parents.k${i}`)}`),
    sql` and `,
  )}`
}

/**
 * Many parents' pages of one list in ONE query: a LATERAL join runs the single-parent keyset query
 * (its index, its cursor, LIMIT limit + 1) once per parent inside Postgres, so a level of a nested
 * query costs one round trip however many parents it has. `from()` is the table with the list's
 * other filters (e.g. top-level only). Returns each parent's rows, in `keys`' order.
 */
export async function tablePagesByParent<DB, Row extends KeysetRow>(
  db: Kysely<DB>,
  columns: ParentColumns,
  keys: readonly ParentKey[],
  request: PageRequest,
  order: Order,
  from: () => TableQuery,
): Promise<Row[][]> {
  const pages: Row[][] = keys.map(() => [])
  if (keys.length === 0) return pages
  const direction = order === 'newest-first' ? 'desc' : 'asc'
  let page = from().selectAll().where(ofParent(columns))
  if (request.after) page = page.where(afterPosition(request.after, order))
  page = page
    .orderBy('createdAt', direction)
    .orderBy('id', direction)
    .limit(request.limit + 1)
  // the raw text keeps the database's names; the rows come back camelCased (parent_index: parentIndex)
  const { rows } = await sql<Row & { readonly parentIndex: number }>`
    select parents.ord::int as parent_index, page.*
    from ${parentsTable(columns, keys)}
    cross join lateral ${page} as page
    order by parents.ord, page.created_at ${sql.raw(direction)}, page.id ${sql.raw(direction)}`.execute(db)
  for (const { parentIndex, ...row } of rows) pages[parentIndex - 1]?.push(row as unknown as Row)
  return pages
}

/** Many parents' list sizes (`count(*)` of each one's rows) in ONE query, in `keys`' order. */
export async function tableCountsByParent<DB>(
  db: Kysely<DB>,
  columns: ParentColumns,
  keys: readonly ParentKey[],
  from: () => TableQuery,
): Promise<number[]> {
  if (keys.length === 0) return []
  const count = from()
    .select((eb) => eb.fn.countAll().as('count'))
    .where(ofParent(columns))
  const { rows } = await sql<{ readonly parentIndex: number; readonly count: string }>`
    select parents.ord::int as parent_index, counted.count
    from ${parentsTable(columns, keys)}
    cross join lateral ${count} as counted`.execute(db)
  const counts = keys.map(() => 0)
  for (const row of rows) counts[row.parentIndex - 1] = toCount(row)
  return counts
}
