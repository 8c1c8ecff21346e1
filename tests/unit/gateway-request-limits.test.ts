import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { getIntrospectionQuery, parse } from 'graphql'
import { Supergraph } from '@apollo/federation-internals'
import { QueryLimits, type LimitedRequest } from '../../gateway/src/request-limits'
import { COMMENTS_PAGE_QUERY } from '../../bench/lib/verify'

const sdl = readFileSync(join(__dirname, '..', '..', 'gateway', 'supergraph.graphql'), 'utf8')
const schema = Supergraph.build(sdl).apiSchema().toGraphQLJSSchema()
const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex')

function limits(overrides: Partial<ConstructorParameters<typeof QueryLimits>[0]> = {}): QueryLimits {
  const made = new QueryLimits({ maxQueryBytes: 32 * 1024, maxTokens: 2000, maxDepth: 12, maxAliases: 30, maxCost: 10_000, ...overrides })
  made.useSchema(schema, sdl)
  return made
}

const request = (query: string | undefined, variables: Record<string, unknown> = {}, queryHash = sha256(query ?? '')): LimitedRequest => ({
  query,
  queryHash,
  operationName: undefined,
  variables,
})
const noRegistry = async (): Promise<string | undefined> => undefined
const codes = (admission: Awaited<ReturnType<QueryLimits['admit']>>) => admission.refused?.errors.map((e) => e.extensions?.code)

describe('QueryLimits', () => {
  it("admits the comments page, the hot-product listing and GraphiQL's introspection", async () => {
    const checks = limits()
    for (const query of [
      COMMENTS_PAGE_QUERY,
      '{ products(first: 100) { edges { node { id comments(first: 0) { totalCount } } } } }',
      getIntrospectionQuery({
        descriptions: true,
        specifiedByUrl: true,
        directiveIsRepeatable: true,
        schemaDescription: true,
        inputValueDeprecation: true,
      }),
    ]) {
      const admission = await checks.admit(request(query, { subject: { type: 'PRODUCT', id: 'x' } }), noRegistry)
      expect(admission.refused).toBeUndefined()
      expect(admission.admitted?.hash).toBe(sha256(query))
    }
  })

  it('refuses text longer than maxQueryBytes before parsing it (GRAPHQL_PARSE_FAILED)', async () => {
    const admission = await limits({ maxQueryBytes: 100 }).admit(request(`{ __typename ${'#'.repeat(200)}\n }`), noRegistry)
    expect(admission.refused?.status).toBe(400)
    expect(codes(admission)).toEqual(['GRAPHQL_PARSE_FAILED'])
    expect(admission.refused?.errors[0]?.message).toMatch(/bytes long; the limit is 100/)
  })

  it('counts bytes, not characters', async () => {
    const query = `{ __typename } # ${'é'.repeat(60)}`
    expect(query.length).toBeLessThan(100)
    expect(codes(await limits({ maxQueryBytes: 100 }).admit(request(query), noRegistry))).toEqual(['GRAPHQL_PARSE_FAILED'])
  })

  it('stops parsing at maxTokens (GRAPHQL_PARSE_FAILED), like Apollo', async () => {
    const admission = await limits({ maxTokens: 100 }).admit(
      request(`{ comments(subject: { type: PRODUCT, id: "1" }) {${' totalCount'.repeat(200)} } }`),
      noRegistry,
    )
    expect(codes(admission)).toEqual(['GRAPHQL_PARSE_FAILED'])
    expect(admission.refused?.errors[0]?.message).toMatch(/more tha[nt] 100 tokens/) // graphql-js's own wording
  })

  it('refuses depth, aliases and cost with GRAPHQL_VALIDATION_FAILED', async () => {
    const deep = `{ comment(id: "1") {${' parent {'.repeat(12)} id${' }'.repeat(12)} } }`
    expect(codes(await limits().admit(request(deep), noRegistry))).toEqual(['GRAPHQL_VALIDATION_FAILED'])
    const aliases = `{ ${Array.from({ length: 31 }, (_, i) => `a${i}: __typename`).join(' ')} }`
    expect(codes(await limits().admit(request(aliases), noRegistry))).toEqual(['GRAPHQL_VALIDATION_FAILED'])
    const dear = '{ products(first: 100) { edges { node { comments(first: 100) { edges { node { id } } } } } } }'
    const refused = await limits().admit(request(dear), noRegistry)
    expect(codes(refused)).toEqual(['GRAPHQL_VALIDATION_FAILED'])
    expect(refused.refused?.errors[0]?.message).toMatch(/costs \d+; the limit is 10000/)
  })

  it('prices page sizes given as variables with this request’s values', async () => {
    const query = 'query ($n: Int) { products(first: $n) { edges { node { comments(first: $n) { edges { node { id } } } } } } }'
    const checks = limits()
    expect((await checks.admit(request(query, { n: 10 }), noRegistry)).admitted).toBeDefined()
    expect(codes(await checks.admit(request(query, { n: 100 }), noRegistry))).toEqual(['GRAPHQL_VALIDATION_FAILED'])
    // the admitted document is reused, the cost is still checked per request
    expect((await checks.admit(request(query, { n: 10 }), noRegistry)).admitted).toBeDefined()
  })

  it('a hash-only request is checked on its registered text; unknown, it is left to Apollo', async () => {
    const checks = limits()
    const hash = sha256(COMMENTS_PAGE_QUERY)
    expect(await checks.admit(request(undefined, {}, hash), noRegistry)).toEqual({})
    const registry = jest.fn(async (asked: string) => (asked === hash ? COMMENTS_PAGE_QUERY : undefined))
    const admission = await checks.admit(request(undefined, {}, hash), registry)
    expect(admission.admitted?.hash).toBe(hash)
    expect(registry).toHaveBeenCalledTimes(1)
    // known now: no second look-up
    await checks.admit(request(undefined, {}, hash), registry)
    expect(registry).toHaveBeenCalledTimes(1)
  })

  it('keeps nothing of a refused text: the same text is checked (and refused) again', async () => {
    const checks = limits()
    const check = jest.spyOn(checks, 'check')
    const dear = '{ products(first: 100) { edges { node { comments(first: 100) { edges { node { id } } } } } } }'
    await checks.admit(request(dear), noRegistry)
    await checks.admit(request(dear), noRegistry)
    expect(check).toHaveBeenCalledTimes(2)
    await checks.admit(request(COMMENTS_PAGE_QUERY), noRegistry)
    await checks.admit(request(COMMENTS_PAGE_QUERY), noRegistry)
    expect(check).toHaveBeenCalledTimes(3)
  })

  it('keeps admitted documents within its count bound', async () => {
    const checks = limits({ documents: { maxEntries: 3, maxBytes: 1024 * 1024 } })
    const check = jest.spyOn(checks, 'check')
    const queries = Array.from({ length: 5 }, (_, i) => `{ a${i}: __typename }`)
    for (const query of queries) await checks.admit(request(query), noRegistry)
    await checks.admit(request(queries[0]), noRegistry) // dropped: checked again
    await checks.admit(request(queries[4]), noRegistry) // kept
    expect(check).toHaveBeenCalledTimes(6)
  })

  it("refuses in Apollo's pipeline what it did not admit itself (hash-only requests Apollo alone knows)", async () => {
    const checks = limits()
    const plugin = checks.apolloPlugin<{ admitted: boolean }>((context) => context.admitted)
    const listener = await plugin.requestDidStart?.({} as never)
    const document = parse('{ products(first: 100) { edges { node { comments(first: 100) { edges { node { id } } } } } } }')
    const run = (admitted: boolean) =>
      listener?.didResolveOperation?.({ document, request: { variables: {} }, contextValue: { admitted } } as never)
    await expect(run(true)).resolves.toBeUndefined()
    await expect(run(false)).rejects.toMatchObject({ extensions: { code: 'GRAPHQL_VALIDATION_FAILED', http: { status: 400 } } })
  })
})
