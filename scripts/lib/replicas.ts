import { SERVICE_NAMES } from '@marketplace/service-template'

/** Worker processes per part: a subgraph's WORKERS, the gateway's GATEWAY_WORKERS. */
export type Replicas = Readonly<Partial<Record<(typeof REPLICABLE)[number], number>>>

const REPLICABLE = [...SERVICE_NAMES, 'facade', 'gateway'] as const

/** `users=2,comments=2,gateway=2` (npm start's --replicas, or MARKETPLACE_REPLICAS) → { users: 2, … }. */
export function parseReplicas(list: string): Replicas {
  const replicas: Record<string, number> = {}
  for (const item of list
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const [name, count] = item.split('=')
    if (!name || !(REPLICABLE as readonly string[]).includes(name)) {
      throw new Error(`--replicas: unknown part "${name}" (one of ${REPLICABLE.join(', ')})`)
    }
    const n = Number(count)
    if (!Number.isInteger(n) || n < 1 || n > 64) throw new Error(`--replicas: ${name} needs a count from 1 to 64, not "${count}"`)
    replicas[name] = n
  }
  return replicas
}
