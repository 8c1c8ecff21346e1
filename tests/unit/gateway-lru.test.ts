import { BoundedKeyValueCache, Lru } from '../../gateway/src/lru'

const lru = (maxEntries: number, maxBytes: number) => new Lru<string, string>({ maxEntries, maxBytes, sizeOf: (value) => value.length })

describe('Lru', () => {
  it('keeps at most maxEntries, dropping the least recently used', () => {
    const cache = lru(2, 1000)
    cache.set('a', 'A')
    cache.set('b', 'B')
    expect(cache.get('a')).toBe('A') // a is now the most recently used
    cache.set('c', 'C')
    expect(cache.has('b')).toBe(false)
    expect(cache.get('a')).toBe('A')
    expect(cache.get('c')).toBe('C')
    expect(cache.size).toBe(2)
  })

  it('keeps at most maxBytes, dropping as many old entries as it takes', () => {
    const cache = lru(100, 10)
    cache.set('a', 'xxxx')
    cache.set('b', 'xxxx')
    expect(cache.bytes).toBe(8)
    cache.set('c', 'xxxxxxx')
    expect(cache.has('a')).toBe(false)
    expect(cache.has('b')).toBe(false)
    expect(cache.get('c')).toBe('xxxxxxx')
    expect(cache.bytes).toBe(7)
  })

  it('does not keep an entry larger than maxBytes (and keeps the others)', () => {
    const cache = lru(100, 10)
    cache.set('a', 'xx')
    cache.set('huge', 'x'.repeat(11))
    expect(cache.has('huge')).toBe(false)
    expect(cache.get('a')).toBe('xx')
  })

  it('replacing a key counts its new size only; delete and clear give the bytes back', () => {
    const cache = lru(100, 100)
    cache.set('a', 'xxxx')
    cache.set('a', 'xx')
    expect(cache.bytes).toBe(2)
    expect(cache.size).toBe(1)
    expect(cache.delete('a')).toBe(true)
    expect(cache.delete('a')).toBe(false)
    expect(cache.bytes).toBe(0)
    cache.set('b', 'x')
    cache.clear()
    expect(cache.size).toBe(0)
    expect(cache.bytes).toBe(0)
  })

  it('stays within both bounds whatever is put in', () => {
    const cache = lru(50, 500)
    for (let i = 0; i < 10_000; i++) {
      cache.set(`k${i}`, 'x'.repeat(i % 40))
      expect(cache.size).toBeLessThanOrEqual(50)
      expect(cache.bytes).toBeLessThanOrEqual(500)
    }
  })
})

describe('BoundedKeyValueCache (Apollo document and query-plan stores)', () => {
  it("answers Apollo's KeyValueCache calls, bounded by count and by the values' JSON size", async () => {
    const cache = new BoundedKeyValueCache<{ text: string }>(2, 1000)
    await cache.set('a', { text: 'a' })
    await cache.set('b', { text: 'b' })
    await cache.set('c', { text: 'c' })
    await expect(cache.get('a')).resolves.toBeUndefined()
    await expect(cache.get('c')).resolves.toEqual({ text: 'c' })
    await expect(cache.delete('c')).resolves.toBe(true)
    await cache.set('big', { text: 'x'.repeat(1000) })
    await expect(cache.get('big')).resolves.toBeUndefined()
    cache.clear()
    await expect(cache.get('b')).resolves.toBeUndefined()
  })
})
