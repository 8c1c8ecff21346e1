import { recordingDb } from './helpers'
import {
  createByIdLoader,
  createGroupLoader,
  createPageLoader,
  createTableByIdLoader,
} from '../../../packages/service-template/src/loaders'
import { decodeCursor, type PageRequest } from '../../../packages/service-template/src/pagination'

const A = 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa'
const B = 'bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb'
const C = 'cccccccc-cccc-4ccc-8ccc-cccccccccccc'
const MISSING = 'dddddddd-dddd-4ddd-8ddd-dddddddddddd'

interface Row {
  readonly id: string
  readonly name: string
}
const table: readonly Row[] = [
  { id: A, name: 'a' },
  { id: B, name: 'b' },
  { id: C, name: 'c' },
]

/** A fake `WHERE id = ANY($1)`: rows come back in table order (reversed), not key order. */
function fakeFetch() {
  return jest.fn(async (ids: readonly string[]): Promise<readonly Row[]> => [...table].reverse().filter((r) => ids.includes(r.id)))
}

describe('createByIdLoader', () => {
  it('batches loads made in the same tick into one fetch', async () => {
    const fetch = fakeFetch()
    const loader = createByIdLoader(fetch)
    const results = await Promise.all([loader.load(A), loader.load(B), loader.load(C)])
    expect(fetch).toHaveBeenCalledTimes(1)
    expect(results.map((r) => r?.name)).toEqual(['a', 'b', 'c'])
  })

  it('de-duplicates and lower-cases ids, and answers in key order', async () => {
    const fetch = fakeFetch()
    const loader = createByIdLoader(fetch)
    const results = await loader.loadMany([B, A.toUpperCase(), A, B.toUpperCase(), MISSING])
    expect(fetch).toHaveBeenCalledTimes(1)
    const ids = fetch.mock.calls[0]![0]
    expect([...ids].sort()).toEqual([A, B, MISSING].sort())
    expect(new Set(ids).size).toBe(ids.length)
    for (const id of ids) expect(id).toBe(id.toLowerCase())
    expect(results).toEqual([table[1], table[0], table[0], table[1], null])
  })

  it('never passes non-UUID ids to fetch; they resolve null', async () => {
    const fetch = fakeFetch()
    const loader = createByIdLoader(fetch)
    const results = await Promise.all([loader.load('42'), loader.load(A), loader.load("x' OR 1=1 --"), loader.load('')])
    expect(fetch).toHaveBeenCalledTimes(1)
    expect(fetch.mock.calls[0]![0]).toEqual([A])
    expect(results).toEqual([null, table[0], null, null])
  })

  it('does not call fetch at all when no id is a UUID', async () => {
    const fetch = fakeFetch()
    const loader = createByIdLoader(fetch)
    await expect(Promise.all([loader.load('1'), loader.load('not-an-id')])).resolves.toEqual([null, null])
    expect(fetch).not.toHaveBeenCalled()
  })

  it('returns null for missing rows', async () => {
    const loader = createByIdLoader(fakeFetch())
    await expect(loader.load(MISSING)).resolves.toBeNull()
  })

  it('makes one fetch per tick, and caches within the request', async () => {
    const fetch = fakeFetch()
    const loader = createByIdLoader(fetch)
    await loader.load(A)
    await loader.load(B)
    await loader.load(A)
    expect(fetch).toHaveBeenCalledTimes(2)
    expect(fetch.mock.calls.map((call) => call[0])).toEqual([[A], [B]])
  })

  it('rejects every load of the batch when fetch fails', async () => {
    const loader = createByIdLoader(async () => {
      throw new Error('database down')
    })
    const results = await Promise.allSettled([loader.load(A), loader.load(B)])
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected'])
  })
})

describe('createGroupLoader', () => {
  it('batches into one fetch and returns the empty value for missing keys', async () => {
    const fetch = jest.fn(async (keys: readonly string[]) => new Map(keys.filter((k) => k !== 'nobody').map((k) => [k, [`${k}-store`]])))
    const empty = jest.fn((): string[] => [])
    const loader = createGroupLoader(fetch, empty)
    const results = await Promise.all([loader.load('alice'), loader.load('nobody'), loader.load('bob')])
    expect(fetch).toHaveBeenCalledTimes(1)
    expect(fetch.mock.calls[0]![0]).toEqual(['alice', 'nobody', 'bob'])
    expect(results).toEqual([['alice-store'], [], ['bob-store']])
    expect(empty).toHaveBeenCalledTimes(1)
  })

  it('gives each missing key its own empty value', async () => {
    const loader = createGroupLoader(
      async () => new Map<string, string[]>(),
      (): string[] => [],
    )
    const [first, second] = await Promise.all([loader.load('x'), loader.load('y')])
    expect(first).toEqual([])
    expect(second).toEqual([])
    expect(first).not.toBe(second)
  })

  it('uses cacheKeyFn to merge equal object keys', async () => {
    interface Subject {
      readonly type: string
      readonly id: string
    }
    const fetch = jest.fn(async (keys: readonly Subject[]) => new Map(keys.map((k) => [k, `${k.type}:${k.id}`] as [Subject, string])))
    const loader = createGroupLoader(
      fetch,
      () => '',
      (key: Subject) => `${key.type}:${key.id}`,
    )
    const results = await Promise.all([
      loader.load({ type: 'PRODUCT', id: A }),
      loader.load({ type: 'PRODUCT', id: A }),
      loader.load({ type: 'MERCHANT', id: A }),
    ])
    expect(fetch).toHaveBeenCalledTimes(1)
    expect(fetch.mock.calls[0]![0]).toHaveLength(2)
    expect(results).toEqual([`PRODUCT:${A}`, `PRODUCT:${A}`, `MERCHANT:${A}`])
  })
})

describe('createPageLoader', () => {
  interface ListRow {
    readonly id: string
    readonly createdAt: Date
    readonly parent: string
  }
  // three parents' lists, in list order: A has 4 rows, B 1, C none
  const lists: Readonly<Record<string, readonly ListRow[]>> = {
    [A]: [0, 1, 2, 3].map((i) => ({
      id: `00000000-0000-4000-8000-00000000000${i}`,
      createdAt: new Date(Date.UTC(2026, 0, 1, 0, 0, i)),
      parent: A,
    })),
    [B]: [{ id: '00000000-0000-4000-8000-000000000009', createdAt: new Date(Date.UTC(2026, 0, 2)), parent: B }],
  }
  const request = (limit: number, after: PageRequest['after'] = null): PageRequest => ({ limit, after })

  /** A fake LATERAL query: each key's rows after the cursor, at most limit + 1, and the calls it got. */
  function fakeList() {
    const pages = jest.fn(async (keys: readonly string[], req: PageRequest) =>
      keys.map((key) => {
        const rows = lists[key] ?? []
        const start = req.after ? rows.findIndex((r) => r.id === req.after?.id) + 1 : 0
        return rows.slice(start, start + req.limit + 1)
      }),
    )
    const counts = jest.fn(async (keys: readonly string[]) => keys.map((key) => (lists[key] ?? []).length))
    const loader = createPageLoader<string, ListRow, string>({ pages, counts, toNode: (row) => row.id, cacheKey: (key) => key })
    return { pages, counts, loader }
  }

  it('loads every parent of a tick with one query, each with its own limit + 1 rows', async () => {
    const { pages, loader } = fakeList()
    const [a, b, c] = await Promise.all([loader.load(A, request(2)), loader.load(B, request(2)), loader.load(C, request(2))])
    expect(pages).toHaveBeenCalledTimes(1)
    expect(pages.mock.calls[0]![0]).toEqual([A, B, C])
    expect(pages.mock.calls[0]![1]).toEqual(request(2))
    expect(a!.edges.map((e) => e.node)).toEqual(lists[A]!.slice(0, 2).map((r) => r.id))
    expect(a!.pageInfo).toEqual({ hasNextPage: true, endCursor: a!.edges[1]!.cursor })
    expect(b!.edges.map((e) => e.node)).toEqual([lists[B]![0]!.id])
    expect(b!.pageInfo.hasNextPage).toBe(false)
    expect(c!.edges).toEqual([])
    expect(c!.pageInfo).toEqual({ hasNextPage: false, endCursor: null })
  })

  it('gives each edge the cursor of its row: the next page continues where the last ended', async () => {
    const { loader } = fakeList()
    const first = await loader.load(A, request(2))
    expect(decodeCursor(first.edges[0]!.cursor)).toEqual({ createdAt: lists[A]![0]!.createdAt, id: lists[A]![0]!.id })
    const next = await loader.load(A, request(2, decodeCursor(first.pageInfo.endCursor as string)))
    expect(next.edges.map((e) => e.node)).toEqual(lists[A]!.slice(2).map((r) => r.id))
    expect(next.pageInfo.hasNextPage).toBe(false)
  })

  it('groups parents by their page arguments: one query per distinct first/after', async () => {
    const { pages, loader } = fakeList()
    const after = { createdAt: lists[A]![0]!.createdAt, id: lists[A]![0]!.id }
    const results = await Promise.all([
      loader.load(A, request(1)),
      loader.load(B, request(1)),
      loader.load(A, request(3)),
      loader.load(C, request(3)),
      loader.load(A, request(1, after)),
    ])
    expect(pages).toHaveBeenCalledTimes(3)
    expect(pages.mock.calls.map(([keys, req]) => [keys, req])).toEqual([
      [[A, B], request(1)],
      [[A, C], request(3)],
      [[A], request(1, after)],
    ])
    expect(results.map((r) => r.edges.length)).toEqual([1, 1, 3, 0, 1])
    expect(results[4]!.edges[0]!.node).toBe(lists[A]![1]!.id)
  })

  it('counts only when totalCount is asked, every asking parent in one query', async () => {
    const { counts, loader } = fakeList()
    const [a, b, c] = await Promise.all([loader.load(A, request(1)), loader.load(B, request(1)), loader.load(C, request(1))])
    expect(counts).not.toHaveBeenCalled()
    await expect(Promise.all([a!.totalCount(), b!.totalCount(), c!.totalCount()])).resolves.toEqual([4, 1, 0])
    expect(counts).toHaveBeenCalledTimes(1)
    expect(counts.mock.calls[0]![0]).toEqual([A, B, C])
  })

  it('asks once for a parent asked twice (equal keys by cacheKey)', async () => {
    const pages = jest.fn(async (keys: readonly { type: string; id: string }[]) => keys.map(() => []))
    const loader = createPageLoader<{ type: string; id: string }, ListRow, string>({
      pages,
      counts: async (keys) => keys.map(() => 0),
      toNode: (row) => row.id,
      cacheKey: (key) => `${key.type}:${key.id}`,
    })
    await Promise.all([loader.load({ type: 'PRODUCT', id: A }, request(5)), loader.load({ type: 'PRODUCT', id: A }, request(5))])
    expect(pages.mock.calls[0]![0]).toEqual([{ type: 'PRODUCT', id: A }])
  })

  it('loads each parent alone with batch: false (BATCH_LOADS=false)', async () => {
    const pages = jest.fn(async (keys: readonly string[]) => keys.map(() => []))
    const loader = createPageLoader<string, ListRow, string>({
      pages,
      counts: async (keys) => keys.map(() => 0),
      toNode: (r) => r.id,
      cacheKey: (k) => k,
      batch: false,
    })
    await Promise.all([loader.load(A, request(1)), loader.load(B, request(1))])
    expect(pages).toHaveBeenCalledTimes(2)
  })

  it('rejects every parent of the batch when the query fails', async () => {
    const loader = createPageLoader<string, ListRow, string>({
      pages: async () => {
        throw new Error('database down')
      },
      counts: async (keys) => keys.map(() => 0),
      toNode: (r) => r.id,
      cacheKey: (k) => k,
    })
    const results = await Promise.allSettled([loader.load(A, request(1)), loader.load(B, request(1))])
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected'])
  })
})

describe('createTableByIdLoader', () => {
  interface Db {
    shipmentItems: { id: string; ownerId: string }
  }

  it('loads one tick of ids with ONE `select * … where id = any($1)` on the table, rows camelCased, unknown ids null', async () => {
    const { db, queries } = recordingDb<Db>(() => [{ id: B, owner_id: A }])
    const loader = createTableByIdLoader(db, 'shipmentItems')
    const [b, missing, notAnId] = await Promise.all([loader.load(B), loader.load(MISSING), loader.load('not-a-uuid')])
    expect(b).toEqual({ id: B, ownerId: A })
    expect(missing).toBeNull()
    expect(notAnId).toBeNull()
    expect(queries).toEqual([{ sql: 'select * from "shipment_items" where "id" = any($1)', parameters: [[B, MISSING]] }])
  })

  it('with batch: false, one query per id (the benchmark’s naive variant)', async () => {
    const { db, queries } = recordingDb<Db>(() => [])
    const loader = createTableByIdLoader(db, 'shipmentItems', { batch: false })
    await Promise.all([loader.load(A), loader.load(B)])
    expect(queries).toHaveLength(2)
  })
})
