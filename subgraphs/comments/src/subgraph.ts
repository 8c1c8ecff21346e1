import { join } from 'node:path'
import { loadTypeDefs, type SubgraphDefinition } from '@marketplace/service-template'
import type { CommentsDatabase } from './database'
import { createActivities } from './activities'
import { migrations } from './migrations'
import { createLoaders, resolvers } from './resolvers'

export const comments: SubgraphDefinition<CommentsDatabase, ReturnType<typeof createLoaders>> = {
  name: 'comments',
  typeDefs: loadTypeDefs(join(__dirname, '..', 'schema.graphql')),
  resolvers,
  migrations,
  createLoaders,
  activities: createActivities,
}
