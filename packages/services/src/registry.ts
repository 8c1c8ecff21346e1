// The one list of services. Config, supergraph.yaml, docker-compose.yml, the database init, the
// stack launcher, the seed writer, the tests and the benchmark all derive from it: `npm run
// generate` rewrites the generated files and a unit test fails when one is stale.
// `npm run new-service -- <name> --entity <Entity>` adds an entry here (before the marker).
import type { ServiceEntry } from './types'

export const SERVICES = [
  {
    name: 'users',
    port: 4001,
    database: 'users',
    taskQueue: 'users',
    entities: ['User'],
    // it issues the tokens at login; no other service gets the JWT secret
    secrets: ['JWT_SECRET'],
  },
  { name: 'comments', port: 4002, database: 'comments', taskQueue: 'comments', entities: ['Comment'], secrets: [] },
  { name: 'reviews', port: 4003, database: 'reviews', taskQueue: 'reviews', entities: ['Review'], secrets: [] },
  { name: 'catalog', port: 4004, database: 'catalog', taskQueue: 'catalog', entities: ['Product'], secrets: [] },
  { name: 'merchants', port: 4005, database: 'merchants', taskQueue: 'merchants', entities: ['Merchant'], secrets: [] },
  // new services go above this line
] as const satisfies readonly ServiceEntry[]

/** The parts that are not services: they own no database and no entity. */
export const PARTS = {
  gateway: { port: 4000 },
  // the façade subgraph: its Mutation fields start scenarios, Query.operation reads them
  facade: { port: 4006, schema: 'workflows/schema.graphql', entry: 'workflows/src/facade/index.ts' },
  'workflow-worker': { entry: 'workflows/src/worker.ts' },
} as const
