import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { buildSchema, getIntrospectionQuery, parse } from 'graphql'
import { Supergraph } from '@apollo/federation-internals'
import { operationCost, SubgraphOwnership, DEFAULT_COST_WEIGHTS } from '../../gateway/src/cost'
import { COMMENTS_PAGE_QUERY } from '../../bench/lib/verify'

// a small supergraph: catalog owns products, comments owns comments and the Product.comments field
const SUPERGRAPH = `
  enum join__Graph { CATALOG COMMENTS USERS }
  type Query @join__type(graph: CATALOG) @join__type(graph: COMMENTS) {
    products(first: Int = 10): ProductConnection! @join__field(graph: CATALOG)
    product(id: ID!): Product @join__field(graph: CATALOG)
    tags: [String!]! @join__field(graph: CATALOG)
    comment(id: ID!): Comment @join__field(graph: COMMENTS)
  }
  type ProductConnection @join__type(graph: CATALOG) { totalCount: Int! edges: [ProductEdge!]! }
  type ProductEdge @join__type(graph: CATALOG) { node: Product! }
  type Product @join__type(graph: CATALOG, key: "id") @join__type(graph: COMMENTS, key: "id") {
    id: ID!
    name: String! @join__field(graph: CATALOG)
    related: [Product!]! @join__field(graph: CATALOG)
    comments(first: Int = 10): CommentConnection! @join__field(graph: COMMENTS)
  }
  type CommentConnection @join__type(graph: COMMENTS) { totalCount: Int! edges: [CommentEdge!]! }
  type CommentEdge @join__type(graph: COMMENTS) { node: Comment! }
  type Comment @join__type(graph: COMMENTS, key: "id") {
    id: ID!
    body: String! @join__field(graph: COMMENTS)
    author: User! @join__field(graph: COMMENTS)
    replies(first: Int = 10): CommentConnection! @join__field(graph: COMMENTS)
  }
  type User @join__type(graph: USERS, key: "id") @join__type(graph: COMMENTS, key: "id") {
    id: ID!
    username: String! @join__field(graph: USERS)
    avatarUrl: String @join__field(graph: USERS)
  }
`
const JOIN_DIRECTIVES = `
  directive @join__type(graph: join__Graph!, key: String) repeatable on OBJECT | INTERFACE
  directive @join__field(graph: join__Graph, external: Boolean) repeatable on FIELD_DEFINITION
`
const schema = buildSchema(JOIN_DIRECTIVES + SUPERGRAPH)
const ownership = SubgraphOwnership.fromSupergraph(SUPERGRAPH)
const weights = { ...DEFAULT_COST_WEIGHTS, fetchCost: 0 } // field counts alone, unless a test says otherwise
const cost = (query: string, variables: Record<string, unknown> = {}, operationName?: string, w = weights) =>
  operationCost(schema, ownership, parse(query), operationName, variables, w)

describe('operationCost: lists multiply', () => {
  it('counts every field once outside lists', () => {
    expect(cost('{ product(id: "1") { id name } }')).toBe(3)
    expect(cost('{ __typename product(id: "1") { __typename id } }')).toBe(2)
  })

  it("a connection's page size multiplies what its list holds, not its totalCount", () => {
    // products 1 + totalCount 1 + edges (1 + 5 × (node 1 + id 1))
    expect(cost('{ products(first: 5) { totalCount edges { node { id } } } }')).toBe(1 + 1 + 1 + 5 * 2)
  })

  it('nested pages multiply each other', () => {
    const nested = (n: number) => `{ products(first: ${n}) { edges { node { comments(first: ${n}) { edges { node { id } } } } } } }`
    // products 1 + edges 1 + n × (node 1 + comments 1 + edges 1 + n × (node 1 + id 1))
    expect(cost(nested(3))).toBe(2 + 3 * (3 + 3 * 2))
    expect(cost(nested(100))).toBe(2 + 100 * (3 + 100 * 2))
    expect(cost(nested(100))).toBeGreaterThan((100 * cost(nested(10))) / 20)
  })

  it("without first, the argument's schema default is the page size", () => {
    expect(cost('{ products { edges { node { id } } } }')).toBe(cost('{ products(first: 10) { edges { node { id } } } }'))
  })

  it('a list without a page size counts defaultListSize items', () => {
    expect(cost('{ tags }')).toBe(10)
    expect(cost('{ product(id: "1") { related { id } } }')).toBe(1 + 1 + 10 * 1)
    expect(cost('{ tags }', {}, undefined, { ...weights, defaultListSize: 3 })).toBe(3)
  })

  it('reads the page size from a variable, its declared default, or the schema default', () => {
    const query = 'query Q($n: Int) { products(first: $n) { edges { node { id } } } }'
    // products 1 + edges 1 + n × (node 1 + id 1)
    expect(cost(query, { n: 50 })).toBe(2 + 50 * 2)
    expect(cost(query, {})).toBe(2 + 10 * 2)
    expect(cost(query, { n: null })).toBe(2 + 10 * 2)
    expect(cost('query Q($n: Int = 7) { products(first: $n) { edges { node { id } } } }', {})).toBe(2 + 7 * 2)
    // a value that is not a number: the default list size (the request is refused elsewhere)
    expect(cost(query, { n: 'many' })).toBe(2 + 10 * 2)
  })

  it('aliases each count: three aliases of one list cost three times one', () => {
    const one = cost('{ products(first: 20) { edges { node { id } } } }')
    expect(
      cost(
        '{ a: products(first: 20) { edges { node { id } } } b: products(first: 20) { edges { node { id } } } c: products(first: 20) { edges { node { id } } } }',
      ),
    ).toBe(3 * one)
  })

  it('counts named and inline fragments where they are spread', () => {
    const inline = cost('{ products(first: 4) { edges { node { id name } } } }')
    expect(cost('{ products(first: 4) { edges { node { ... on Product { id name } } } } }')).toBe(inline)
    expect(cost('{ products(first: 4) { edges { node { ...P } } } } fragment P on Product { id name }')).toBe(inline)
    // a fragment spread twice counts twice
    expect(cost('{ a: product(id: "1") { ...P } b: product(id: "2") { ...P } } fragment P on Product { id name }')).toBe(2 * 3)
  })

  it('walks each fragment a bounded number of times (no exponential blow-up) and survives cycles', () => {
    let source = 'query { product(id: "1") { ...F0 } }\n'
    for (let i = 0; i < 30; i++) source += `fragment F${i} on Product { ...F${i + 1} ...F${i + 1} }\n`
    source += 'fragment F30 on Product { id }\n'
    const started = process.hrtime.bigint()
    expect(cost(source)).toBe(1 + 2 ** 30)
    expect(Number(process.hrtime.bigint() - started) / 1e6).toBeLessThan(1000)
    expect(cost('{ product(id: "1") { ...A } } fragment A on Product { id ...B } fragment B on Product { ...A }')).toBe(2)
  })

  it('the operation named, or the dearest when none is named', () => {
    const doc = 'query Small { product(id: "1") { id } } query Big { products(first: 50) { edges { node { id } } } }'
    expect(cost(doc, {}, 'Small')).toBe(2)
    expect(cost(doc, {}, 'Big')).toBe(2 + 50 * 2)
    expect(cost(doc)).toBe(2 + 50 * 2)
    expect(cost(doc, {}, 'Missing')).toBe(0)
  })
})

describe('operationCost: subgraph fetches', () => {
  const withFetches = { ...weights, fetchCost: 100 }
  const fetches = (query: string): number => (cost(query, {}, undefined, withFetches) - cost(query)) / 100

  it('a root field is a fetch; fields its subgraph resolves are not', () => {
    expect(fetches('{ product(id: "1") { id name related { name } } }')).toBe(1)
  })

  it('a field another subgraph owns is one more fetch, batched over the list (not multiplied)', () => {
    expect(fetches('{ products(first: 100) { edges { node { name comments(first: 5) { totalCount } } } } }')).toBe(2)
    expect(fetches('{ products(first: 100) { edges { node { comments(first: 5) { edges { node { author { username } } } } } } } }')).toBe(3)
  })

  it('sibling fields from the same subgraph share a fetch', () => {
    expect(fetches('{ comment(id: "1") { author { username avatarUrl } } }')).toBe(2)
    expect(fetches('{ comment(id: "1") { author { id } } }')).toBe(1) // the key is known without a fetch
  })

  it('root fields of two subgraphs are two fetches', () => {
    expect(fetches('{ product(id: "1") { id } comment(id: "1") { id } }')).toBe(2)
  })
})

describe('operationCost: the real supergraph', () => {
  const sdl = readFileSync(join(__dirname, '..', '..', 'gateway', 'supergraph.graphql'), 'utf8')
  const api = Supergraph.build(sdl).apiSchema().toGraphQLJSSchema()
  const real = SubgraphOwnership.fromSupergraph(sdl)
  const realCost = (query: string, variables: Record<string, unknown> = {}) => operationCost(api, real, parse(query), undefined, variables)
  const bombAlias = (i: number) =>
    `a${i}: products(first: 100) { edges { node { comments(first: 100) { edges { node { replies(first: 100) { totalCount edges { node { replies(first: 100) { totalCount } } } } } } } } } }`

  it('the comments page and the hot-product listing cost a few hundred', () => {
    expect(realCost(COMMENTS_PAGE_QUERY, { subject: { type: 'PRODUCT', id: 'x' } })).toBeLessThan(500)
    expect(realCost('{ products(first: 100) { edges { node { id comments(first: 0) { totalCount } } } } }')).toBeLessThan(1000)
  })

  it("GraphiQL's introspection query stays well under the default limit (100,000)", () => {
    const introspection = getIntrospectionQuery({
      descriptions: true,
      specifiedByUrl: true,
      directiveIsRepeatable: true,
      schemaDescription: true,
      inputValueDeprecation: true,
    })
    expect(realCost(introspection)).toBeLessThan(6000)
  })

  it('an introspection bomb (types nested through fields) is dear', () => {
    const nest = (depth: number): string => (depth === 0 ? 'name' : `fields { type { ${nest(depth - 1)} } }`)
    expect(realCost(`{ __schema { types { ${nest(6)} } } }`)).toBeGreaterThan(1_000_000)
  })

  it('a page of pages stays under the default limit; a page of pages of pages is over it', () => {
    expect(
      realCost(
        '{ merchants(first: 100) { edges { node { id reviews(first: 100) { totalCount edges { node { status createdAt } } } } } } }',
      ),
    ).toBeLessThan(100_000)
    expect(
      realCost(
        '{ products(first: 100) { edges { node { reviews(first: 100) { edges { node { comments(first: 100) { edges { node { id } } } } } } } } } }',
      ),
    ).toBeGreaterThan(100_000)
  })

  it('the cost bomb of issue #9 costs millions, one alias of it too', () => {
    expect(realCost(`{ ${Array.from({ length: 30 }, (_, i) => bombAlias(i)).join(' ')} }`)).toBeGreaterThan(10_000_000)
    expect(realCost(`{ ${bombAlias(0)} }`)).toBeGreaterThan(1_000_000)
  })
})

describe('SubgraphOwnership', () => {
  it('reads field owners from @join__field, else the type’s @join__type; external fields do not count', () => {
    const own = SubgraphOwnership.fromSupergraph(`
      type T @join__type(graph: A) @join__type(graph: B) {
        shared: Int
        onlyB: Int @join__field(graph: B)
        provided: Int @join__field(graph: A, external: true) @join__field(graph: B)
      }
    `)
    expect(own.graphsOf('T', 'shared')).toEqual(['A', 'B'])
    expect(own.graphsOf('T', 'onlyB')).toEqual(['B'])
    expect(own.graphsOf('T', 'provided')).toEqual(['B'])
    expect(own.graphsOf('T', 'missing')).toEqual([])
  })
})
