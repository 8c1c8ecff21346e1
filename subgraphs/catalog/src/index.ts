import { runSubgraph } from '@marketplace/service-template'
import { catalog } from './subgraph'

runSubgraph(catalog)
