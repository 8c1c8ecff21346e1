// The variants (and two of them traced): the product's knobs for each, and which gateway serves it.
import { DEFAULTS, type VariantName } from './args'

export type GatewaySpec =
  | { readonly kind: 'ours'; readonly responseCache: boolean; readonly workers: number }
  | { readonly kind: 'apollo-defaults' }
  | { readonly kind: 'hive-gateway' }

export interface VariantSpec {
  readonly name: VariantName
  readonly description: string
  /** environment of the users and comments subgraphs (and, under --mix, of every service) */
  readonly subgraphEnv: Readonly<Record<string, string>>
  readonly gateway: GatewaySpec
  /** OpenTelemetry on, at the default sampling (10%, mutations and errors always), spans to files */
  readonly traced?: boolean
}

export function variantSpec(name: VariantName, gatewayWorkers: number = DEFAULTS.gatewayWorkers): VariantSpec {
  const full = { BATCH_LOADS: 'true', ENTITY_CACHE: 'full' }
  switch (name) {
    case 'naive':
      return {
        name,
        description: 'no DataLoader batching (one SQL per author), no entity cache, no response cache, 1 gateway process',
        subgraphEnv: { BATCH_LOADS: 'false', ENTITY_CACHE: 'off' },
        gateway: { kind: 'ours', responseCache: false, workers: 1 },
      }
    case 'dataloader':
      return {
        name,
        description: 'DataLoader batching (one SQL per page), no cache, 1 gateway process',
        subgraphEnv: { BATCH_LOADS: 'true', ENTITY_CACHE: 'off' },
        gateway: { kind: 'ours', responseCache: false, workers: 1 },
      }
    case 'cached':
      return {
        name,
        description: 'batching + shared entity cache (Redis only), no response cache, 1 gateway process',
        subgraphEnv: { BATCH_LOADS: 'true', ENTITY_CACHE: 'shared' },
        gateway: { kind: 'ours', responseCache: false, workers: 1 },
      }
    case 'full':
      return {
        name,
        description: `batching + in-process entity cache in front of Redis + gateway response cache, ${gatewayWorkers} gateway worker(s)`,
        subgraphEnv: full,
        gateway: { kind: 'ours', responseCache: true, workers: gatewayWorkers },
      }
    case 'apollo-defaults':
      return {
        name,
        description:
          'plain @apollo/gateway ApolloGateway({ supergraphSdl }) in @apollo/server startStandaloneServer, defaults; subgraphs as in full',
        subgraphEnv: { ...full, GATEWAY_SIGNATURE: 'optional' },
        gateway: { kind: 'apollo-defaults' },
      }
    case 'full-traced':
    case 'cached-traced': {
      const untraced = variantSpec(name === 'full-traced' ? 'full' : 'cached', gatewayWorkers)
      return {
        ...untraced,
        name,
        description: `${untraced.description}; tracing on (default sampling, spans to OTLP JSON files)`,
        traced: true,
      }
    }
    case 'hive-gateway':
      return {
        name,
        description: 'createGatewayRuntime({ supergraph }) of @graphql-hive/gateway on node:http, defaults; subgraphs as in full',
        subgraphEnv: { ...full, GATEWAY_SIGNATURE: 'optional' },
        gateway: { kind: 'hive-gateway' },
      }
  }
}

export const isOurs = (spec: VariantSpec): boolean => spec.gateway.kind === 'ours'
