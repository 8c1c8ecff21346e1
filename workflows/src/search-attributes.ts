// The custom search attributes every run carries, set by the façade at start, so that the Web UI
// and `temporal workflow list --query` find the runs of an entity, of a user, of a scenario. The
// one list: the dev server (scripts/lib/temporal.ts) and compose (docker/temporal/) register it.
import { defineSearchAttributeKey, SearchAttributeType, type SearchAttributePair } from '@temporalio/common'
import type { Caller } from '@marketplace/service-template'
import type * as scenarios from './scenarios'
import type { SubjectType } from './scenarios/types'

type Scenarios = typeof scenarios
/** A workflow the façade starts (`moderate` is an update of moderateReview, not a workflow). */
export type ScenarioName = Exclude<keyof Scenarios, 'moderate'>
export type ScenarioInput<Name extends ScenarioName> = Parameters<Scenarios[Name]>[0]

const keyword = (name: string) => defineSearchAttributeKey(name, SearchAttributeType.KEYWORD)
type KeywordKey = ReturnType<typeof keyword>

// the façade's name of the mutation's scenario: WorkflowType today, but it stays when a scenario is versioned as a new workflow type
export const SCENARIO = keyword('Scenario')
/** the signed-in user who asked for the run, or ANONYMOUS (registerUser) */
export const INITIATOR = keyword('Initiator')
/** what a comment or a review is about, as its GraphQL type names it: Product, Merchant or Review */
export const SUBJECT_TYPE = keyword('SubjectType')
export const SUBJECT_ID = keyword('SubjectId')
// the entities a run touches, whatever their role in it (a product as a subject, a store a product is added to, …)
export const REVIEW_ID = keyword('ReviewId')
export const COMMENT_ID = keyword('CommentId')
export const USER_ID = keyword('UserId')
export const PRODUCT_ID = keyword('ProductId')
export const MERCHANT_ID = keyword('MerchantId')

export const ANONYMOUS = 'anonymous'

/** Every custom attribute (SQL visibility, the dev server's and compose's, holds at most 10 Keyword attributes per namespace). */
export const SEARCH_ATTRIBUTE_KEYS = [
  SCENARIO,
  INITIATOR,
  SUBJECT_TYPE,
  SUBJECT_ID,
  REVIEW_ID,
  COMMENT_ID,
  USER_ID,
  PRODUCT_ID,
  MERCHANT_ID,
] as const

// the type names the Temporal CLI takes (`--search-attribute Name=Type`, `search-attribute create --type Type`)
const CLI_TYPES: Readonly<Record<SearchAttributeType, string>> = {
  TEXT: 'Text',
  KEYWORD: 'Keyword',
  INT: 'Int',
  DOUBLE: 'Double',
  BOOL: 'Bool',
  DATETIME: 'Datetime',
  KEYWORD_LIST: 'KeywordList',
}

/** `Name=Type` pairs, as `temporal server start-dev --search-attribute` takes them. */
export const SEARCH_ATTRIBUTES: readonly string[] = SEARCH_ATTRIBUTE_KEYS.map((key) => `${key.name}=${CLI_TYPES[key.type]}`)

interface Entities {
  readonly subject?: { readonly type: SubjectType; readonly id: string }
  readonly reviewId?: string
  readonly commentId?: string
  readonly userId?: string
  readonly productId?: string
  readonly merchantId?: string
}

// the entity ids the input names: an id the run creates (uuid4() inside the workflow) is not known at start
type EntitiesOf = { readonly [Name in ScenarioName]?: (input: ScenarioInput<Name>) => Entities }
const ENTITIES: EntitiesOf = {
  registerUser: () => ({}),
  updateProfile: (input) => ({ userId: input.userId }),
  // the owner is granted the MERCHANT role
  registerMerchant: (input) => ({ userId: input.ownerId }),
  createProduct: (input) => ({ merchantId: input.merchantId }),
  submitReview: (input) => ({ subject: input.subject }),
  moderateReview: (input) => ({ reviewId: input.reviewId }),
  postComment: (input) => ({ subject: input.subject }),
  editComment: (input) => ({ commentId: input.commentId }),
  deleteComment: (input) => ({ commentId: input.commentId }),
}

const TYPE_NAMES: Readonly<Record<SubjectType, string>> = { PRODUCT: 'Product', MERCHANT: 'Merchant', REVIEW: 'Review' }
const SUBJECT_KEYS = { PRODUCT: 'productId', MERCHANT: 'merchantId', REVIEW: 'reviewId' } as const

/** The search attributes of a run of `scenario` with `input`, asked for by `caller`. */
export function searchAttributesOf<Name extends ScenarioName>(
  scenario: Name,
  input: ScenarioInput<Name>,
  caller: Pick<Caller, 'userId'>,
): SearchAttributePair[] {
  // a scenario without an entry (e.g. one `npm run new-service` just added) still carries its name and initiator
  const entitiesOf = ENTITIES[scenario] as ((input: ScenarioInput<Name>) => Entities) | undefined
  const { subject, ...ids } = entitiesOf?.(input) ?? {}
  // the subject is also an entity the run touches: "every run that touched product P" is one query
  const all: Omit<Entities, 'subject'> = subject ? { [SUBJECT_KEYS[subject.type]]: subject.id, ...ids } : ids
  const pairs: [KeywordKey, string | undefined][] = [
    [SCENARIO, scenario],
    [INITIATOR, caller.userId ?? ANONYMOUS],
    [SUBJECT_TYPE, subject && TYPE_NAMES[subject.type]],
    [SUBJECT_ID, subject?.id],
    [REVIEW_ID, all.reviewId],
    [COMMENT_ID, all.commentId],
    [USER_ID, all.userId],
    [PRODUCT_ID, all.productId],
    [MERCHANT_ID, all.merchantId],
  ]
  return pairs.flatMap(([key, value]) => (value ? [{ key, value }] : []))
}
