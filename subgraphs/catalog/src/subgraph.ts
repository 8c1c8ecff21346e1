import { join } from 'node:path'
import { loadTypeDefs, type SubgraphDefinition } from '@marketplace/service-template'
import type { CatalogDatabase } from './database'
import { createActivities } from './activities'
import { migrations } from './migrations'
import { createLoaders, resolvers } from './resolvers'

export const catalog: SubgraphDefinition<CatalogDatabase, ReturnType<typeof createLoaders>> = {
  name: 'catalog',
  typeDefs: loadTypeDefs(join(__dirname, '..', 'schema.graphql')),
  resolvers,
  migrations,
  createLoaders,
  activities: createActivities,
}
