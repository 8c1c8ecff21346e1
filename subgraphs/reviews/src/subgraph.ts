import { join } from 'node:path'
import { loadTypeDefs, type SubgraphDefinition } from '@marketplace/service-template'
import type { ReviewsDatabase } from './database'
import { createActivities } from './activities'
import { migrations } from './migrations'
import { createLoaders, resolvers } from './resolvers'

export const reviews: SubgraphDefinition<ReviewsDatabase, ReturnType<typeof createLoaders>> = {
  name: 'reviews',
  typeDefs: loadTypeDefs(join(__dirname, '..', 'schema.graphql')),
  resolvers,
  migrations,
  createLoaders,
  activities: createActivities,
}
