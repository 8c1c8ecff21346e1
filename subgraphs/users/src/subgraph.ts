import { defineService } from '@marketplace/service-template'
import { createActivities } from './activities'
import { migrations } from './migrations'
import { createLoaders, resolvers } from './resolvers'

export const users = defineService(__dirname, { name: 'users', resolvers, migrations, createLoaders, activities: createActivities })
