// `npm run generate`: rewrites the files derived from the service registry, then the composed
// supergraph (gateway/supergraph.graphql) from the new supergraph.yaml.
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { COMPOSED_SUPERGRAPH_PATH, composeSupergraph } from '@marketplace/gateway/src/compose'
import { generatedFiles } from './generate/files'
import { ROOT } from './lib/services'

const readOr = (path: string): string | null => {
  try {
    return readFileSync(path, 'utf8')
  } catch {
    return null
  }
}

async function main(): Promise<void> {
  for (const file of generatedFiles()) {
    const path = join(ROOT, file.path)
    if (readOr(path) === file.content) continue
    writeFileSync(path, file.content)
    console.log(`wrote ${file.path}`)
  }
  const supergraph = composeSupergraph()
  if (readOr(COMPOSED_SUPERGRAPH_PATH) !== supergraph) {
    writeFileSync(COMPOSED_SUPERGRAPH_PATH, supergraph)
    console.log('wrote gateway/supergraph.graphql')
  }
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err)
  process.exit(1)
})
