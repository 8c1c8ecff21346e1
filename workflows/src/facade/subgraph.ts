import { join } from 'node:path'
import { loadTypeDefs, type SubgraphDefinition } from '@marketplace/service-template'
import { createLoaders, resolvers } from './resolvers'
import { temporalCheck } from './temporal'

/** The façade: Mutation fields start scenarios; it owns no tables and writes nothing itself. */
export const facade: SubgraphDefinition<unknown, ReturnType<typeof createLoaders>> = {
  name: 'facade',
  typeDefs: loadTypeDefs(join(__dirname, '..', '..', 'schema.graphql')),
  resolvers,
  migrations: null,
  createLoaders,
  // ready when Temporal answers: every mutation and operation(id) needs it
  readiness: ({ config }) => ({ temporal: temporalCheck(config.temporal) }),
}
