import { readFileSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { parse as parseYaml } from 'yaml'

export interface SubgraphSource {
  readonly name: string
  readonly routingUrl: string
  readonly sdl: string
}

export interface SupergraphConfig {
  readonly federationVersion: string
  readonly subgraphs: readonly SubgraphSource[]
}

export const DEFAULT_CONFIG_PATH = resolve(__dirname, '..', '..', 'supergraph.yaml')

/** Reads rover's supergraph.yaml format: federation_version, and per subgraph routing_url + schema.file. */
export function readSupergraphConfig(path = DEFAULT_CONFIG_PATH): SupergraphConfig {
  const raw = parseYaml(readFileSync(path, 'utf8')) as {
    federation_version?: unknown
    subgraphs?: Record<string, { routing_url?: unknown; schema?: { file?: unknown } }>
  }
  if (typeof raw?.federation_version !== 'string') throw new Error(`${path}: federation_version is missing`)
  if (!raw.subgraphs || typeof raw.subgraphs !== 'object') throw new Error(`${path}: subgraphs is missing`)
  const subgraphs = Object.entries(raw.subgraphs).map(([name, entry]) => {
    if (typeof entry?.routing_url !== 'string') throw new Error(`${path}: subgraph ${name} has no routing_url`)
    if (typeof entry.schema?.file !== 'string') throw new Error(`${path}: subgraph ${name} has no schema.file`)
    return { name, routingUrl: entry.routing_url, sdl: readFileSync(resolve(dirname(path), entry.schema.file), 'utf8') }
  })
  return { federationVersion: raw.federation_version, subgraphs }
}
