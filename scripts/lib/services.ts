import { join } from 'node:path'
import type { Migration } from 'kysely'
import { entryFileOf, serviceDir, type PartName, type ServiceName } from '@marketplace/services'

export const ROOT = join(__dirname, '..', '..')

export type Migrations = Readonly<Record<string, Migration>>

/** A service's migrations, from its folder (the registry says which services there are). */
export function migrationsOf(service: ServiceName): Migrations {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const loaded = require(join(ROOT, serviceDir(service), 'src', 'migrations')) as { migrations?: Migrations }
  if (!loaded.migrations) throw new Error(`${serviceDir(service)}/src/migrations exports no \`migrations\``)
  return loaded.migrations
}

export const entryOf = (part: PartName): string => join(ROOT, entryFileOf(part))

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
export const nodeArgsOf = (part: PartName): string[] => [...(NODE_ARGS[part] ?? []), '--import', 'tsx', entryOf(part)]
