import { defineService } from '@marketplace/service-template'
import { createActivities } from './activities'
import { migrations } from './migrations'
import { createLoaders, resolvers } from './resolvers'

export const reviews = defineService(__dirname, { name: 'reviews', resolvers, migrations, createLoaders, activities: createActivities })
