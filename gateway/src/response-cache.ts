import { createHash } from 'node:crypto'
import { gunzipSync, gzipSync } from 'node:zlib'
import { getArgumentValues } from 'graphql/execution/values'
import {
  Kind,
  getNamedType,
  isObjectType,
  parse,
  print,
  valueFromASTUntyped,
  visit,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLObjectType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionNode,
  type SelectionSetNode,
} from 'graphql'
import { STORE_WITHIN_MS, type Cache, type Metrics } from '@marketplace/service-template'
import { sha256Hex } from './graphql-request'
import { Lru } from './lru'
import type { AdmittedQuery } from './request-limits'

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

/**
 * Root fields whose answer is the same for every caller, by their arguments. A review's discussion
 * is readable by its author and moderators while the review is not PUBLISHED, and a single comment
 * may be under such a review: those answers depend on who asks, so they are looked up and stored
 * for anonymous requests only (an anonymous answer is the least any caller sees). A root field
 * not listed here counts as caller-dependent.
 */
const SAME_FOR_EVERY_CALLER: Readonly<Record<string, (args: Record<string, unknown>) => boolean>> = {
  comments: (args) => ['PRODUCT', 'MERCHANT'].includes((args.subject as { type?: unknown } | undefined)?.type as string),
  comment: () => false,
}

const cached = (gzipped: Buffer): CachedResponse => ({ gzipped, plain: () => gunzipSync(gzipped) })

interface Plan {
  readonly operation: OperationDefinitionNode
  readonly fragments: ReadonlyMap<string, FragmentDefinitionNode>
}

/** What the cache knows of one query text and operation name, decided once. */
interface QueryShape {
  /** how to serve and tag it; null when it is not cacheable */
  readonly plan: Plan | null
  /** digest of the printed operation and the fragments it uses: whitespace, comments and unused parts do not count */
  readonly digest: string
  /** the variables the operation declares, with their defaults: only these are in the key */
  readonly declared: ReadonlyMap<string, unknown>
  readonly bytes: number
}

/** A query as the gateway admitted it (parsed once, within the limits), or its text (tests, tools). */
export type QueryInput = string | AdmittedQuery

// a parsed document costs about this many bytes of heap per byte of text
const AST_BYTES_PER_TEXT_BYTE = 64

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
  /** when it was looked up (performance.now()): a response computed for too long is not stored */
  readonly at: number
}

export interface ResponseCacheOptions {
  readonly ttlSeconds: number
  /** how many responses one tag (an entity or a list) may list; past it a response is not stored */
  readonly maxKeysPerTag?: number
  /** told once if Redis may evict keys: then the cache turns itself off */
  readonly onUnsafeRedis?: (policy: string) => void
  /** bounds on a query given as text (the gateway hands over admitted documents instead) */
  readonly maxTokens?: number
  readonly maxQueryBytes?: number
  /** the shapes of queries seen, kept by digest: bounded by count and bytes */
  readonly shapes?: { readonly maxEntries: number; readonly maxBytes: number }
}

/**
 * The gateway's cache of whole responses to public queries, kept in Redis (shared by every gateway
 * process, nothing per entry in this one; per query only its shape, in a bounded LRU), keyed by a
 * digest of the printed operation and its declared variables, and tagged by the entities and lists each response shows. Writes drop the tagged
 * responses and move an epoch in one Redis script before the mutation returns; a response whose
 * computation overlapped an invalidation is not stored. Bodies are kept gzipped.
 */
export class ResponseCache {
  private readonly shapes: Lru<string, QueryShape>
  private policy: 'unchecked' | 'checking' | 'safe' | 'unsafe' = 'unchecked'

  constructor(
    private readonly schema: () => GraphQLSchema,
    private readonly cache: Cache,
    private readonly metrics: Metrics,
    private readonly options: ResponseCacheOptions,
  ) {
    const { maxEntries, maxBytes } = options.shapes ?? { maxEntries: 5000, maxBytes: 16 * 1024 * 1024 }
    this.shapes = new Lru({ maxEntries, maxBytes, sizeOf: (shape) => shape.bytes * AST_BYTES_PER_TEXT_BYTE })
  }

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

  /**
   * A digest of the printed operation (with the fragments it uses) and of the variables it declares
   * (defaults applied, object keys sorted): whitespace, comments, key order and junk variables map
   * to one entry, and a hash-only persisted query to the entry of its text. Null when the query
   * cannot be read.
   */
  keyOf(query: QueryInput, operationName: unknown, variables: unknown): string | null {
    const shape = this.shape(query, operationName)
    if (!shape) return null
    const given = (variables ?? {}) as Record<string, unknown>
    const values: Record<string, unknown> = {}
    for (const [name, fallback] of shape.declared) {
      const value = Object.hasOwn(given, name) ? given[name] : fallback
      if (value !== undefined) values[name] = value
    }
    try {
      return createHash('sha256')
        .update(`${shape.digest}\u0000${stableJson(values)}`)
        .digest('base64url')
    } catch {
      return null // variables nested too deep to print: Apollo refuses them anyway
    }
  }

  /** The cached response, if any, and the epoch; null when the cache cannot answer right now. */
  async lookup(key: string): Promise<Lookup | null> {
    const found = await this.cache.getResponse(key)
    if (!found) {
      this.metrics.increment('response_cache_unavailable_total')
      return null
    }
    this.metrics.increment(found.body ? 'response_cache_hits_total' : 'response_cache_misses_total')
    return { hit: found.body ? cached(found.body) : undefined, epoch: found.epoch, at: performance.now() }
  }

  /** Whether this query is cacheable at all (decided once per query). */
  isCacheable(query: QueryInput, operationName: unknown): boolean {
    return (this.shape(query, operationName)?.plan ?? null) !== null
  }

  /**
   * Whether the answer may depend on who asks (see SAME_FOR_EVERY_CALLER): such a query is served
   * from and stored in the cache for anonymous requests only. True for a query not planned yet.
   */
  callerDependent(query: QueryInput, operationName: unknown, variables: Record<string, unknown>): boolean {
    const plan = this.shape(query, operationName)?.plan
    const queryType = this.schema()?.getQueryType()
    if (!plan || !queryType) return true
    return plan.operation.selectionSet.selections.some((selection: SelectionNode) => {
      const field = selection.kind === Kind.FIELD ? queryType.getFields()[selection.name.value] : undefined
      const sameForAll = selection.kind === Kind.FIELD ? SAME_FOR_EVERY_CALLER[selection.name.value] : undefined
      if (selection.kind !== Kind.FIELD || !field || !sameForAll) return true
      try {
        return !sameForAll(getArgumentValues(field, selection, variables))
      } catch {
        return true // arguments Apollo will refuse
      }
    })
  }

  /** The tags of a response: its root fields' lists and every entity in its data; null if it cannot be tagged. */
  tagsOf(query: QueryInput, operationName: unknown, variables: Record<string, unknown>, data: unknown): string[] | null {
    const plan = this.shape(query, operationName)?.plan
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

  /**
   * Stores a successful response, unless one of its tags was invalidated since `epoch` was read, or
   * it was looked up (`lookedUpAt`) more than STORE_WITHIN_MS ago (the process was frozen, say: the
   * invalidations' marks it must see last ten times that).
   */
  async store(
    key: string,
    query: QueryInput,
    operationName: unknown,
    variables: Record<string, unknown>,
    body: string,
    data: unknown,
    epoch: string,
    lookedUpAt: number = performance.now(),
  ): Promise<boolean> {
    if (performance.now() - lookedUpAt > STORE_WITHIN_MS) {
      this.metrics.increment('response_cache_stores_skipped_total')
      return false
    }
    const tags = this.tagsOf(query, operationName, variables, data)
    if (!tags) return false
    const stored = await this.cache.putResponse(
      key,
      gzipSync(body, { level: 1 }),
      tags,
      epoch,
      this.options.ttlSeconds,
      this.options.maxKeysPerTag,
    )
    this.metrics.increment(stored ? 'response_cache_stores_total' : 'response_cache_stores_skipped_total')
    return stored
  }

  /** The query's shape, worked out once per text (by digest) and operation name; null when unreadable. */
  private shape(query: QueryInput, operationName: unknown): QueryShape | null {
    const hash = typeof query === 'string' ? sha256Hex(query) : query.hash
    const key = `${typeof operationName === 'string' ? operationName : ''}\u0000${hash}`
    const known = this.shapes.get(key)
    if (known) return known
    const document = typeof query === 'string' ? this.parseText(query) : query.document
    const bytes = typeof query === 'string' ? Buffer.byteLength(query) : query.bytes
    const shape = document ? shapeOf(this.schema(), document, operationName, bytes) : null
    // unreadable text is not remembered: nothing refused stays in memory
    if (shape) this.shapes.set(key, shape)
    return shape
  }

  /** Text handed over directly is held to the same bounds as the gateway's own parse. */
  private parseText(text: string): DocumentNode | null {
    if (Buffer.byteLength(text) > (this.options.maxQueryBytes ?? 32 * 1024)) return null
    try {
      return parse(text, { maxTokens: this.options.maxTokens ?? 2000, noLocation: true })
    } catch {
      return null // not parseable: Apollo reports it; nothing to cache
    }
  }
}

function shapeOf(schema: GraphQLSchema, document: DocumentNode, operationName: unknown, bytes: number): QueryShape | null {
  const operations = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION)
  const operation =
    typeof operationName === 'string'
      ? operations.find((o) => o.name?.value === operationName)
      : operations.length === 1
        ? operations[0]
        : undefined
  if (!operation) return null
  const fragments = new Map(
    document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((f) => [f.name.value, f]),
  )
  const printed = [
    print(operation),
    ...[...usedFragments(operation, fragments)].sort().map((name) => print(fragments.get(name) as FragmentDefinitionNode)),
  ]
  const declared = new Map(
    (operation.variableDefinitions ?? []).map((v) => [
      v.variable.name.value,
      v.defaultValue ? valueFromASTUntyped(v.defaultValue) : undefined,
    ]),
  )
  const digest = sha256Hex(printed.join('\n'))
  const queryType = schema.getQueryType()
  const cacheable =
    operation.operation === 'query' &&
    (operation.directives?.length ?? 0) === 0 &&
    queryType !== null &&
    queryType !== undefined &&
    onlyPublic(schema, queryType, operation.selectionSet, fragments, new Set())
  return { plan: cacheable ? { operation, fragments } : null, digest, declared, bytes }
}

/** The fragments an operation spreads, directly or through other fragments. */
function usedFragments(operation: OperationDefinitionNode, fragments: ReadonlyMap<string, FragmentDefinitionNode>): Set<string> {
  const used = new Set<string>()
  const pending: SelectionSetNode[] = [operation.selectionSet]
  for (let set = pending.pop(); set; set = pending.pop()) {
    visit(set, {
      FragmentSpread(spread) {
        const fragment = fragments.get(spread.name.value)
        if (!fragment || used.has(spread.name.value)) return
        used.add(spread.name.value)
        pending.push(fragment.selectionSet)
      },
    })
  }
  return used
}

/** JSON with object keys sorted: the same values give the same text whatever order they came in. */
function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`
  if (value !== null && typeof value === 'object') {
    const entries = Object.keys(value)
      .sort()
      .filter((key) => (value as Record<string, unknown>)[key] !== undefined)
      .map((key) => `${JSON.stringify(key)}:${stableJson((value as Record<string, unknown>)[key])}`)
    return `{${entries.join(',')}}`
  }
  return JSON.stringify(value) ?? 'null'
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
