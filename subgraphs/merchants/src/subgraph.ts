import { defineService } from '@marketplace/service-template'
import { createActivities } from './activities'
import { migrations } from './migrations'
import { createLoaders, resolvers } from './resolvers'

export const merchants = defineService(__dirname, { name: 'merchants', resolvers, migrations, createLoaders, activities: createActivities })
