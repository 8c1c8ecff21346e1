import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { expectedEdges } from '../../bench/lib/data'
import { COMMENTS_PAGE_QUERY, quickCheck, verifyEntitiesResponse, verifyPageResponse } from '../../bench/lib/verify'

const author = { id: '11111111-1111-4111-8111-111111111111', username: 'ann', avatarUrl: null }
const edge = (i: number) => ({
  cursor: `c${i}`,
  node: { id: `n${i}`, body: 'hi', createdAt: '2026-01-01T00:00:00.000Z', replyCount: 0, author },
})
const page = (n: number, extra: Record<string, unknown> = {}) =>
  JSON.stringify({
    data: {
      comments: {
        totalCount: 42,
        edges: Array.from({ length: n }, (_, i) => edge(i)),
        pageInfo: { hasNextPage: true, endCursor: n ? `c${n - 1}` : null },
        ...extra,
      },
    },
  })

describe('bench response checks', () => {
  it("sends the contract README's CommentsPage query verbatim", () => {
    const readme = join(__dirname, '..', '..', 'contract', 'README.md')
    expect(readFileSync(readme, 'utf8')).toContain(COMMENTS_PAGE_QUERY)
  })

  it('quick check: status 200 and no top-level errors', () => {
    expect(quickCheck(200, page(10))).toBeNull()
    expect(quickCheck(500, 'oops')).toMatch(/HTTP 500/)
    expect(quickCheck(200, JSON.stringify({ errors: [{ message: 'x' }], data: null }))).toMatch(/errors/)
    // a body that merely mentions "errors" inside a string is fine
    expect(quickCheck(200, JSON.stringify({ data: { body: '"errors": none' } }))).toBeNull()
  })

  it('full verification of a page', () => {
    expect(verifyPageResponse(page(10), { edges: 10 }).ok).toBe(true)
    expect(verifyPageResponse(page(3), { edges: 3 }).ok).toBe(true)
    expect(verifyPageResponse(page(0), { edges: 0 }).ok).toBe(true)
    expect(verifyPageResponse(page(11))).toMatchObject({ ok: false })
    expect(verifyPageResponse(page(9), { edges: 10 })).toMatchObject({ ok: false })
    expect(verifyPageResponse(page(9), { minEdges: 10 })).toMatchObject({ ok: false })
    expect(verifyPageResponse(page(10, { totalCount: '42' }))).toMatchObject({ ok: false })
    expect(verifyPageResponse(page(10), { totalCount: 42 }).ok).toBe(true)
    expect(verifyPageResponse(page(10), { totalCount: 41 })).toMatchObject({ ok: false })
    expect(verifyPageResponse(page(10), { minTotalCount: 40 }).ok).toBe(true)
    expect(verifyPageResponse(page(10), { minTotalCount: 43 })).toMatchObject({ ok: false })
    const noAvatar = page(1).replace('"avatarUrl":null,', '').replace(',"avatarUrl":null', '')
    expect(verifyPageResponse(noAvatar)).toMatchObject({ ok: false })
    const noUsername = page(1).replace('"username":"ann"', '"username":""')
    expect(verifyPageResponse(noUsername)).toMatchObject({ ok: false })
    expect(verifyPageResponse('{')).toMatchObject({ ok: false })
    expect(verifyPageResponse(JSON.stringify({ data: null, errors: [{ message: 'x' }] }))).toMatchObject({ ok: false })
  })

  it('expected edges per page', () => {
    expect(expectedEdges(35, 0)).toBe(10)
    expect(expectedEdges(35, 3)).toBe(5)
    expect(expectedEdges(35, 4)).toBe(0)
  })

  it('entities answers are checked id by id', () => {
    const body = JSON.stringify({ data: { _entities: [{ ...author }, { ...author, id: 'b' }] } })
    expect(verifyEntitiesResponse(body, [author.id, 'b'])).toBeNull()
    expect(verifyEntitiesResponse(body, ['b', author.id])).toMatch(/entity 0/)
    expect(verifyEntitiesResponse(body, [author.id])).toMatch(/expected 1/)
  })
})
