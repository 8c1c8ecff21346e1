import { GraphQLError, Kind, type ASTVisitor, type FragmentDefinitionNode, type SelectionSetNode, type ValidationContext } from 'graphql'

/** Rejects operations nested deeper than `max` fields (introspection fields do not count). */
export function depthLimit(max: number) {
  return (context: ValidationContext): ASTVisitor => {
    const fragments = new Map<string, FragmentDefinitionNode>()
    for (const definition of context.getDocument().definitions) {
      if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition)
    }
    // each fragment's depth is computed once: re-walking it per spread is exponential
    const fragmentDepths = new Map<string, number>()
    const visiting = new Set<string>()
    const fragmentDepth = (name: string): number => {
      const known = fragmentDepths.get(name)
      if (known !== undefined) return known
      const fragment = fragments.get(name)
      if (!fragment || visiting.has(name)) return 0 // unknown or cyclic: other rules reject those
      visiting.add(name)
      const depth = depthOf(fragment.selectionSet)
      visiting.delete(name)
      fragmentDepths.set(name, depth)
      return depth
    }
    const depthOf = (set: SelectionSetNode): number => {
      let deepest = 0
      for (const selection of set.selections) {
        if (selection.kind === Kind.FIELD) {
          if (selection.name.value.startsWith('__')) continue
          deepest = Math.max(deepest, 1 + (selection.selectionSet ? depthOf(selection.selectionSet) : 0))
        } else if (selection.kind === Kind.INLINE_FRAGMENT) {
          deepest = Math.max(deepest, depthOf(selection.selectionSet))
        } else {
          deepest = Math.max(deepest, fragmentDepth(selection.name.value))
        }
      }
      return deepest
    }
    return {
      OperationDefinition(node) {
        const depth = depthOf(node.selectionSet)
        if (depth > max) {
          context.reportError(new GraphQLError(`The query is nested ${depth} levels deep; the limit is ${max}.`, { nodes: [node] }))
        }
      },
    }
  }
}

/** Rejects documents with more than `max` aliased fields (alias batching multiplies work). */
export function aliasLimit(max: number) {
  return (context: ValidationContext): ASTVisitor => {
    let aliases = 0
    return {
      Field(node) {
        if (node.alias) aliases++
      },
      Document: {
        leave(node) {
          if (aliases > max) {
            context.reportError(new GraphQLError(`The query uses ${aliases} aliases; the limit is ${max}.`, { nodes: [node] }))
          }
        },
      },
    }
  }
}
