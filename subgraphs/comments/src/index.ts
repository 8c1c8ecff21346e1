import { runSubgraph } from '@marketplace/service-template'
import { comments } from './subgraph'

runSubgraph(comments)
