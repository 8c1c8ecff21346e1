import { PersistedQueryStore } from '../../gateway/src/persisted-queries'
import { createCache } from '../../packages/service-template/src/cache'
import { createLogger } from '../../packages/service-template/src/logger'
import { Metrics } from '../../packages/service-template/src/metrics'

const memory = () => createCache(undefined, createLogger('test', 'silent'), new Metrics())

describe('PersistedQueryStore (Apollo’s APQ cache, kept in the shared cache)', () => {
  it('keeps what Apollo registers under "apq:<hash>" and finds it by hash', async () => {
    const store = new PersistedQueryStore(memory(), 3600)
    await store.set('apq:abc', '{ __typename }')
    await expect(store.get('apq:abc')).resolves.toBe('{ __typename }')
    await expect(store.queryOf('abc')).resolves.toBe('{ __typename }')
    await expect(store.queryOf('def')).resolves.toBeUndefined()
  })

  it('gives each registration a lifetime: Apollo’s ttl, else its own', async () => {
    const cache = memory()
    const put = jest.spyOn(cache, 'put')
    const store = new PersistedQueryStore(cache, 3600)
    await store.set('apq:a', '{ a }', { ttl: 60 })
    await store.set('apq:b', '{ b }')
    expect(put.mock.calls).toEqual([
      ['apq:a', '{ a }', 60],
      ['apq:b', '{ b }', 3600],
    ])
  })

  it('does not register a document over 32 KiB (the client keeps sending its text)', async () => {
    const store = new PersistedQueryStore(memory(), 3600)
    await store.set('apq:big', `{ ${'a '.repeat(17_000)}}`)
    await expect(store.queryOf('big')).resolves.toBeUndefined()
  })
})
