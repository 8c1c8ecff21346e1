import { createByIdLoader, createGroupLoader } from '../../../packages/service-template/src/loaders'

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
    const loader = createGroupLoader(async () => new Map<string, string[]>(), (): string[] => [])
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
    const fetch = jest.fn(
      async (keys: readonly Subject[]) => new Map(keys.map((k) => [k, `${k.type}:${k.id}`] as [Subject, string])),
    )
    const loader = createGroupLoader(fetch, () => '', (key: Subject) => `${key.type}:${key.id}`)
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
