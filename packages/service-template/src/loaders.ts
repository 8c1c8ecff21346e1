import { trace } from '@opentelemetry/api'
import DataLoader from 'dataloader'
import type { ExpressionBuilder, Kysely, Selectable } from 'kysely'
import { isId } from './ids'
import {
  connectionOf,
  pageRequestKey,
  tableCountsByParent,
  tablePagesByParent,
  type Connection,
  type KeysetRow,
  type Order,
  type PageRequest,
  type ParentColumns,
  type ParentKey,
  type TableQuery,
} from './pagination'
import { inSpan } from './tracing'

/**
 * A batch function as a span (`dataloader <name>`, with its size), its SQL or Redis below it: the
 * resolvers' I/O in a trace. Outside a recorded trace it is the batch function itself.
 */
export function tracedBatch<K, V>(name: string, load: (keys: readonly K[]) => Promise<V>): (keys: readonly K[]) => Promise<V> {
  return (keys) =>
    trace.getActiveSpan()?.isRecording()
      ? inSpan(`dataloader ${name}`, { 'marketplace.batch.size': keys.length }, () => load(keys))
      : load(keys)
}

/**
 * A per-request loader of rows by id: every `load` in one tick becomes one
 * `fetch(ids)` (a single `WHERE id = ANY($1)`); ids that are not UUIDs resolve to null unqueried.
 */
export function createByIdLoader<Row extends { readonly id: string }>(
  fetch: (ids: readonly string[]) => Promise<readonly (Row | null)[]>,
  { batch = true, name = 'by id' }: { batch?: boolean; name?: string } = {},
): DataLoader<string, Row | null> {
  return new DataLoader<string, Row | null>(
    tracedBatch(name, async (keys: readonly string[]) => {
      const ids = [...new Set(keys.filter(isId).map((id) => id.toLowerCase()))]
      const rows = ids.length > 0 ? await fetch(ids) : []
      const byId = new Map(rows.flatMap((row) => (row ? [[row.id, row] as const] : [])))
      return keys.map((key) => (isId(key) ? (byId.get(key.toLowerCase()) ?? null) : null))
    }),
    { batch },
  )
}

/**
 * A per-request loader of one table's rows by id (the row is the domain type: see the template's
 * CamelCasePlugin): every `load` in one tick is one `SELECT * FROM <table> WHERE id = ANY($1)`.
 */
export function createTableByIdLoader<DB, Table extends keyof DB & string>(
  db: Kysely<DB>,
  table: Table,
  options: { batch?: boolean } = {},
): DataLoader<string, Selectable<DB[Table]> | null> {
  type Row = Selectable<DB[Table]> & { readonly id: string }
  /* eslint-disable @typescript-eslint/no-explicit-any -- any table of DB: the row type is restored on the way out */
  const tables = db as unknown as Kysely<any>
  return createByIdLoader<Row>(
    (ids) =>
      tables
        .selectFrom(table as string)
        .selectAll()
        .where('id', '=', (eb: ExpressionBuilder<any, any>) => eb.fn.any(eb.val([...ids])))
        .execute() as Promise<Row[]>,
    { name: `${table} by id`, ...options },
  ) as DataLoader<string, Selectable<DB[Table]> | null>
  /* eslint-enable @typescript-eslint/no-explicit-any */
}

/** A per-request loader of values grouped by a key (e.g. stores by owner): one `fetch(keys)` per tick. */
export function createGroupLoader<Key, Value>(
  fetch: (keys: readonly Key[]) => Promise<ReadonlyMap<Key, Value>>,
  empty: () => Value,
  cacheKeyFn?: (key: Key) => unknown,
): DataLoader<Key, Value> {
  return new DataLoader<Key, Value, unknown>(
    tracedBatch('group', async (keys: readonly Key[]) => {
      const found = await fetch(keys)
      return keys.map((key) => found.get(key) ?? empty())
    }),
    cacheKeyFn ? { cacheKeyFn } : undefined,
  )
}

/** A list that belongs to a parent (a comment's replies, a store's products), loaded page by page. */
export interface PageLoader<Key, Node> {
  /** One parent's page: the loads of one tick asking for the same page share one query, and one for the counts. */
  load(key: Key, request: PageRequest): Promise<Connection<Node>>
}

export interface PageLoaderOptions<Key, Row extends KeysetRow, Node = Row> {
  /** Each key's rows (at most request.limit + 1, in list order), in `keys`' order: ONE query for every key. */
  readonly pages: (keys: readonly Key[], request: PageRequest) => Promise<readonly (readonly Row[])[]>
  /** Each key's totalCount, in `keys`' order: ONE query, run only for parents whose totalCount is asked. */
  readonly counts: (keys: readonly Key[]) => Promise<readonly number[]>
  /** default: the row itself */
  readonly toNode?: (row: Row) => Node
  /** equal keys share a result (e.g. `${type}:${id}` for an object key) */
  readonly cacheKey: (key: Key) => string
  /** false: each parent alone (BATCH_LOADS=false, the benchmark's naive variant) */
  readonly batch?: boolean
}

/**
 * Per-request, like every loader: the pages of many parents at one level of a query in one query
 * per page request (parents asking with other `first`/`after` are another batch), whatever the
 * number of parents.
 */
export function createPageLoader<Key, Row extends KeysetRow, Node = Row>(
  options: PageLoaderOptions<Key, Row, Node>,
): PageLoader<Key, Node> {
  const { pages, counts, toNode = (row: Row) => row as unknown as Node, cacheKey, batch = true } = options
  const byRequest = new Map<string, DataLoader<Key, readonly Row[], string>>()
  const countOf = new DataLoader<Key, number, string>(
    tracedBatch('counts', async (keys: readonly Key[]) => counts(keys)),
    { cacheKeyFn: cacheKey, batch },
  )
  const rowsFor = (request: PageRequest): DataLoader<Key, readonly Row[], string> => {
    const requestKey = pageRequestKey(request)
    let loader = byRequest.get(requestKey)
    if (!loader) {
      loader = new DataLoader<Key, readonly Row[], string>(
        tracedBatch('pages', async (keys: readonly Key[]) => pages(keys, request)),
        { cacheKeyFn: cacheKey, batch },
      )
      byRequest.set(requestKey, loader)
    }
    return loader
  }
  return {
    async load(key, request) {
      const rows = await rowsFor(request).load(key)
      return connectionOf(request, rows, () => countOf.load(key), toNode)
    },
  }
}

/** How a table's list belongs to its parents, for createTablePageLoader. */
export interface TableListOptions<DB, Row extends KeysetRow, Node = Row> {
  readonly db: Kysely<DB>
  /** the columns naming a row's parent, e.g. `{ parentId: 'uuid' }` */
  readonly parent: ParentColumns
  readonly order: Order
  /** the table with the list's other filters (e.g. only published rows) */
  readonly from: () => TableQuery
  /** default: the row itself */
  readonly toNode?: (row: Row) => Node
  /** totalCounts kept elsewhere (a count table); default: `count(*)` of each parent's rows */
  readonly counts?: (keys: readonly ParentKey[]) => Promise<readonly number[]>
  readonly batch?: boolean
}

/** A PageLoader over one table: each level's pages in one LATERAL query, counts in another. */
export function createTablePageLoader<DB, Row extends KeysetRow, Node = Row>(
  options: TableListOptions<DB, Row, Node>,
): PageLoader<ParentKey, Node> {
  const { db, parent, order, from, toNode, batch } = options
  const columns = Object.keys(parent)
  return createPageLoader<ParentKey, Row, Node>({
    pages: (keys, request) => tablePagesByParent<DB, Row>(db, parent, keys, request, order, from),
    counts: options.counts ?? ((keys) => tableCountsByParent(db, parent, keys, from)),
    toNode,
    cacheKey: (key) => columns.map((column) => key[column]).join(':'),
    batch,
  })
}
