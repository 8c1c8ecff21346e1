// `npm run compose`: writes gateway/supergraph.graphql from supergraph.yaml.
import { writeFileSync } from 'node:fs'
import { COMPOSED_SUPERGRAPH_PATH as SUPERGRAPH_PATH, composeSupergraph } from './compose'

async function main(): Promise<void> {
  const sdl = composeSupergraph()
  writeFileSync(SUPERGRAPH_PATH, sdl)
  console.log(`wrote ${SUPERGRAPH_PATH} (${sdl.length} bytes)`)
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err)
  process.exit(1)
})
