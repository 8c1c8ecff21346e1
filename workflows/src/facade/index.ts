import { runSubgraph } from '@marketplace/service-template'
import { facade } from './subgraph'

runSubgraph(facade)
