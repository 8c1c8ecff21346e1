import { join } from 'node:path'
import { loadTypeDefs, type SubgraphDefinition } from '@marketplace/service-template'
import { createLoaders, resolvers } from './resolvers'

/** The façade: Mutation fields start scenarios; it owns no tables and writes nothing itself. */
export const facade: SubgraphDefinition<unknown, ReturnType<typeof createLoaders>> = {
  name: 'facade',
  typeDefs: loadTypeDefs(join(__dirname, '..', '..', 'schema.graphql')),
  resolvers,
  migrations: null,
  createLoaders,
}
