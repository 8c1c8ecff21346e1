import { defineService } from '@marketplace/service-template'
import { createActivities } from './activities'
import { migrations } from './migrations'
import { createLoaders, resolvers } from './resolvers'

export const comments = defineService(__dirname, { name: 'comments', resolvers, migrations, createLoaders, activities: createActivities })
