// The runs' search attributes (workflows/src/search-attributes.ts): what each scenario's run
// carries, that the names are free and fit SQL visibility, and that compose's registration script
// is generated from the same list.
import { readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { TypedSearchAttributes, type SearchAttributePair } from '@temporalio/common'
import * as scenarios from '../../workflows/src/scenarios'
import {
  ANONYMOUS,
  SEARCH_ATTRIBUTE_KEYS,
  SEARCH_ATTRIBUTES,
  searchAttributesOf,
  type ScenarioInput,
  type ScenarioName,
} from '../../workflows/src/search-attributes'
import { REGISTER_SCRIPT_PATH, registerSearchAttributesScript } from '../../scripts/generate/search-attributes'

const ROOT = join(__dirname, '..', '..')
const asRecord = (pairs: readonly SearchAttributePair[]): Record<string, unknown> =>
  Object.fromEntries(pairs.map(({ key, value }) => [key.name, value]))

const alice = { userId: 'u-alice', role: 'CUSTOMER' as const }
const moderator = { userId: 'u-mod', role: 'MODERATOR' as const }

// one run of each scenario: its input as the façade builds it, who asked, and the attributes it must carry
type Case<Name extends ScenarioName> = readonly [Name, ScenarioInput<Name>, { userId: string | null }, Record<string, string>]
// Partial: a scenario `npm run new-service` adds has no case until its author writes one
const cases: Partial<{ [Name in ScenarioName]: Case<Name> }> = {
  registerUser: [
    'registerUser',
    { username: 'newbie', passwordHash: 'h', displayName: null, avatarUrl: null },
    { userId: null },
    { Scenario: 'registerUser', Initiator: ANONYMOUS },
  ],
  updateProfile: [
    'updateProfile',
    { userId: 'u-alice', displayName: 'A' },
    alice,
    { Scenario: 'updateProfile', Initiator: 'u-alice', UserId: 'u-alice' },
  ],
  registerMerchant: [
    'registerMerchant',
    { ownerId: 'u-alice', name: 'Shop', description: null },
    alice,
    { Scenario: 'registerMerchant', Initiator: 'u-alice', UserId: 'u-alice' },
  ],
  createProduct: [
    'createProduct',
    { ownerId: 'u-alice', merchantId: 'm1', name: 'P', description: null, price: { amount: 1, currency: 'EUR' } },
    alice,
    { Scenario: 'createProduct', Initiator: 'u-alice', MerchantId: 'm1' },
  ],
  submitReview: [
    'submitReview',
    { authorId: 'u-alice', subject: { type: 'MERCHANT', id: 'm1' }, rating: 5, body: 'Good.' },
    alice,
    { Scenario: 'submitReview', Initiator: 'u-alice', SubjectType: 'Merchant', SubjectId: 'm1', MerchantId: 'm1' },
  ],
  moderateReview: [
    'moderateReview',
    { reviewId: 'r1', ratingDeadline: '6h' },
    moderator,
    { Scenario: 'moderateReview', Initiator: 'u-mod', ReviewId: 'r1' },
  ],
  postComment: [
    'postComment',
    { authorId: 'u-alice', subject: { type: 'PRODUCT', id: 'p1' }, parentId: null, body: 'Hi' },
    alice,
    { Scenario: 'postComment', Initiator: 'u-alice', SubjectType: 'Product', SubjectId: 'p1', ProductId: 'p1' },
  ],
  editComment: [
    'editComment',
    { actor: alice, commentId: 'c1', body: 'Edited' },
    alice,
    { Scenario: 'editComment', Initiator: 'u-alice', CommentId: 'c1' },
  ],
  deleteComment: [
    'deleteComment',
    { actor: moderator, commentId: 'c1' },
    moderator,
    { Scenario: 'deleteComment', Initiator: 'u-mod', CommentId: 'c1' },
  ],
}

describe('searchAttributesOf: the attributes a run carries from its start', () => {
  it('gives every scenario the worker registers its Scenario and Initiator, a case here or not', () => {
    const exported = Object.entries(scenarios)
      .filter(([name, value]) => typeof value === 'function' && name !== 'moderate')
      .map(([name]) => name as ScenarioName)
    expect(exported.length).toBeGreaterThanOrEqual(Object.keys(cases).length)
    for (const name of exported) {
      const input = (cases[name]?.[1] ?? {}) as ScenarioInput<typeof name>
      expect(asRecord(searchAttributesOf(name, input, alice))).toMatchObject({ Scenario: name, Initiator: alice.userId })
    }
  })

  it.each(Object.values(cases).flatMap((c) => (c ? [[c[0], c] as const] : [])))('%s', (_, [name, input, caller, expected]) => {
    const pairs = searchAttributesOf(name as ScenarioName, input as never, caller)
    expect(asRecord(pairs)).toEqual(expected)
    // the SDK accepts them as they are (a value of the wrong type throws here)
    expect(new TypedSearchAttributes(pairs).getAll()).toHaveLength(pairs.length)
  })

  it('a comment on a review names the review twice: as the subject and as the review it touches', () => {
    const input = { authorId: 'u-alice', subject: { type: 'REVIEW' as const, id: 'r1' }, parentId: 'c0', body: 'Agreed' }
    expect(asRecord(searchAttributesOf('postComment', input, alice))).toEqual({
      Scenario: 'postComment',
      Initiator: 'u-alice',
      SubjectType: 'Review',
      SubjectId: 'r1',
      ReviewId: 'r1',
    })
  })

  it('a scenario without an entry (as `npm run new-service` adds one) still carries its name and initiator', () => {
    const pairs = searchAttributesOf('createParcel' as ScenarioName, { ownerId: 'u-alice', name: 'x' } as never, alice)
    expect(asRecord(pairs)).toEqual({ Scenario: 'createParcel', Initiator: 'u-alice' })
  })

  it('only registered attributes, and no empty values', () => {
    const names = new Set(SEARCH_ATTRIBUTE_KEYS.map((key) => key.name))
    for (const [name, input, caller] of Object.values(cases).flatMap((c) => (c ? [c] : []))) {
      for (const { key, value } of searchAttributesOf(name as ScenarioName, input as never, caller)) {
        expect(names.has(key.name)).toBe(true)
        expect(value).not.toBe('')
      }
    }
  })
})

describe('the list of attributes', () => {
  // Temporal's system attributes (temporal operator search-attribute list on a fresh dev server)
  const BUILT_IN = [
    'BatcherNamespace',
    'BatcherUser',
    'BinaryChecksums',
    'BuildIds',
    'CloseTime',
    'ExecutionDuration',
    'ExecutionStatus',
    'ExecutionTime',
    'HistoryLength',
    'HistorySizeBytes',
    'ParentRunId',
    'ParentWorkflowId',
    'RootRunId',
    'RootWorkflowId',
    'RunId',
    'StartTime',
    'StateTransitionCount',
    'TaskQueue',
    'WorkflowId',
    'WorkflowType',
  ]

  it('takes no name of a system attribute, nor the Temporal prefix, and names each once', () => {
    const names = SEARCH_ATTRIBUTE_KEYS.map((key) => key.name)
    expect(names.filter((name) => BUILT_IN.includes(name) || name.startsWith('Temporal'))).toEqual([])
    expect(new Set(names).size).toBe(names.length)
  })

  it("fits SQL visibility: at most 10 Keyword attributes per namespace, one of them auto-setup's CustomKeywordField", () => {
    expect(SEARCH_ATTRIBUTE_KEYS.filter((key) => key.type === 'KEYWORD').length).toBeLessThanOrEqual(9)
  })

  it('is spelled Name=Type as the Temporal CLI takes it', () => {
    expect(SEARCH_ATTRIBUTES).toEqual(SEARCH_ATTRIBUTE_KEYS.map((key) => `${key.name}=Keyword`))
    expect(SEARCH_ATTRIBUTES).toContain('Scenario=Keyword')
    expect(SEARCH_ATTRIBUTES).toContain('SubjectId=Keyword')
  })
})

describe(REGISTER_SCRIPT_PATH, () => {
  const committed = readFileSync(join(ROOT, REGISTER_SCRIPT_PATH), 'utf8')

  it('is up to date (run `npx tsx scripts/generate/search-attributes.ts`)', () => {
    expect(committed === registerSearchAttributesScript()).toBe(true)
  })

  it('registers every attribute with its type, and is executable', () => {
    for (const pair of SEARCH_ATTRIBUTES) expect(committed).toContain(`\nregister ${pair.replace('=', ' ')}\n`)
    expect(statSync(join(ROOT, REGISTER_SCRIPT_PATH)).mode & 0o111).not.toBe(0)
  })
})
