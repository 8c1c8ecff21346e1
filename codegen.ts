// Resolver types generated from each subgraph's schema (graphql-codegen, `federation: true`):
// `npm run codegen` writes them, tests/unit/codegen.test.ts fails when a committed one is stale.
// Every `subgraphs/<name>/schema.graphql` is picked up, and the façade's `workflows/schema.graphql`.
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { CodegenConfig } from '@graphql-codegen/cli'
import type { Types } from '@graphql-codegen/plugin-helpers'
import { buildASTSchema, getNamedType, isObjectType, parse, type GraphQLObjectType, type GraphQLSchema } from 'graphql'
import ts from 'typescript'

interface Service {
  readonly schema: string
  /** the service's modules: `<src>/resolvers.ts` exports `Context`; types go to `<src>/generated/resolvers.ts` */
  readonly src: string
}

const ROOT = __dirname

function services(): Service[] {
  const subgraphs = readdirSync(join(ROOT, 'subgraphs'), { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(ROOT, 'subgraphs', entry.name, 'schema.graphql')))
    .map((entry) => entry.name)
    .sort()
    .map((name) => ({ schema: join(ROOT, 'subgraphs', name, 'schema.graphql'), src: join(ROOT, 'subgraphs', name, 'src') }))
  return [...subgraphs, { schema: join(ROOT, 'workflows', 'schema.graphql'), src: join(ROOT, 'workflows', 'src', 'facade') }]
}

/** The types each of the service's modules exports by name (interfaces and type aliases), resolvers.ts first. */
function exportedTypes(src: string): Map<string, string> {
  const modules = readdirSync(src)
    .filter((file) => file.endsWith('.ts') && !file.endsWith('.d.ts'))
    .map((file) => file.slice(0, -'.ts'.length))
    .sort((a, b) => Number(b === 'resolvers') - Number(a === 'resolvers') || a.localeCompare(b))
  const found = new Map<string, string>()
  for (const module of modules) {
    const source = ts.createSourceFile(module, readFileSync(join(src, `${module}.ts`), 'utf8'), ts.ScriptTarget.Latest)
    for (const statement of source.statements) {
      if (!ts.isInterfaceDeclaration(statement) && !ts.isTypeAliasDeclaration(statement)) continue
      if (!statement.modifiers?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword)) continue
      const name = statement.name.text
      const earlier = found.get(name)
      // the resolvers module may say what its resolvers receive instead of a domain module's type
      if (earlier === 'resolvers') continue
      if (earlier) throw new Error(`${src}: ${name} is exported by both ${earlier}.ts and ${module}.ts`)
      found.set(name, module)
    }
  }
  return found
}

const keyFields = (type: GraphQLObjectType): string[] | null => {
  const key = type.astNode?.directives?.find((d) => d.name.value === 'key')
  const fields = key?.arguments?.find((a) => a.name.value === 'fields')?.value
  return fields?.kind === 'StringValue' ? fields.value.split(/\s+/).filter(Boolean) : null
}

/**
 * What each object type's resolvers receive and return:
 * - the type the service exports under the type's name (its domain model, e.g. Product in products.ts);
 * - a list (`XConnection`): the template's keyset Connection of its node;
 * - an entity the service does not model (another service's): a reference, `{ __typename, <key fields> }`.
 */
function mappers(schema: GraphQLSchema, src: string): Record<string, string> {
  const exported = exportedTypes(src)
  const objects = Object.values(schema.getTypeMap()).filter(
    (type): type is GraphQLObjectType => isObjectType(type) && !type.name.startsWith('_') && schema.getQueryType() !== type,
  )
  const model = new Map<string, string>()
  const result: Record<string, string> = {}
  for (const type of objects) {
    const module = exported.get(type.name)
    if (module && module !== 'generated') {
      model.set(type.name, `${type.name}Model`)
      result[type.name] = `../${module}#${type.name} as ${type.name}Model`
      continue
    }
    const key = keyFields(type)
    if (key) {
      model.set(type.name, `{ __typename: '${type.name}' } & Pick<${type.name}, ${key.map((f) => `'${f}'`).join(' | ')}>`)
      result[type.name] = model.get(type.name) as string
    }
  }
  for (const type of objects) {
    const edges = type.name.endsWith('Connection') ? type.getFields().edges : undefined
    const edge = edges && getNamedType(edges.type)
    const node = edge && isObjectType(edge) ? edge.getFields().node : undefined
    if (!node) continue
    const nodeName = getNamedType(node.type).name
    result[type.name] = `@marketplace/service-template#Connection as ConnectionModel<${model.get(nodeName) ?? nodeName}>`
  }
  return result
}

function output(service: Service): Types.ConfiguredOutput {
  const sdl = readFileSync(service.schema, 'utf8')
  // the federation directives only need to exist for this reading of the schema's types
  const schema = buildASTSchema(parse(sdl), { assumeValid: true, assumeValidSDL: true })
  return {
    schema: service.schema,
    plugins: ['typescript', 'typescript-resolvers'],
    config: {
      federation: true,
      useTypeImports: true,
      enumsAsTypes: true,
      contextType: '../resolvers#Context',
      scalars: { DateTime: 'Date' },
      mappers: mappers(schema, service.src),
    },
  }
}

const config: CodegenConfig = {
  silent: true,
  generates: Object.fromEntries(services().map((service) => [join(service.src, 'generated', 'resolvers.ts'), output(service)])),
}

export default config
