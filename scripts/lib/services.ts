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
