// What a new service adds to the orchestration side: its scenario, and the façade's mutation that
// starts it (schema, resolver). Written into workflows/ at the markers those files carry.
import type { ServiceNames } from './names'

export function scenarioFile(n: ServiceNames): string {
  return `import { uuid4 } from '@temporalio/workflow'
import type { ${n.Service}Activities } from '@marketplace/${n.service}/src/activities'
import { scenario, service } from './progress'
import { writes } from './services'

const ${n.service} = service<${n.Service}Activities>('${n.service}', writes)

export interface Create${n.Entity}Input {
  readonly ownerId: string
  readonly name: string
}

/** A signed-in user creates a ${n.entity}: the ${n.service} service stores it. */
export async function ${n.create}(input: Create${n.Entity}Input): Promise<{ ${n.entity}Id: string }> {
  const ${n.entity}Id = uuid4()
  return scenario(input.ownerId, ['${n.create}'], async (run) => {
    await run.step('${n.create}', ${n.service}, (a) => a.${n.create}({ id: ${n.entity}Id, ...input }))
    return { ${n.entity}Id }
  })
}
`
}

export const scenarioExport = (n: ServiceNames): string => `export { ${n.create} } from './${n.createFile}'\n`

/** The façade's schema: a reference to the entity, the mutation's input and payload, the mutation. */
export function facadeTypes(n: ServiceNames): string {
  return `
type ${n.Entity} @key(fields: "id", resolvable: false) {
  id: ID!
}

input Create${n.Entity}Input {
  "1..200 chars"
  name: String!
}

type ${n.Entity}Payload {
  ${n.entity}: ${n.Entity}
  operation: Operation!
}
`
}

export const facadeMutationField = (n: ServiceNames): string =>
  `  "A signed-in user creates a ${n.entity}, owned by them."\n  ${n.create}(input: Create${n.Entity}Input!): ${n.Entity}Payload!\n`

export const facadeImport = (n: ServiceNames): string => `import * as ${n.service}Rules from '@marketplace/${n.service}/src/rules'\n`

export function facadeResolver(n: ServiceNames): string {
  return `    async ${n.create}(_, { input }, ctx) {
      const actor = signedIn(ctx.caller)
      const ${n.entity} = { ownerId: actor.userId, name: ${n.service}Rules.${n.entity}Name(input.name) }
      const run = await runScenario(ctx, '${n.create}', \`${n.createFile}-\${randomUUID()}\`, ${n.entity})
      return { ${n.entity}: ref('${n.Entity}', run.result?.${n.entity}Id), operation: run.operation }
    },
`
}
