// `npm run compose`: writes gateway/supergraph.graphql from supergraph.yaml.
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { composeSupergraph } from './compose'

export const SUPERGRAPH_PATH = join(__dirname, '..', 'supergraph.graphql')

async function main(): Promise<void> {
  const sdl = composeSupergraph()
  writeFileSync(SUPERGRAPH_PATH, sdl)
  console.log(`wrote ${SUPERGRAPH_PATH} (${sdl.length} bytes)`)
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err)
  process.exit(1)
})
