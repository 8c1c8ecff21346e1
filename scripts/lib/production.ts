// How a part of the stack runs from the production build (`npm run build` → dist/), inside the
// image (working directory /app). docker-compose.yml's `command:` for each process comes from here.

/** The compiled entry of each process that is not a subgraph, relative to the repository root. */
const PRODUCTION_ENTRIES: Readonly<Record<string, string>> = {
  gateway: 'dist/gateway/src/index.js',
  facade: 'dist/workflows/src/facade/index.js',
  'workflow-worker': 'dist/workflows/src/worker.js',
}

/** The compiled entry of a part: the three above, else the subgraph of that name. */
export function productionEntry(part: string): string {
  if (!/^[a-z][a-z0-9-]*$/.test(part)) throw new Error(`not a part of the stack: ${JSON.stringify(part)}`)
  return PRODUCTION_ENTRIES[part] ?? `dist/subgraphs/${part}/src/index.js`
}

/**
 * The command that runs a part from the build, relative to /app: plain node on compiled
 * JavaScript (no tsx, no TypeScript), e.g. `['node', 'dist/subgraphs/users/src/index.js']`.
 * Node flags a part needs (the gateway's heap cap) travel in NODE_OPTIONS, not here.
 */
export function productionCommand(part: string): string[] {
  return ['node', productionEntry(part)]
}
