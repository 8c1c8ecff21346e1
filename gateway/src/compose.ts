import { join } from 'node:path'
import { composeServices } from '@apollo/composition'
import { parse } from 'graphql'
import { readSupergraphConfig, type SupergraphConfig } from './supergraph-config'

/** Where `npm run compose` writes the supergraph the gateway serves. */
export const COMPOSED_SUPERGRAPH_PATH = join(__dirname, '..', 'supergraph.graphql')

export class CompositionError extends Error {
  override readonly name = 'CompositionError'
}

/** Composes the subgraphs of supergraph.yaml into a supergraph SDL, as `rover supergraph compose` does. */
export function composeSupergraph(config: SupergraphConfig = readSupergraphConfig()): string {
  const result = composeServices(config.subgraphs.map((s) => ({ name: s.name, url: s.routingUrl, typeDefs: parse(s.sdl) })))
  if (result.errors) {
    throw new CompositionError(`composition failed:\n${result.errors.map((e) => `- ${e.message}`).join('\n')}`)
  }
  return result.supergraphSdl
}
