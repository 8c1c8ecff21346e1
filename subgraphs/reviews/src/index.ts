import { runSubgraph } from '@marketplace/service-template'
import { reviews } from './subgraph'

runSubgraph(reviews)
