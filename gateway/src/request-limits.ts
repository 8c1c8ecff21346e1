import { Buffer } from 'node:buffer'
import { GraphQLError, parse, validate, type DocumentNode, type GraphQLFormattedError, type GraphQLSchema } from 'graphql'
import type { ApolloServerPlugin, BaseContext } from '@apollo/server'
import { DEFAULT_COST_WEIGHTS, operationCost, SubgraphOwnership, type CostWeights } from './cost'
import { aliasLimit, depthLimit } from './limits'
import { Lru } from './lru'

export interface QueryLimitsOptions {
  /** the query text's length in bytes (UTF-8) */
  readonly maxQueryBytes: number
  /** graphql-js's `parse(text, { maxTokens })`: the limit Apollo parses with too */
  readonly maxTokens: number
  readonly maxDepth: number
  readonly maxAliases: number
  readonly maxCost: number
  readonly weights?: CostWeights
  /** admitted documents kept per process, by sha256 of their text */
  readonly documents?: { readonly maxEntries: number; readonly maxBytes: number }
}

/** A query that passed every limit: its digest and its document (parsed once, without locations). */
export interface AdmittedQuery {
  /** sha256 (hex) of the text: the automatic persisted query's hash */
  readonly hash: string
  readonly document: DocumentNode
  /** the text's length in bytes: sizes the caches that hold the document */
  readonly bytes: number
}

export interface Refusal {
  /** the HTTP status (Apollo answers parse and validation failures with 400) */
  readonly status: number
  readonly errors: readonly GraphQLFormattedError[]
}

export type Admission =
  | { readonly admitted: AdmittedQuery; readonly refused?: undefined }
  | { readonly admitted?: undefined; readonly refused: Refusal }
  /** a hash-only request whose text is not known here: Apollo answers it (and the cost plugin checks it) */
  | { readonly admitted?: undefined; readonly refused?: undefined }

export interface LimitedRequest {
  readonly query: string | undefined
  readonly queryHash: string
  readonly operationName: string | undefined
  readonly variables: Readonly<Record<string, unknown>>
}

// a parsed document costs about this many bytes of heap per byte of text (measured with graphql 16)
const AST_BYTES_PER_TEXT_BYTE = 64

const refusal = (code: 'GRAPHQL_PARSE_FAILED' | 'GRAPHQL_VALIDATION_FAILED', errors: readonly GraphQLError[]): Refusal => ({
  status: 400,
  errors: errors.map((error) => ({
    message: error.message,
    ...(error.locations ? { locations: error.locations } : {}),
    extensions: { code },
  })),
})

/**
 * Bounded work per request, decided before anything else reads the query (the response cache
 * included): the text's length, then a parse that stops at `maxTokens`, then depth and aliases
 * (once per distinct text), then the cost with this request's variables. Only admitted documents
 * are kept, in an LRU bounded by count and bytes; refused text is dropped at once.
 */
export class QueryLimits {
  private readonly documents: Lru<string, AdmittedQuery>
  private readonly weights: CostWeights
  private schema: GraphQLSchema | undefined
  private ownership: SubgraphOwnership | undefined

  constructor(private readonly options: QueryLimitsOptions) {
    this.weights = options.weights ?? DEFAULT_COST_WEIGHTS
    const { maxEntries, maxBytes } = options.documents ?? { maxEntries: 2000, maxBytes: 16 * 1024 * 1024 }
    this.documents = new Lru({ maxEntries, maxBytes, sizeOf: (query) => query.bytes * AST_BYTES_PER_TEXT_BYTE })
  }

  /** The API schema and the supergraph it came from (which subgraph owns each field). */
  useSchema(schema: GraphQLSchema, supergraphSdl: string): void {
    this.schema = schema
    this.ownership = SubgraphOwnership.fromSupergraph(supergraphSdl)
    this.documents.clear() // depth and aliases were checked against the old schema
  }

  /** The admitted query, a refusal, or neither (a hash-only request whose text is unknown here). */
  async admit(request: LimitedRequest, registeredText: (hash: string) => Promise<string | undefined>): Promise<Admission> {
    let query = this.documents.get(request.queryHash)
    if (!query) {
      const text = request.query ?? (await registeredText(request.queryHash))
      if (text === undefined) return {}
      const checked = this.check(text, request.queryHash)
      if ('status' in checked) return { refused: checked }
      query = checked
    }
    const tooDear = this.costRefusal(query.document, request.operationName, request.variables)
    if (tooDear) return { refused: tooDear }
    // kept only once admitted: a refused text never stays in memory
    this.documents.set(query.hash, query)
    return { admitted: query }
  }

  /** Length, tokens, depth and aliases of a text (the cost needs the request's variables). */
  check(text: string, hash: string): AdmittedQuery | Refusal {
    const bytes = Buffer.byteLength(text)
    if (bytes > this.options.maxQueryBytes) {
      return refusal('GRAPHQL_PARSE_FAILED', [
        new GraphQLError(`The query is ${bytes} bytes long; the limit is ${this.options.maxQueryBytes}.`),
      ])
    }
    let document: DocumentNode
    try {
      document = parse(text, { maxTokens: this.options.maxTokens, noLocation: true })
    } catch (err) {
      return refusal('GRAPHQL_PARSE_FAILED', [err instanceof GraphQLError ? err : new GraphQLError('The query could not be parsed.')])
    }
    if (this.schema) {
      const errors = validate(this.schema, document, [depthLimit(this.options.maxDepth), aliasLimit(this.options.maxAliases)])
      if (errors.length > 0) return refusal('GRAPHQL_VALIDATION_FAILED', errors)
    }
    return { hash, document, bytes }
  }

  /** A refusal when the operation costs more than the limit with these variables. */
  costRefusal(
    document: DocumentNode,
    operationName: string | null | undefined,
    variables: Readonly<Record<string, unknown>> | null | undefined,
  ): Refusal | null {
    if (!this.schema || !this.ownership) return null
    const cost = operationCost(this.schema, this.ownership, document, operationName, variables, this.weights)
    if (cost <= this.options.maxCost) return null
    return refusal('GRAPHQL_VALIDATION_FAILED', [
      new GraphQLError(
        `The query costs ${cost}; the limit is ${this.options.maxCost}. Ask for smaller pages (first) or fewer nested lists.`,
      ),
    ])
  }

  /**
   * The cost check for requests the gateway could not read before Apollo (a hash-only request whose
   * text only Apollo's in-process store knows, a body the response cache does not parse): Apollo
   * has parsed (maxTokens) and validated (depth, aliases) them; this runs before the query plan.
   */
  apolloPlugin<Context extends BaseContext>(alreadyAdmitted: (context: Context) => boolean): ApolloServerPlugin<Context> {
    return {
      requestDidStart: async () => ({
        didResolveOperation: async ({ document, request, contextValue }) => {
          if (alreadyAdmitted(contextValue)) return
          const refused = this.costRefusal(document, request.operationName, request.variables)
          if (refused) {
            throw new GraphQLError(refused.errors[0]?.message ?? 'The query costs too much.', {
              extensions: { code: 'GRAPHQL_VALIDATION_FAILED', http: { status: 400 } },
            })
          }
        },
      }),
    }
  }
}
