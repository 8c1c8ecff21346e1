import { recordingDb as recordingDbOf } from './helpers'
import {
  MAX_PAGE_SIZE,
  connectionOf,
  decodeCursor,
  emptyConnection,
  encodeCursor,
  keysetPage,
  pageRequestKey,
  readPageArgs,
  tableCountsByParent,
  tablePagesByParent,
  toCount,
  type PageRequest,
  type Position,
} from '../../../packages/service-template/src/pagination'
import { expectDomainError } from './helpers'

const ID = '3f2c8a4e-1b7d-4e9a-9c0f-5a6b7c8d9e01'
const b64 = (text: string): string => Buffer.from(text).toString('base64url')

interface Row {
  readonly id: string
  readonly createdAt: Date
  readonly body: string
}

const rows: readonly Row[] = Array.from({ length: 7 }, (_, i) => ({
  id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
  createdAt: new Date(Date.UTC(2026, 10, 22, 10, 0, 0, 0) - i * 1000),
  body: `comment ${i}`,
}))

/** A fake data source that returns at most `limit` rows and records its calls. */
function source(available: readonly Row[]) {
  return jest.fn(async (limit: number, _after: Position | null): Promise<readonly Row[]> => available.slice(0, limit))
}

describe('encodeCursor / decodeCursor', () => {
  it('round-trips a position', () => {
    const position = { createdAt: new Date('2026-11-22T10:15:00.123Z'), id: ID }
    const cursor = encodeCursor(position)
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/)
    expect(decodeCursor(cursor)).toEqual(position)
  })

  it('is opaque base64url of "<epoch ms>:<uuid>"', () => {
    const createdAt = new Date('2026-11-22T10:15:00.123Z')
    expect(Buffer.from(encodeCursor({ createdAt, id: ID }), 'base64url').toString()).toBe(`${createdAt.getTime()}:${ID}`)
  })

  it('lower-cases the id', () => {
    const decoded = decodeCursor(b64(`1700000000000:${ID.toUpperCase()}`))
    expect(decoded.id).toBe(ID)
    expect(decoded.createdAt.getTime()).toBe(1700000000000)
  })

  it.each([
    ['garbage', 'not a cursor!'],
    ['empty', ''],
    ['no id', b64('1700000000000')],
    ['no time', b64(`:${ID}`)],
    ['non-numeric time', b64(`yesterday:${ID}`)],
    ['negative time', b64(`-5:${ID}`)],
    ['time out of range', b64(`99999999999999999999:${ID}`)],
    ['non-UUID id', b64('1700000000000:42')],
    ['SQL in the id', b64("1700000000000:1' OR '1'='1")],
  ])('rejects %s with BAD_USER_INPUT on "after"', (_name, cursor) => {
    const error = expectDomainError(() => decodeCursor(cursor), 'BAD_USER_INPUT', 'after')
    expect(error.message).toContain('after')
  })

  it('names the field it was given', () => {
    expectDomainError(() => decodeCursor('garbage', 'before'), 'BAD_USER_INPUT', 'before')
  })
})

describe('readPageArgs', () => {
  it('defaults to 10 and no cursor', () => {
    expect(readPageArgs({})).toEqual({ limit: 10, after: null })
    expect(readPageArgs({ first: null, after: null })).toEqual({ limit: 10, after: null })
  })

  it('uses the given default size', () => {
    expect(readPageArgs({}, 25)).toEqual({ limit: 25, after: null })
    expect(readPageArgs({ first: 3 }, 25)).toEqual({ limit: 3, after: null })
  })

  it('allows 0 and the maximum', () => {
    expect(readPageArgs({ first: 0 }).limit).toBe(0)
    expect(MAX_PAGE_SIZE).toBe(100)
    expect(readPageArgs({ first: 100 }).limit).toBe(100)
  })

  it.each([[-1], [101], [1.5], [Number.NaN], [Number.POSITIVE_INFINITY]])('rejects first = %p on field "first"', (first) => {
    expectDomainError(() => readPageArgs({ first }), 'BAD_USER_INPUT', 'first')
  })

  it('decodes "after"', () => {
    const createdAt = new Date('2026-01-02T03:04:05.006Z')
    expect(readPageArgs({ first: 5, after: encodeCursor({ createdAt, id: ID }) })).toEqual({ limit: 5, after: { createdAt, id: ID } })
  })

  it('rejects a bad "after" on field "after"', () => {
    expectDomainError(() => readPageArgs({ first: 5, after: b64('123:not-a-uuid') }), 'BAD_USER_INPUT', 'after')
  })

  it('treats an empty "after" as no cursor', () => {
    expect(readPageArgs({ after: '' }).after).toBeNull()
  })
})

describe('keysetPage', () => {
  const request = (limit: number, after: Position | null = null): PageRequest => ({ limit, after })

  it('asks for one extra row and reports a next page when it came back', async () => {
    const fetchRows = source(rows)
    const page = await keysetPage(request(3), fetchRows, async () => rows.length)
    expect(fetchRows).toHaveBeenCalledTimes(1)
    expect(fetchRows).toHaveBeenCalledWith(4, null)
    expect(page.edges.map((e) => e.node)).toEqual(rows.slice(0, 3))
    expect(page.pageInfo.hasNextPage).toBe(true)
  })

  it('reports no next page when exactly `limit` rows came back', async () => {
    const page = await keysetPage(request(3), source(rows.slice(0, 3)), async () => 3)
    expect(page.edges).toHaveLength(3)
    expect(page.pageInfo.hasNextPage).toBe(false)
  })

  it('reports no next page on a short page', async () => {
    const page = await keysetPage(request(5), source(rows.slice(0, 2)), async () => 2)
    expect(page.edges).toHaveLength(2)
    expect(page.pageInfo.hasNextPage).toBe(false)
  })

  it('passes the decoded cursor to fetchRows', async () => {
    const after = { createdAt: rows[2]!.createdAt, id: rows[2]!.id }
    const fetchRows = source(rows.slice(3))
    await keysetPage(request(2, after), fetchRows, async () => 0)
    expect(fetchRows).toHaveBeenCalledWith(3, after)
  })

  it("gives every edge the cursor of its row, and endCursor = the last edge's cursor", async () => {
    const page = await keysetPage(request(3), source(rows), async () => 0)
    page.edges.forEach((edge, i) => {
      expect(decodeCursor(edge.cursor)).toEqual({ createdAt: rows[i]!.createdAt, id: rows[i]!.id })
    })
    expect(page.pageInfo.endCursor).toBe(page.edges[2]!.cursor)
    // the extra (4th) row is not part of the page, nor of the end cursor
    expect(decodeCursor(page.pageInfo.endCursor as string).id).toBe(rows[2]!.id)
  })

  it('has endCursor null on an empty page', async () => {
    const page = await keysetPage(request(10), source([]), async () => 0)
    expect(page.edges).toEqual([])
    expect(page.pageInfo).toEqual({ hasNextPage: false, endCursor: null })
  })

  it('answers first: 0 with no edges, and hasNextPage saying whether there is anything', async () => {
    const fetchRows = source(rows)
    const page = await keysetPage(request(0), fetchRows, async () => rows.length)
    expect(fetchRows).toHaveBeenCalledWith(1, null)
    expect(page.edges).toEqual([])
    expect(page.pageInfo).toEqual({ hasNextPage: true, endCursor: null })
    expect(await page.totalCount()).toBe(rows.length)
  })

  it('runs count only when totalCount() is called', async () => {
    const count = jest.fn(async () => 42)
    const page = await keysetPage(request(2), source(rows), count)
    expect(count).not.toHaveBeenCalled()
    await expect(page.totalCount()).resolves.toBe(42)
    expect(count).toHaveBeenCalledTimes(1)
  })

  it('maps rows to nodes with toNode', async () => {
    const page = await keysetPage(
      request(2),
      source(rows),
      async () => 0,
      (row) => ({ text: row.body }),
    )
    expect(page.edges.map((e) => e.node)).toEqual([{ text: 'comment 0' }, { text: 'comment 1' }])
    // the cursor still comes from the row
    expect(decodeCursor(page.edges[1]!.cursor).id).toBe(rows[1]!.id)
  })

  it('walks a list page by page without gaps or repeats', async () => {
    const fetchRows = async (limit: number, after: Position | null): Promise<readonly Row[]> => {
      const start = after ? rows.findIndex((r) => r.id === after.id) + 1 : 0
      return rows.slice(start, start + limit)
    }
    const seen: string[] = []
    let after: Position | null = null
    for (let guard = 0; guard < 10; guard++) {
      const page = await keysetPage(request(3, after), fetchRows, async () => rows.length)
      seen.push(...page.edges.map((e) => e.node.id))
      if (!page.pageInfo.hasNextPage) break
      after = decodeCursor(page.pageInfo.endCursor as string)
    }
    expect(seen).toEqual(rows.map((r) => r.id))
  })
})

describe('emptyConnection / toCount', () => {
  it('is an empty page with totalCount 0', async () => {
    const connection = emptyConnection<Row>()
    expect(connection.edges).toEqual([])
    expect(connection.pageInfo).toEqual({ hasNextPage: false, endCursor: null })
    await expect(connection.totalCount()).resolves.toBe(0)
  })

  it('converts count(*) results', () => {
    expect(toCount({ count: '12' })).toBe(12)
    expect(toCount({ count: 3n })).toBe(3)
    expect(toCount({ count: 7 })).toBe(7)
    expect(toCount(undefined)).toBe(0)
  })
})

describe('connectionOf / pageRequestKey', () => {
  it('shows limit rows of limit + 1, with the next page flagged', async () => {
    const connection = connectionOf(
      { limit: 2, after: null },
      rows.slice(0, 3),
      async () => 7,
      (row) => row.body,
    )
    expect(connection.edges.map((e) => e.node)).toEqual(['comment 0', 'comment 1'])
    expect(connection.pageInfo).toEqual({ hasNextPage: true, endCursor: connection.edges[1]!.cursor })
    await expect(connection.totalCount()).resolves.toBe(7)
  })

  it('names a page request by its size and cursor', () => {
    const after = { createdAt: rows[1]!.createdAt, id: rows[1]!.id }
    expect(pageRequestKey({ limit: 5, after: null })).toBe(pageRequestKey({ limit: 5, after: null }))
    expect(pageRequestKey({ limit: 5, after })).toBe(pageRequestKey({ limit: 5, after: { ...after } }))
    expect(
      new Set([pageRequestKey({ limit: 5, after: null }), pageRequestKey({ limit: 6, after: null }), pageRequestKey({ limit: 5, after })])
        .size,
    ).toBe(3)
  })
})

describe('tablePagesByParent / tableCountsByParent', () => {
  interface Db {
    comments: { id: string; createdAt: Date; parentId: string | null; subjectType: string; subjectId: string; body: string }
  }
  const recordingDb = (answer: (sql: string) => readonly Record<string, unknown>[]) => recordingDbOf<Db>(answer)
  const P1 = '11111111-1111-4111-8111-111111111111'
  const P2 = '22222222-2222-4222-8222-222222222222'
  const P3 = '33333333-3333-4333-8333-333333333333'

  it("runs ONE query for every parent's page: a LATERAL keyset query per parent, LIMIT first + 1, rows split by parent", async () => {
    // Postgres answers in the database's names; the rows come back camelCased
    const stored = (row: Row) => ({ id: row.id, created_at: row.createdAt, body: row.body })
    const answer = [
      { parent_index: 1, ...stored(rows[0]!) },
      { parent_index: 1, ...stored(rows[1]!) },
      { parent_index: 3, ...stored(rows[2]!) },
    ]
    const { db, queries } = recordingDb(() => answer)
    const after = { createdAt: rows[4]!.createdAt, id: rows[4]!.id }
    const pages = await tablePagesByParent<Db, Row>(
      db,
      { parentId: 'uuid' },
      [{ parentId: P1 }, { parentId: P2 }, { parentId: P3 }],
      { limit: 4, after },
      'oldest-first',
      () => db.selectFrom('comments'),
    )
    expect(queries).toHaveLength(1)
    const { sql, parameters } = queries[0]!
    expect(sql).toMatch(/from unnest\(\$1::uuid\[\]\) with ordinality as parents\("k0", "ord"\)/)
    expect(sql).toMatch(
      /cross join lateral \(select \* from "comments" where "parent_id" = "parents"\."k0" and \(created_at, id\) > \(\$2, \$3\) order by "created_at" asc, "id" asc limit \$4\) as page/,
    )
    expect(parameters).toEqual([[P1, P2, P3], after.createdAt, after.id, 5])
    expect(pages).toEqual([[rows[0], rows[1]], [], [rows[2]]])
  })

  it('names a parent by several columns (a subject: type and id), newest first', async () => {
    const { db, queries } = recordingDb(() => [])
    const subjects = [
      { subjectType: 'PRODUCT', subjectId: P1 },
      { subjectType: 'REVIEW', subjectId: P2 },
    ]
    const pages = await tablePagesByParent<Db, Row>(
      db,
      { subjectType: 'text', subjectId: 'uuid' },
      subjects,
      { limit: 10, after: null },
      'newest-first',
      () => db.selectFrom('comments').where('parentId', 'is', null),
    )
    expect(pages).toEqual([[], []])
    const { sql, parameters } = queries[0]!
    expect(sql).toContain('unnest($1::text[], $2::uuid[]) with ordinality as parents("k0", "k1", "ord")')
    expect(sql).toContain(
      'where "parent_id" is null and "subject_type" = "parents"."k0" and "subject_id" = "parents"."k1" order by "created_at" desc, "id" desc limit $3',
    )
    expect(parameters).toEqual([['PRODUCT', 'REVIEW'], [P1, P2], 11])
  })

  it('runs no query for no parents', async () => {
    const { db, queries } = recordingDb(() => [])
    await expect(
      tablePagesByParent<Db, Row>(db, { parentId: 'uuid' }, [], { limit: 3, after: null }, 'oldest-first', () => db.selectFrom('comments')),
    ).resolves.toEqual([])
    await expect(tableCountsByParent(db, { parentId: 'uuid' }, [], () => db.selectFrom('comments'))).resolves.toEqual([])
    expect(queries).toHaveLength(0)
  })

  it("counts every parent's rows in ONE query, in the parents' order", async () => {
    const { db, queries } = recordingDb(() => [
      { parent_index: 2, count: '0' },
      { parent_index: 1, count: '12' },
    ])
    const counts = await tableCountsByParent(db, { parentId: 'uuid' }, [{ parentId: P1 }, { parentId: P2 }], () =>
      db.selectFrom('comments'),
    )
    expect(counts).toEqual([12, 0])
    expect(queries).toHaveLength(1)
    expect(queries[0]!.sql).toMatch(
      /cross join lateral \(select count\(\*\) as "count" from "comments" where "parent_id" = "parents"\."k0"\) as counted/,
    )
  })
})
