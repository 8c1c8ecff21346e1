import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { Supergraph } from '@apollo/federation-internals'
import { buildSchema, findBreakingChanges } from 'graphql'
import { composeSupergraph } from '../../gateway/src/compose'

const contractPath = join(__dirname, '..', '..', '..', 'shared', 'contract', 'schema.graphql')

// The mutations and Query.operation come with the durable-writes issue (#3): until then these, and
// only these, are missing. The test fails on any other difference, and when one of them appears
// (so that this list is emptied, not forgotten).
const PENDING_ISSUE_3 = [
  'Operation', 'OperationStatus', 'OperationStep', 'StepStatus', 'RegisterUserInput', 'UpdateProfileInput',
  'RegisterMerchantInput', 'MoneyInput', 'CreateProductInput', 'SubmitReviewInput', 'ModerationDecision',
  'ModerateReviewInput', 'PostCommentInput', 'EditCommentInput', 'UserPayload', 'MerchantPayload',
  'ProductPayload', 'ReviewPayload', 'CommentPayload', 'Query.operation', 'Mutation.registerUser',
  'Mutation.updateProfile', 'Mutation.registerMerchant', 'Mutation.createProduct', 'Mutation.submitReview',
  'Mutation.moderateReview', 'Mutation.postComment', 'Mutation.editComment', 'Mutation.deleteComment',
].map((name) => `${name} was removed.`)

describe('the composed API schema against shared/contract/schema.graphql', () => {
  const api = Supergraph.build(composeSupergraph()).apiSchema().toGraphQLJSSchema()
  const contract = buildSchema(readFileSync(contractPath, 'utf8'))

  it('breaks nothing of the contract (names, arguments, nullability)', () => {
    const breaking = findBreakingChanges(contract, api).map((change) => change.description)
    expect(breaking.sort()).toEqual([...PENDING_ISSUE_3].sort())
  })

  it('has every Query field of the contract', () => {
    const queryFields = Object.keys(contract.getQueryType()?.getFields() ?? {}).filter((f) => f !== 'operation')
    expect(Object.keys(api.getQueryType()?.getFields() ?? {})).toEqual(expect.arrayContaining(queryFields))
  })
})
