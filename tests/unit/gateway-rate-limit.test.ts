import type { IncomingMessage } from 'node:http'
import { buildSchema, parse, validate } from 'graphql'
import { clientAddressOf, oneCredentialField } from '../../gateway/src/rate-limit'
import { createCache } from '../../packages/service-template/src/cache'
import { createLogger } from '../../packages/service-template/src/logger'
import { Metrics } from '../../packages/service-template/src/metrics'

const request = (remoteAddress: string, forwarded?: string | string[]): IncomingMessage =>
  ({ socket: { remoteAddress }, headers: forwarded === undefined ? {} : { 'x-forwarded-for': forwarded } }) as unknown as IncomingMessage

describe('clientAddressOf', () => {
  it("is the socket's address unless TRUST_PROXY: X-Forwarded-For is the client's own claim", () => {
    expect(clientAddressOf(request('203.0.113.9'), false)).toBe('203.0.113.9')
    expect(clientAddressOf(request('203.0.113.9', '198.51.100.1'), false)).toBe('203.0.113.9')
  })

  it("behind a trusted proxy it is the last X-Forwarded-For entry (the one the proxy appended), not the client's first", () => {
    expect(clientAddressOf(request('10.0.0.2', '198.51.100.1, 192.0.2.44'), true)).toBe('192.0.2.44')
    expect(clientAddressOf(request('10.0.0.2', ['198.51.100.1', '192.0.2.45 ']), true)).toBe('192.0.2.45')
    expect(clientAddressOf(request('10.0.0.2'), true)).toBe('10.0.0.2')
    expect(clientAddressOf(request('10.0.0.2', ' , '), true)).toBe('10.0.0.2')
  })
})

describe('oneCredentialField', () => {
  const schema = buildSchema(`
    type Query { login: String }
    type Mutation { login(p: String): String, registerUser: String, other: String }
  `)
  const errors = (text: string) => validate(schema, parse(text), [oneCredentialField]).map((e) => e.message)

  it('allows one login or registerUser field per document', () => {
    expect(errors('mutation { login(p: "a") other }')).toEqual([])
    expect(errors('mutation { registerUser }')).toEqual([])
    // a Query field of the same name is not the mutation
    expect(errors('query { login } mutation { login(p: "a") }')).toEqual([])
  })

  it('refuses a second one: aliases, both mutations, fragments, another operation of the document', () => {
    const refused = ['A request may contain at most one login or registerUser field.']
    expect(errors('mutation { a: login(p: "1") b: login(p: "2") }')).toEqual(refused)
    expect(errors('mutation { login(p: "1") registerUser }')).toEqual(refused)
    expect(errors('mutation { ...f login(p: "2") } fragment f on Mutation { login(p: "1") }')).toEqual(refused)
    expect(errors('mutation A { login(p: "1") } mutation B { login(p: "2") }')).toEqual(refused)
    // reported once, however many
    expect(errors('mutation { a: login b: login c: login }')).toEqual(refused)
  })
})

describe('rate-limit counters in memory (no Redis)', () => {
  const cache = () => createCache(undefined, createLogger('test', 'silent'), new Metrics())

  afterEach(() => jest.restoreAllMocks())

  it('counts hits in a fixed window per key; takes one back with -1; a new window starts at zero', async () => {
    const now = jest.spyOn(Date, 'now').mockReturnValue(1_000_000)
    const counters = cache()
    expect(await counters.hit('k', 60)).toEqual({ count: 1, ttl: 60 })
    expect(await counters.hit('k', 60)).toEqual({ count: 2, ttl: 60 })
    expect(await counters.hit('other', 60)).toEqual({ count: 1, ttl: 60 })
    now.mockReturnValue(1_000_000 + 45_500)
    expect(await counters.hit('k', 60)).toEqual({ count: 3, ttl: 15 })
    expect(await counters.hit('k', 60, -1)).toEqual({ count: 2, ttl: 15 })
    now.mockReturnValue(1_000_000 + 60_000)
    expect(await counters.hit('k', 60)).toEqual({ count: 1, ttl: 60 })
    // taken back to zero: gone, and a later hit starts a new window
    expect(await counters.hit('other', 60, -1)).toEqual({ count: 0, ttl: 0 })
    expect(await counters.hit('k', 60, -1)).toEqual({ count: 0, ttl: 0 })
    now.mockReturnValue(1_000_000 + 70_000)
    expect(await counters.hit('k', 60)).toEqual({ count: 1, ttl: 60 })
  })
})
