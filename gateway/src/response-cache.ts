import { createHash } from 'node:crypto'
import { gunzipSync, gzipSync } from 'node:zlib'
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
import type { Cache, Metrics } from '@marketplace/service-template'
import { sha256Hex } from './graphql-request'

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

const cached = (gzipped: Buffer): CachedResponse => ({ gzipped, plain: () => gunzipSync(gzipped) })

interface Plan {
  readonly operation: OperationDefinitionNode
  readonly fragments: ReadonlyMap<string, FragmentDefinitionNode>
}

/** A cached response: its body gzipped (sent as is to clients that accept gzip). */
export interface CachedResponse {
  readonly gzipped: Buffer
  /** the body as a client that does not accept gzip gets it */
  plain(): Buffer
}

export interface Lookup {
  readonly hit: CachedResponse | undefined
  /** the epoch to store the computed response under, on a miss */
  readonly epoch: string
}

export interface ResponseCacheOptions {
  readonly ttlSeconds: number
  /** told once if Redis may evict keys: then the cache turns itself off */
  readonly onUnsafeRedis?: (policy: string) => void
}

/**
 * The gateway's cache of whole responses to public queries, kept in Redis (shared by every gateway
 * process, nothing per entry in this one), keyed by a digest of query, operation name and
 * variables, and tagged by the entities and lists each response shows. Writes drop the tagged
 * responses and move an epoch in one Redis script before the mutation returns; a response whose
 * computation overlapped an invalidation is not stored. Bodies are kept gzipped.
 */
export class ResponseCache {
  private readonly plans = new Map<string, Plan | null>()
  private policy: 'unchecked' | 'checking' | 'safe' | 'unsafe' = 'unchecked'

  constructor(
    private readonly schema: () => GraphQLSchema,
    private readonly cache: Cache,
    private readonly metrics: Metrics,
    private readonly options: ResponseCacheOptions,
  ) {}

  /**
   * Usable only while Redis answers, and only if Redis never evicts keys: an evicted tag set would
   * let its responses outlive an invalidation (checked once, with CONFIG GET, where Redis allows it).
   */
  get enabled(): boolean {
    if (!this.cache.healthy || this.policy === 'unsafe') return false
    if (this.policy === 'unchecked') {
      this.policy = 'checking'
      this.cache.evictionPolicy().then(
        (policy) => {
          this.policy = policy === null || policy === 'noeviction' ? 'safe' : 'unsafe'
          if (policy && this.policy === 'unsafe') this.options.onUnsafeRedis?.(policy)
        },
        () => (this.policy = 'unchecked'),
      )
    }
    return true
  }

  /** A digest, not the text: keys stay small however long the query. */
  keyOf(query: string, operationName: unknown, variables: unknown): string {
    return this.keyOfHash(sha256Hex(query), operationName, variables)
  }

  /**
   * The key from the query's sha256 (hex), as an automatic persisted query names it: a hash-only
   * request and a request with the full text share one entry.
   */
  keyOfHash(queryHash: string, operationName: unknown, variables: unknown): string {
    return createHash('sha256')
      .update(`${typeof operationName === 'string' ? operationName : ''}\u0000${JSON.stringify(variables ?? {})}\u0000${queryHash}`)
      .digest('base64url')
  }

  /** The cached response, if any, and the epoch; null when the cache cannot answer right now. */
  async lookup(key: string): Promise<Lookup | null> {
    const found = await this.cache.getResponse(key)
    if (!found) {
      this.metrics.increment('response_cache_unavailable_total')
      return null
    }
    this.metrics.increment(found.body ? 'response_cache_hits_total' : 'response_cache_misses_total')
    return { hit: found.body ? cached(found.body) : undefined, epoch: found.epoch }
  }

  /** Whether this query is cacheable at all (decided once per query). */
  isCacheable(query: string, operationName: unknown, queryHash = sha256Hex(query)): boolean {
    return this.plan(queryHash, operationName, query) !== null
  }

  /** Whether the query with this hash is cacheable, if it has been seen already (a hash-only request). */
  knownCacheable(queryHash: string, operationName: unknown): boolean | undefined {
    const plan = this.plans.get(planKey(queryHash, operationName))
    return plan === undefined ? undefined : plan !== null
  }

  /** The tags of a response: its root fields' lists and every entity in its data; null if it cannot be tagged. */
  tagsOf(query: string, operationName: unknown, variables: Record<string, unknown>, data: unknown, queryHash = sha256Hex(query)): string[] | null {
    const plan = this.plan(queryHash, operationName, query)
    if (!plan) return null
    const tags = new Set<string>()
    const schema = this.schema()
    const queryType = schema.getQueryType()
    if (!queryType) return null
    for (const selection of plan.operation.selectionSet.selections) {
      if (selection.kind !== Kind.FIELD) return null
      const field = queryType.getFields()[selection.name.value]
      const rule = ROOT_TAGS[selection.name.value]
      if (!field || !rule) return null
      for (const tag of rule(getArgumentValues(field, selection, variables))) tags.add(tag)
    }
    return collectTags(schema, queryType, plan.operation.selectionSet, data, plan.fragments, tags) ? [...tags] : null
  }

  /** Stores a successful response, unless an invalidation happened since `epoch` was read. */
  async store(
    key: string,
    query: string,
    operationName: unknown,
    variables: Record<string, unknown>,
    body: string,
    data: unknown,
    epoch: string,
    queryHash = sha256Hex(query),
  ): Promise<boolean> {
    const tags = this.tagsOf(query, operationName, variables, data, queryHash)
    if (!tags) return false
    const stored = await this.cache.putResponse(key, gzipSync(body, { level: 1 }), tags, epoch, this.options.ttlSeconds)
    this.metrics.increment(stored ? 'response_cache_stores_total' : 'response_cache_stores_skipped_total')
    return stored
  }

  private plan(queryHash: string, operationName: unknown, query: string): Plan | null {
    const key = planKey(queryHash, operationName)
    const known = this.plans.get(key)
    if (known !== undefined) return known
    let plan: Plan | null = null
    try {
      plan = makePlan(this.schema(), query, operationName)
    } catch {
      plan = null // not parseable: Apollo reports it; nothing to cache
    }
    if (this.plans.size > 10_000) this.plans.clear()
    this.plans.set(key, plan)
    return plan
  }
}

const planKey = (queryHash: string, operationName: unknown): string => `${typeof operationName === 'string' ? operationName : ''}\u0000${queryHash}`

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
