import {
  Kind,
  SchemaMetaFieldDef,
  TypeMetaFieldDef,
  getNamedType,
  getNullableType,
  isCompositeType,
  isInterfaceType,
  isListType,
  isObjectType,
  parse,
  valueFromASTUntyped,
  type ArgumentNode,
  type DirectiveNode,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type VariableDefinitionNode,
} from 'graphql'

export interface CostWeights {
  /** the size assumed for a list field without a page size (`first`) of its own or its connection's */
  readonly defaultListSize: number
  /** added for each subgraph fetch the plan will make: a hop to another subgraph costs more than a field */
  readonly fetchCost: number
  /** the arguments that say how many items a list (or a connection's edges) holds */
  readonly pageSizeArguments: readonly string[]
  /** an introspection field is answered from the gateway's memory: a fraction of a resolved field */
  readonly introspectionFieldCost: number
}

export const DEFAULT_COST_WEIGHTS: CostWeights = {
  defaultListSize: 10,
  fetchCost: 10,
  pageSizeArguments: ['first', 'last'],
  introspectionFieldCost: 0.1,
}

/**
 * Which subgraphs resolve each field, read from the supergraph's `@join__type` / `@join__field`:
 * a field its parent's subgraph cannot resolve is a fetch from another subgraph.
 */
export class SubgraphOwnership {
  private constructor(private readonly owners: ReadonlyMap<string, readonly string[]>) {}

  static fromSupergraph(supergraphSdl: string): SubgraphOwnership {
    const owners = new Map<string, string[]>()
    for (const definition of parse(supergraphSdl, { noLocation: true }).definitions) {
      if (
        definition.kind !== Kind.OBJECT_TYPE_DEFINITION &&
        definition.kind !== Kind.OBJECT_TYPE_EXTENSION &&
        definition.kind !== Kind.INTERFACE_TYPE_DEFINITION &&
        definition.kind !== Kind.INTERFACE_TYPE_EXTENSION
      ) {
        continue
      }
      const typeGraphs = graphsOf(definition.directives, 'join__type')
      for (const field of definition.fields ?? []) {
        const fieldGraphs = graphsOf(field.directives, 'join__field')
        owners.set(`${definition.name.value}.${field.name.value}`, fieldGraphs.length > 0 ? fieldGraphs : typeGraphs)
      }
    }
    return new SubgraphOwnership(owners)
  }

  /** The subgraphs that can resolve `type.field` (empty when unknown: counted as no hop). */
  graphsOf(type: string, field: string): readonly string[] {
    return this.owners.get(`${type}.${field}`) ?? []
  }
}

function graphsOf(directives: readonly DirectiveNode[] | undefined, name: string): string[] {
  const graphs: string[] = []
  for (const directive of directives ?? []) {
    if (directive.name.value !== name) continue
    const argument = (key: string) => directive.arguments?.find((a) => a.name.value === key)?.value
    const graph = argument('graph')
    const external = argument('external')
    // an external field is only read by its subgraph, not resolved there
    if (graph?.kind === Kind.ENUM && !(external?.kind === Kind.BOOLEAN && external.value)) graphs.push(graph.value)
  }
  return graphs
}

interface Cost {
  /** fields resolved, each multiplied by how many times its lists repeat it */
  readonly work: number
  /** subgraph fetches: one per hop in the query plan (batched over a list's items, so not multiplied) */
  readonly fetches: number
}

const ZERO: Cost = { work: 0, fetches: 0 }

/**
 * The cost of the selected operation: every field costs 1, times the sizes of the lists around it
 * (`first`, or the argument's schema default, or `defaultListSize`), plus `fetchCost` per subgraph
 * fetch. Introspection fields count too, at `introspectionFieldCost` (their lists nest without bound).
 */
export function operationCost(
  schema: GraphQLSchema,
  ownership: SubgraphOwnership,
  document: DocumentNode,
  operationName: string | null | undefined,
  variables: Readonly<Record<string, unknown>> | null | undefined,
  weights: CostWeights = DEFAULT_COST_WEIGHTS,
): number {
  const operations = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION)
  const chosen = operationName ? operations.filter((o) => o.name?.value === operationName) : operations
  let highest = 0
  // several operations and no name: the request is refused later; the dearest one bounds it
  for (const operation of chosen)
    highest = Math.max(highest, new CostWalk(schema, ownership, document, operation, variables ?? {}, weights).total())
  return highest
}

class CostWalk {
  private readonly fragments = new Map<string, FragmentDefinitionNode>()
  private readonly fragmentCosts = new Map<string, Cost>()
  private readonly visiting = new Set<string>()
  private readonly declared: ReadonlyMap<string, VariableDefinitionNode>

  constructor(
    private readonly schema: GraphQLSchema,
    private readonly ownership: SubgraphOwnership,
    document: DocumentNode,
    private readonly operation: OperationDefinitionNode,
    private readonly variables: Readonly<Record<string, unknown>>,
    private readonly weights: CostWeights,
  ) {
    for (const definition of document.definitions) {
      if (definition.kind === Kind.FRAGMENT_DEFINITION) this.fragments.set(definition.name.value, definition)
    }
    this.declared = new Map((operation.variableDefinitions ?? []).map((v) => [v.variable.name.value, v]))
  }

  total(): number {
    const root = this.schema.getRootType(this.operation.operation)
    if (!root) return 0
    const { work, fetches } = this.selectionCost(root, this.operation.selectionSet, undefined, undefined)
    return Math.ceil(work + fetches * this.weights.fetchCost)
  }

  /**
   * `graph`: the subgraph that resolved the parent object (none at the root); `pageSize`: the page
   * size of the connection this selection belongs to, taken by its first list field (`edges`).
   */
  private selectionCost(type: GraphQLCompositeType, set: SelectionSetNode, graph: string | undefined, pageSize: number | undefined): Cost {
    let work = 0
    let fetches = 0
    // sibling fields that hop to the same subgraph are one fetch in the plan
    const hops = new Set<string>()
    for (const selection of set.selections) {
      let inner: Cost
      if (selection.kind === Kind.FIELD) {
        const hop = this.hopOf(type, selection, graph)
        if (hop !== undefined) hops.add(hop)
        inner = this.fieldCost(type, selection, hop ?? graph, pageSize)
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        const condition = selection.typeCondition ? this.schema.getType(selection.typeCondition.name.value) : type
        inner = condition && isCompositeType(condition) ? this.selectionCost(condition, selection.selectionSet, graph, pageSize) : ZERO
      } else {
        inner = this.fragmentCost(selection.name.value, graph, pageSize)
      }
      work += inner.work
      fetches += inner.fetches
    }
    return { work, fetches: fetches + hops.size }
  }

  // each fragment is costed once per context: re-walking it per spread is exponential
  private fragmentCost(name: string, graph: string | undefined, pageSize: number | undefined): Cost {
    const key = `${name}\u0000${graph ?? ''}\u0000${pageSize ?? ''}`
    const known = this.fragmentCosts.get(key)
    if (known) return known
    const fragment = this.fragments.get(name)
    const type = fragment && this.schema.getType(fragment.typeCondition.name.value)
    if (!fragment || !type || !isCompositeType(type) || this.visiting.has(name)) return ZERO // unknown or cyclic: validation refuses it
    this.visiting.add(name)
    const cost = this.selectionCost(type, fragment.selectionSet, graph, pageSize)
    this.visiting.delete(name)
    this.fragmentCosts.set(key, cost)
    return cost
  }

  /** The subgraph a field hops to, when the parent's subgraph cannot resolve it. */
  private hopOf(type: GraphQLCompositeType, field: FieldNode, graph: string | undefined): string | undefined {
    if (field.name.value.startsWith('__') || type.name.startsWith('__')) return undefined // answered by the gateway
    const graphs = this.ownership.graphsOf(type.name, field.name.value)
    if (graphs.length === 0 || (graph !== undefined && graphs.includes(graph))) return undefined
    return graphs[0]
  }

  private fieldCost(type: GraphQLCompositeType, node: FieldNode, graph: string | undefined, pageSize: number | undefined): Cost {
    const field = fieldDefinition(this.schema, type, node.name.value)
    if (!field) return node.name.value === '__typename' ? ZERO : { work: 1, fetches: 0 }
    const own = node.name.value.startsWith('__') || type.name.startsWith('__') ? this.weights.introspectionFieldCost : 1
    const ownPageSize = this.pageSizeOf(field, node)
    const returns = getNullableType(field.type)
    // a list repeats what it holds: by its own page size, its connection's, or the default
    const repeat = isListType(returns) ? (ownPageSize ?? pageSize ?? this.weights.defaultListSize) : 1
    const named = getNamedType(field.type)
    if (!node.selectionSet || !isCompositeType(named)) return { work: own * repeat, fetches: 0 }
    // a connection (not a list itself) hands its page size to its list field
    const inner = this.selectionCost(named, node.selectionSet, graph, isListType(returns) ? undefined : ownPageSize)
    return { work: own + repeat * inner.work, fetches: inner.fetches }
  }

  private pageSizeOf(field: GraphQLField<unknown, unknown>, node: FieldNode): number | undefined {
    for (const name of this.weights.pageSizeArguments) {
      const definition = field.args.find((a) => a.name === name)
      if (!definition) continue
      const given = this.argumentValue(node.arguments?.find((a) => a.name.value === name))
      const value = given ?? definition.defaultValue
      return typeof value === 'number' && Number.isFinite(value) ? Math.max(0, value) : this.weights.defaultListSize
    }
    return undefined
  }

  /** An argument's value: a literal, or the request's variable (or the variable's default). */
  private argumentValue(argument: ArgumentNode | undefined): unknown {
    if (!argument) return undefined
    if (argument.value.kind !== Kind.VARIABLE) return valueFromASTUntyped(argument.value) ?? undefined
    const name = argument.value.name.value
    if (this.variables[name] !== undefined && this.variables[name] !== null) return this.variables[name]
    const fallback = this.declared.get(name)?.defaultValue
    return fallback ? (valueFromASTUntyped(fallback) ?? undefined) : undefined
  }
}

function fieldDefinition(schema: GraphQLSchema, type: GraphQLCompositeType, name: string): GraphQLField<unknown, unknown> | undefined {
  if (type === schema.getQueryType()) {
    if (name === '__schema') return SchemaMetaFieldDef
    if (name === '__type') return TypeMetaFieldDef
  }
  return isObjectType(type) || isInterfaceType(type) ? type.getFields()[name] : undefined
}
