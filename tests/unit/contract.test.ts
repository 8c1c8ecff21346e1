import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { Supergraph } from '@apollo/federation-internals'
import { buildSchema, findBreakingChanges } from 'graphql'
import { composeSupergraph } from '../../gateway/src/compose'

const contractPath = join(__dirname, '..', '..', 'contract', 'schema.graphql')

describe('the composed API schema against contract/schema.graphql', () => {
  const api = Supergraph.build(composeSupergraph()).apiSchema().toGraphQLJSSchema()
  const contract = buildSchema(readFileSync(contractPath, 'utf8'))

  it('breaks nothing of the contract (names, arguments, nullability)', () => {
    const breaking = findBreakingChanges(contract, api).map((change) => change.description)
    expect(breaking).toEqual([])
  })

  it('has every Query and Mutation field of the contract', () => {
    const mutations = Object.keys(contract.getMutationType()?.getFields() ?? {})
    expect(Object.keys(api.getMutationType()?.getFields() ?? {})).toEqual(expect.arrayContaining(mutations))
    const queryFields = Object.keys(contract.getQueryType()?.getFields() ?? {})
    expect(Object.keys(api.getQueryType()?.getFields() ?? {})).toEqual(expect.arrayContaining(queryFields))
  })
})
