import { join } from 'node:path'
import { loadTypeDefs, type SubgraphDefinition } from '@marketplace/service-template'
import type { UsersDatabase } from './database'
import { createActivities } from './activities'
import { migrations } from './migrations'
import { createLoaders, resolvers } from './resolvers'

export const users: SubgraphDefinition<UsersDatabase, ReturnType<typeof createLoaders>> = {
  name: 'users',
  typeDefs: loadTypeDefs(join(__dirname, '..', 'schema.graphql')),
  resolvers,
  migrations,
  createLoaders,
  activities: createActivities,
}
