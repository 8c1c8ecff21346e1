import { runSubgraph } from '@marketplace/service-template'
import { users } from './subgraph'

runSubgraph(users)
