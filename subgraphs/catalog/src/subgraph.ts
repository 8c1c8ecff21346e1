import { defineService } from '@marketplace/service-template'
import { createActivities } from './activities'
import { migrations } from './migrations'
import { createLoaders, resolvers } from './resolvers'

export const catalog = defineService(__dirname, { name: 'catalog', resolvers, migrations, createLoaders, activities: createActivities })
