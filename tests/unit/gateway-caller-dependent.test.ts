// The response cache never serves or stores, for a signed-in caller, an answer that may depend on
// who asks: a review's discussion (hidden unless PUBLISHED, except to its author and moderators)
// and a single comment (which may be under such a review). Products' and stores' pages do not.
import { Supergraph } from '@apollo/federation-internals'
import type { GraphQLSchema } from 'graphql'
import { composeSupergraph } from '../../gateway/src/compose'
import { ResponseCache } from '../../gateway/src/response-cache'
import { createCache } from '../../packages/service-template/src/cache'
import { createLogger } from '../../packages/service-template/src/logger'
import { Metrics } from '../../packages/service-template/src/metrics'

const PAGE = 'query ($subject: SubjectRef!) { comments(subject: $subject, first: 10) { totalCount edges { node { id body } } } }'
const INLINE_REVIEW = 'query { comments(subject: { type: REVIEW, id: "11111111-1111-4111-8111-111111111111" }) { totalCount } }'
const INLINE_PRODUCT = 'query { comments(subject: { type: PRODUCT, id: "11111111-1111-4111-8111-111111111111" }) { totalCount } }'
const COMMENT = 'query ($id: ID!) { comment(id: $id) { id body } }'
const BOTH = 'query ($subject: SubjectRef!, $id: ID!) { comments(subject: $subject) { totalCount } comment(id: $id) { id } }'
const ID = '11111111-1111-4111-8111-111111111111'

let schema: GraphQLSchema
let cache: ResponseCache
beforeAll(() => {
  schema = Supergraph.build(composeSupergraph()).apiSchema().toGraphQLJSSchema()
  cache = new ResponseCache(() => schema, createCache(undefined, createLogger('test', 'silent'), new Metrics()), new Metrics(), {
    ttlSeconds: 60,
  })
})

describe('answers that may depend on who asks', () => {
  it.each([
    ["a product's comments page", PAGE, { subject: { type: 'PRODUCT', id: ID } }, false],
    ["a store's comments page", PAGE, { subject: { type: 'MERCHANT', id: ID } }, false],
    ["a review's comments page", PAGE, { subject: { type: 'REVIEW', id: ID } }, true],
    ["a review's page, the subject inline", INLINE_REVIEW, {}, true],
    ["a product's page, the subject inline", INLINE_PRODUCT, {}, false],
    ['a single comment', COMMENT, { id: ID }, true],
    ["a product's page next to a single comment", BOTH, { subject: { type: 'PRODUCT', id: ID }, id: ID }, true],
    ['a subject type that is not one (Apollo refuses it)', PAGE, { subject: { type: 'NOPE', id: ID } }, true],
    ['no subject at all', PAGE, {}, true],
  ])('%s', (_, query, variables, dependent) => {
    expect(cache.isCacheable(query, undefined)).toBe(true)
    expect(cache.callerDependent(query, undefined, variables as Record<string, unknown>)).toBe(dependent)
  })

  it('a query that is not cacheable at all counts as dependent (the safe side)', () => {
    expect(cache.callerDependent('{ me { id } }', undefined, {})).toBe(true)
    expect(cache.callerDependent('not graphql', undefined, {})).toBe(true)
  })
})
