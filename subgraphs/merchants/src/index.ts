import { runSubgraph } from '@marketplace/service-template'
import { merchants } from './subgraph'

runSubgraph(merchants)
