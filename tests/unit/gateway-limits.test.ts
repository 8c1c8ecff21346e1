import { buildSchema, parse, specifiedRules, validate, type DocumentNode, type ValidationRule } from 'graphql'
import { aliasLimit, depthLimit } from '../../gateway/src/limits'

const schema = buildSchema(`
  type Query {
    version: String
    comment(id: ID!): Comment
    comments: [Comment!]!
  }
  type Comment {
    id: ID!
    body: String
    parent: Comment
    replies: [Comment!]!
  }
`)

const messages = (query: string | DocumentNode, rules: readonly ValidationRule[]): string[] =>
  validate(schema, typeof query === 'string' ? parse(query) : query, rules).map((e) => e.message)

/** A query `depth` fields deep: comment > parent > ... > id (depth >= 2). */
function nested(depth: number): string {
  return `{ comment(id: "1") {${' parent {'.repeat(depth - 2)} id${' }'.repeat(depth - 2)} } }`
}

describe('depthLimit', () => {
  it('counts fields, not selection sets', () => {
    expect(messages('{ version }', [depthLimit(1)])).toEqual([])
    expect(messages('{ comment(id: "1") { id } }', [depthLimit(1)])).toEqual(['The query is nested 2 levels deep; the limit is 1.'])
    expect(messages(nested(3), [depthLimit(2)])).toEqual(['The query is nested 3 levels deep; the limit is 2.'])
  })

  it.each([2, 5, 12])('accepts a query at the limit (%i) and rejects one level deeper', (max) => {
    expect(messages(nested(max), [depthLimit(max)])).toEqual([])
    expect(messages(nested(max + 1), [depthLimit(max)])).toEqual([`The query is nested ${max + 1} levels deep; the limit is ${max}.`])
  })

  it('the test query itself is valid GraphQL', () => {
    expect(messages(nested(6), specifiedRules)).toEqual([])
  })

  it('uses the deepest branch', () => {
    const query = '{ version comments { id replies { id } parent { parent { parent { id } } } } }'
    expect(messages(query, [depthLimit(5)])).toEqual([])
    expect(messages(query, [depthLimit(4)])).toEqual(['The query is nested 5 levels deep; the limit is 4.'])
  })

  it('counts fields inside named fragments', () => {
    const query = `
      query { comment(id: "1") { ...Deep } }
      fragment Deep on Comment { parent { parent { id } } }
    `
    expect(messages(query, [depthLimit(4)])).toEqual([])
    expect(messages(query, [depthLimit(3)])).toEqual(['The query is nested 4 levels deep; the limit is 3.'])
  })

  it('counts fields inside fragments spread from fragments', () => {
    const query = `
      query { comment(id: "1") { ...A } }
      fragment A on Comment { parent { ...B } }
      fragment B on Comment { replies { parent { id } } }
    `
    expect(messages(query, [depthLimit(5)])).toEqual([])
    expect(messages(query, [depthLimit(4)])).toEqual(['The query is nested 5 levels deep; the limit is 4.'])
  })

  it('counts fields inside inline fragments (with or without a type condition)', () => {
    const typed = '{ comment(id: "1") { ... on Comment { parent { parent { id } } } } }'
    expect(messages(typed, [depthLimit(4)])).toEqual([])
    expect(messages(typed, [depthLimit(3)])).toEqual(['The query is nested 4 levels deep; the limit is 3.'])
    const untyped = '{ comment(id: "1") { ... @include(if: true) { parent { id } } } }'
    expect(messages(untyped, [depthLimit(2)])).toEqual(['The query is nested 3 levels deep; the limit is 2.'])
  })

  it('does not loop forever on a fragment cycle (and the standard rules reject it)', () => {
    const query = `
      query { comment(id: "1") { ...A } }
      fragment A on Comment { parent { ...B } }
      fragment B on Comment { parent { ...A } }
    `
    expect(messages(query, [depthLimit(10)])).toEqual([])
    expect(messages(query, [depthLimit(2)])).toEqual(['The query is nested 3 levels deep; the limit is 2.'])
    expect(messages(query, [...specifiedRules, depthLimit(10)]).join('\n')).toMatch(/Cannot spread fragment "A" within itself/)
  })

  it('does not loop forever on a fragment that spreads itself', () => {
    const query = 'query { comment(id: "1") { ...Self } } fragment Self on Comment { id parent { ...Self } }'
    expect(messages(query, [depthLimit(10)])).toEqual([])
  })

  it('ignores an unknown fragment (the standard rules report it)', () => {
    expect(messages('{ comment(id: "1") { ...Missing } }', [depthLimit(1)])).toEqual([])
  })

  it('does not count introspection fields', () => {
    const schemaQuery = '{ __schema { types { fields { type { ofType { ofType { name } } } } } } }'
    const typeQuery = '{ __type(name: "Comment") { fields { type { ofType { name } } } } }'
    expect(messages(schemaQuery, [depthLimit(1)])).toEqual([])
    expect(messages(typeQuery, [depthLimit(1)])).toEqual([])
    expect(messages('{ comment(id: "1") { __typename id } }', [depthLimit(2)])).toEqual([])
    expect(messages(schemaQuery, specifiedRules)).toEqual([])
  })

  it('still counts ordinary fields next to introspection fields', () => {
    expect(messages(`{ __schema { types { name } } ${nested(4).slice(1, -1)} }`, [depthLimit(3)])).toEqual([
      'The query is nested 4 levels deep; the limit is 3.',
    ])
  })

  it('checks each operation of a document on its own', () => {
    const doc = `query Shallow { version } query Deep ${nested(4)}`
    expect(messages(doc, [depthLimit(3)])).toEqual(['The query is nested 4 levels deep; the limit is 3.'])
  })

  it('reports the operation node', () => {
    const [error] = validate(schema, parse(`\n${nested(3)}`), [depthLimit(2)])
    expect(error?.locations).toEqual([{ line: 2, column: 1 }])
  })

  // A chain of fragments that each spread the next twice is 2^n paths: walking each path (as an
  // earlier version did) let a ~1 KB valid query block the gateway for ~37 s. Counted through the
  // AST so the test stays fast.
  it('walks each fragment a bounded number of times (no exponential blow-up)', () => {
    const levels = 14
    let source = 'query { comment(id: "1") { ...F0 } }\n'
    for (let i = 0; i < levels; i++) source += `fragment F${i} on Comment { ...F${i + 1} ...F${i + 1} }\n`
    source += `fragment F${levels} on Comment { id }\n`
    const doc = parse(source)
    expect(messages(doc, specifiedRules)).toEqual([]) // a valid query

    const last = doc.definitions.at(-1) as { selectionSet: unknown }
    const selectionSet = last.selectionSet
    let reads = 0
    Object.defineProperty(last, 'selectionSet', {
      get: () => {
        reads++
        return selectionSet
      },
      enumerable: true,
    })
    expect(messages(doc, [depthLimit(12)])).toEqual([])
    // the naive walk reads it 2^14 = 16384 times
    expect(reads).toBeLessThanOrEqual(100)
  })
})

describe('aliasLimit', () => {
  const aliased = (count: number): string =>
    `{ version ${Array.from({ length: count }, (_, i) => `c${i}: comment(id: "${i}") { id }`).join(' ')} }`

  it.each([0, 1, 3, 30])('with a limit of %i, allows that many aliases and rejects one more', (max) => {
    expect(messages(aliased(max), [aliasLimit(max)])).toEqual([])
    expect(messages(aliased(max + 1), [aliasLimit(max)])).toEqual([`The query uses ${max + 1} aliases; the limit is ${max}.`])
  })

  it('does not count unaliased fields', () => {
    expect(messages('{ version comments { id body parent { id } } }', [aliasLimit(0)])).toEqual([])
  })

  it('counts aliases at any depth and inside fragments', () => {
    const query = `
      query { a: comment(id: "1") { b: parent { id } ...F ... on Comment { c: body } } }
      fragment F on Comment { d: replies { e: id } }
    `
    expect(messages(query, [aliasLimit(5)])).toEqual([])
    expect(messages(query, [aliasLimit(4)])).toEqual(['The query uses 5 aliases; the limit is 4.'])
  })

  it('counts aliases across all operations of the document, reported once', () => {
    const doc = 'query A { x: version } query B { y: version z: version }'
    expect(messages(doc, [aliasLimit(2)])).toEqual(['The query uses 3 aliases; the limit is 2.'])
  })

  it('works together with depthLimit and the standard rules', () => {
    expect(messages(aliased(3), [...specifiedRules, depthLimit(2), aliasLimit(3)])).toEqual([])
    expect(messages(aliased(4), [...specifiedRules, depthLimit(1), aliasLimit(3)])).toEqual([
      'The query is nested 2 levels deep; the limit is 1.',
      'The query uses 4 aliases; the limit is 3.',
    ])
  })
})
