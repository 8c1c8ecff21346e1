import { GraphQLError, Kind, type ASTVisitor, type FragmentDefinitionNode, type SelectionSetNode, type ValidationContext } from 'graphql'

/** Rejects operations nested deeper than `max` fields (introspection fields do not count). */
export function depthLimit(max: number) {
  return (context: ValidationContext): ASTVisitor => {
    const fragments = new Map<string, FragmentDefinitionNode>()
    for (const definition of context.getDocument().definitions) {
      if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition)
    }
    const depthOf = (set: SelectionSetNode, seen: ReadonlySet<string>): number => {
      let deepest = 0
      for (const selection of set.selections) {
        if (selection.kind === Kind.FIELD) {
          if (selection.name.value.startsWith('__')) continue
          deepest = Math.max(deepest, 1 + (selection.selectionSet ? depthOf(selection.selectionSet, seen) : 0))
        } else if (selection.kind === Kind.INLINE_FRAGMENT) {
          deepest = Math.max(deepest, depthOf(selection.selectionSet, seen))
        } else {
          const name = selection.name.value
          const fragment = fragments.get(name)
          if (fragment && !seen.has(name)) deepest = Math.max(deepest, depthOf(fragment.selectionSet, new Set([...seen, name])))
        }
      }
      return deepest
    }
    return {
      OperationDefinition(node) {
        const depth = depthOf(node.selectionSet, new Set())
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
