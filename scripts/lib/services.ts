import { join } from 'node:path'
import type { Migration } from 'kysely'
import type { ServiceName } from '@marketplace/service-template'
import { migrations as catalog } from '../../subgraphs/catalog/src/migrations'
import { migrations as comments } from '../../subgraphs/comments/src/migrations'
import { migrations as merchants } from '../../subgraphs/merchants/src/migrations'
import { migrations as reviews } from '../../subgraphs/reviews/src/migrations'
import { migrations as users } from '../../subgraphs/users/src/migrations'

export const ROOT = join(__dirname, '..', '..')

export const MIGRATIONS: Readonly<Record<ServiceName, Readonly<Record<string, Migration>>>> = {
  users,
  comments,
  reviews,
  catalog,
  merchants,
}

const ENTRIES: Readonly<Record<string, string>> = {
  gateway: join(ROOT, 'gateway', 'src', 'index.ts'),
  facade: join(ROOT, 'workflows', 'src', 'facade', 'index.ts'),
  'workflow-worker': join(ROOT, 'workflows', 'src', 'worker.ts'),
}

export const entryOf = (part: ServiceName | 'gateway' | 'facade' | 'workflow-worker'): string =>
  ENTRIES[part] ?? join(ROOT, 'subgraphs', part, 'src', 'index.ts')

/**
 * Node flags per process. The gateway's old generation is capped: V8 otherwise lets garbage from
 * query planning grow the heap towards its default limit (a quarter of the machine's memory),
 * and the gateway's live heap is under 100 MB (measured with `npm run bench`).
 */
export const GATEWAY_MAX_OLD_SPACE_MB = 256
const NODE_ARGS: Readonly<Record<string, readonly string[]>> = {
  gateway: [`--max-old-space-size=${GATEWAY_MAX_OLD_SPACE_MB}`],
}

/** The node arguments that run a part: its flags, tsx, its entry file. */
export const nodeArgsOf = (part: ServiceName | 'gateway' | 'facade' | 'workflow-worker'): string[] => [
  ...(NODE_ARGS[part] ?? []),
  '--import',
  'tsx',
  entryOf(part),
]
