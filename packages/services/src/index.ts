import { PARTS, SERVICES } from './registry'
import type { ServiceEntry } from './types'

export { PARTS, SERVICES } from './registry'
export type { ServiceEntry } from './types'

export type ServiceName = (typeof SERVICES)[number]['name']
/** The subgraphs: the services that own data, and the façade that starts scenarios. */
export type SubgraphName = ServiceName | 'facade'
/** Every process of the stack besides Postgres, Redis and Temporal. */
export type PartName = SubgraphName | 'gateway' | 'workflow-worker'

export const SERVICE_NAMES: readonly ServiceName[] = SERVICES.map((s) => s.name)
export const SUBGRAPH_NAMES: readonly SubgraphName[] = [...SERVICE_NAMES, 'facade']

export function serviceEntry(name: ServiceName): ServiceEntry {
  const entry = SERVICES.find((s) => s.name === name)
  if (!entry) throw new Error(`unknown service "${name}"`)
  return entry
}

export const isServiceName = (name: string): name is ServiceName => (SERVICE_NAMES as readonly string[]).includes(name)

/** Default ports of the gateway, each service and the façade. */
export const DEFAULT_PORTS: Readonly<Record<SubgraphName | 'gateway', number>> = Object.freeze({
  gateway: PARTS.gateway.port,
  ...(Object.fromEntries(SERVICES.map((s) => [s.name, s.port])) as Record<ServiceName, number>),
  facade: PARTS.facade.port,
})

/** The port a generated service takes: the next one after every part's. */
export const nextFreePort = (): number => Math.max(...Object.values(DEFAULT_PORTS)) + 1

/** Where a part's source lives, relative to the repository root. */
export const serviceDir = (name: ServiceName): string => `subgraphs/${name}`
export const schemaFileOf = (name: SubgraphName): string => (name === 'facade' ? PARTS.facade.schema : `${serviceDir(name)}/schema.graphql`)
export function entryFileOf(part: PartName): string {
  if (part === 'gateway') return 'gateway/src/index.ts'
  if (part === 'facade' || part === 'workflow-worker') return PARTS[part].entry
  return `${serviceDir(part)}/src/index.ts`
}

/** The secrets a part receives besides GATEWAY_SECRET (the gateway checks tokens, so it has JWT_SECRET). */
export function secretsOf(part: PartName): readonly string[] {
  if (part === 'gateway') return ['JWT_SECRET']
  return isServiceName(part) ? serviceEntry(part).secrets : []
}
