import { createHash } from 'node:crypto'
import { getArgumentValues } from 'graphql/execution/values'
import {
  Kind,
  getNamedType,
  isObjectType,
  parse,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLObjectType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql'
import { RESPONSE_INVALIDATION_CHANNEL, type Cache, type Metrics } from '@marketplace/service-template'

/**
 * What may be served from the cache: fields whose answer is the same for every caller, and how
 * each root field names the lists it shows. A query that selects anything else is never cached.
 */
const PUBLIC_FIELDS: Readonly<Record<string, ReadonlySet<string>>> = {
  Query: new Set(['comments', 'comment']),
  CommentConnection: new Set(['edges', 'pageInfo', 'totalCount']),
  CommentEdge: new Set(['cursor', 'node']),
  PageInfo: new Set(['hasNextPage', 'endCursor']),
  Comment: new Set(['id', 'body', 'createdAt', 'editedAt', 'deleted', 'replyCount', 'author']),
  User: new Set(['id', 'username', 'displayName', 'avatarUrl', 'createdAt']),
}

// objects of these types are tagged "<Type>:<id>": a write to one drops every response showing it
const ENTITY_TYPES = new Set(['Comment', 'User'])

/** The lists a root field shows, as tags: a write that changes the list drops the responses. */
const ROOT_TAGS: Readonly<Record<string, (args: Record<string, unknown>) => string[]>> = {
  comments: (args) => {
    const subject = args.subject as { type: string; id: string }
    return [`comments:${subject.type}:${String(subject.id).toLowerCase()}`]
  },
  comment: (args) => [`Comment:${String(args.id).toLowerCase()}`],
}

interface Plan {
  readonly operation: OperationDefinitionNode
  readonly fragments: ReadonlyMap<string, FragmentDefinitionNode>
}

interface Entry {
  readonly body: string
  readonly tags: readonly string[]
  readonly expires: number
}

export interface ResponseCacheOptions {
  readonly maxEntries: number
  readonly ttlSeconds: number
}

/**
 * The gateway's cache of whole responses to public queries, kept in this process, keyed by query,
 * operation name and variables, and tagged by the entities and lists each response shows. Writes
 * invalidate tags through the shared cache's channel and wait for every gateway process to drop
 * them, so a mutation's answer means the next read is fresh.
 */
export class ResponseCache {
  private readonly entries = new Map<string, Entry>()
  private readonly byTag = new Map<string, Set<string>>()
  private readonly plans = new Map<string, Plan | null>()
  private epoch = 0

  constructor(
    private readonly schema: () => GraphQLSchema,
    private readonly cache: Cache,
    private readonly metrics: Metrics,
    private readonly options: ResponseCacheOptions,
  ) {
    cache.subscribe(RESPONSE_INVALIDATION_CHANNEL, (message) => this.invalidate((message as { tags: string[] }).tags), () => this.clear())
  }

  /** Usable only while the invalidation channel is up (a missed invalidation would serve stale data). */
  get enabled(): boolean {
    return this.cache.healthy
  }

  get currentEpoch(): number {
    return this.epoch
  }

  /** A digest, not the text: keys stay small however long the query (memory per entry). */
  keyOf(query: string, operationName: unknown, variables: unknown): string {
    return createHash('sha256')
      .update(`${typeof operationName === 'string' ? operationName : ''}\u0000${JSON.stringify(variables ?? {})}\u0000${query}`)
      .digest('base64url')
  }

  get(key: string): string | undefined {
    const entry = this.entries.get(key)
    if (!entry || entry.expires <= Date.now()) {
      this.metrics.increment('response_cache_misses_total')
      return undefined
    }
    this.metrics.increment('response_cache_hits_total')
    return entry.body
  }

  /** Whether this query is cacheable at all (decided once per query text). */
  isCacheable(query: string, operationName: unknown): boolean {
    return this.plan(query, operationName) !== null
  }

  /** Stores a successful response, unless an invalidation happened while it was being computed. */
  store(key: string, query: string, operationName: unknown, variables: Record<string, unknown>, body: string, data: unknown, epochAtStart: number): void {
    if (epochAtStart !== this.epoch || !this.enabled) return
    const plan = this.plan(query, operationName)
    if (!plan) return
    const tags = new Set<string>()
    const schema = this.schema()
    const queryType = schema.getQueryType()
    if (!queryType) return
    for (const selection of plan.operation.selectionSet.selections) {
      if (selection.kind !== Kind.FIELD) return
      const field = queryType.getFields()[selection.name.value]
      const rule = ROOT_TAGS[selection.name.value]
      if (!field || !rule) return
      for (const tag of rule(getArgumentValues(field, selection, variables))) tags.add(tag)
    }
    if (!collectTags(schema, queryType, plan.operation.selectionSet, data, plan.fragments, tags)) return
    this.drop(key) // a re-stored key must not keep its old tags
    this.entries.set(key, { body, tags: [...tags], expires: Date.now() + this.options.ttlSeconds * 1000 })
    for (const tag of tags) {
      let keys = this.byTag.get(tag)
      if (!keys) this.byTag.set(tag, (keys = new Set()))
      keys.add(key)
    }
    if (this.entries.size > this.options.maxEntries) {
      const oldest = this.entries.keys().next().value
      if (oldest !== undefined) this.drop(oldest)
    }
  }

  invalidate(tags: readonly string[]): void {
    this.epoch++
    for (const tag of tags) {
      for (const key of this.byTag.get(tag) ?? []) this.drop(key)
      this.byTag.delete(tag)
    }
    this.metrics.increment('response_cache_invalidations_total')
  }

  clear(): void {
    this.epoch++
    this.entries.clear()
    this.byTag.clear()
  }

  private drop(key: string): void {
    const entry = this.entries.get(key)
    if (!entry) return
    this.entries.delete(key)
    for (const tag of entry.tags) {
      const keys = this.byTag.get(tag)
      keys?.delete(key)
      if (keys?.size === 0) this.byTag.delete(tag)
    }
  }

  private plan(query: string, operationName: unknown): Plan | null {
    const cacheKey = `${typeof operationName === 'string' ? operationName : ''}\u0000${query}`
    if (this.plans.has(cacheKey)) return this.plans.get(cacheKey) ?? null
    let plan: Plan | null = null
    try {
      plan = makePlan(this.schema(), query, operationName)
    } catch {
      plan = null // not parseable: Apollo reports it; nothing to cache
    }
    if (this.plans.size > 10_000) this.plans.clear()
    this.plans.set(cacheKey, plan)
    return plan
  }
}

function makePlan(schema: GraphQLSchema, query: string, operationName: unknown): Plan | null {
  const document = parse(query)
  const operations = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION)
  const operation = typeof operationName === 'string' ? operations.find((o) => o.name?.value === operationName) : operations.length === 1 ? operations[0] : undefined
  if (!operation || operation.operation !== 'query' || (operation.directives?.length ?? 0) > 0) return null
  const fragments = new Map(
    document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((f) => [f.name.value, f]),
  )
  const queryType = schema.getQueryType()
  if (!queryType) return null
  return onlyPublic(schema, queryType, operation.selectionSet, fragments, new Set()) ? { operation, fragments } : null
}

/** True when every field selected is public, entities select their id, and nothing is abstract. */
function onlyPublic(
  schema: GraphQLSchema,
  type: GraphQLObjectType,
  set: SelectionSetNode,
  fragments: ReadonlyMap<string, FragmentDefinitionNode>,
  seen: Set<string>,
): boolean {
  const allowed = PUBLIC_FIELDS[type.name]
  if (!allowed) return false
  let selectsId = false
  for (const selection of set.selections) {
    if ((selection.directives?.length ?? 0) > 0) return false // @skip/@include: keep it simple
    if (selection.kind === Kind.FIELD) {
      const name = selection.name.value
      // tags are read from `id` in the data: an aliased id (or another field aliased as id) would hide them
      if (selection.alias && (name === 'id' || selection.alias.value === 'id')) return false
      if (name === '__typename') continue
      if (!allowed.has(name)) return false
      if (name === 'id') selectsId = true
      const field = type.getFields()[name]
      if (!field) return false
      const named = getNamedType(field.type)
      if (selection.selectionSet) {
        if (!isObjectType(named) || !onlyPublic(schema, named, selection.selectionSet, fragments, seen)) return false
      }
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      if (selection.typeCondition && selection.typeCondition.name.value !== type.name) return false
      if (!onlyPublic(schema, type, selection.selectionSet, fragments, seen)) return false
      selectsId ||= selection.selectionSet.selections.some((s) => s.kind === Kind.FIELD && s.name.value === 'id')
    } else {
      const fragment = fragments.get(selection.name.value)
      if (!fragment || fragment.typeCondition.name.value !== type.name || seen.has(fragment.name.value)) return false
      if (!onlyPublic(schema, type, fragment.selectionSet, fragments, new Set([...seen, fragment.name.value]))) return false
      selectsId ||= fragment.selectionSet.selections.some((s) => s.kind === Kind.FIELD && s.name.value === 'id')
    }
  }
  return !ENTITY_TYPES.has(type.name) || selectsId
}

/** Adds "<Type>:<id>" for every entity in `data`; false if the data does not have the expected shape. */
function collectTags(
  schema: GraphQLSchema,
  type: GraphQLObjectType,
  set: SelectionSetNode,
  data: unknown,
  fragments: ReadonlyMap<string, FragmentDefinitionNode>,
  tags: Set<string>,
): boolean {
  if (data === null || data === undefined) return true
  if (Array.isArray(data)) return data.every((item) => collectTags(schema, type, set, item, fragments, tags))
  if (typeof data !== 'object') return false
  const object = data as Record<string, unknown>
  if (ENTITY_TYPES.has(type.name) && typeof object.id === 'string') tags.add(`${type.name}:${object.id.toLowerCase()}`)
  for (const selection of set.selections) {
    if (selection.kind === Kind.FIELD) {
      if (!selection.selectionSet) continue
      const field = type.getFields()[selection.name.value]
      const named = field && getNamedType(field.type)
      if (!named || !isObjectType(named)) return false
      const key = (selection as FieldNode).alias?.value ?? selection.name.value
      if (!collectTags(schema, named, selection.selectionSet, object[key], fragments, tags)) return false
    } else {
      const inner = selection.kind === Kind.INLINE_FRAGMENT ? selection.selectionSet : fragments.get(selection.name.value)?.selectionSet
      if (!inner || !collectTags(schema, type, inner, data, fragments, tags)) return false
    }
  }
  return true
}
