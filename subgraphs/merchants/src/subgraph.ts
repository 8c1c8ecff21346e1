import { join } from 'node:path'
import { loadTypeDefs, type SubgraphDefinition } from '@marketplace/service-template'
import type { MerchantsDatabase } from './database'
import { createActivities } from './activities'
import { migrations } from './migrations'
import { createLoaders, resolvers } from './resolvers'

export const merchants: SubgraphDefinition<MerchantsDatabase, ReturnType<typeof createLoaders>> = {
  name: 'merchants',
  typeDefs: loadTypeDefs(join(__dirname, '..', 'schema.graphql')),
  resolvers,
  migrations,
  createLoaders,
  activities: createActivities,
}
