import DataLoader from 'dataloader'
import { isId } from './ids'

/**
 * A per-request loader of rows by id: every `load` in one tick becomes one
 * `fetch(ids)` (a single `WHERE id = ANY($1)`); ids that are not UUIDs resolve to null unqueried.
 */
export function createByIdLoader<Row extends { readonly id: string }>(
  fetch: (ids: readonly string[]) => Promise<readonly (Row | null)[]>,
  { batch = true }: { batch?: boolean } = {},
): DataLoader<string, Row | null> {
  return new DataLoader<string, Row | null>(
    async (keys) => {
      const ids = [...new Set(keys.filter(isId).map((id) => id.toLowerCase()))]
      const rows = ids.length > 0 ? await fetch(ids) : []
      const byId = new Map(rows.flatMap((row) => (row ? [[row.id, row] as const] : [])))
      return keys.map((key) => (isId(key) ? (byId.get(key.toLowerCase()) ?? null) : null))
    },
    { batch },
  )
}

/** A per-request loader of values grouped by a key (e.g. stores by owner): one `fetch(keys)` per tick. */
export function createGroupLoader<Key, Value>(
  fetch: (keys: readonly Key[]) => Promise<ReadonlyMap<Key, Value>>,
  empty: () => Value,
  cacheKeyFn?: (key: Key) => unknown,
): DataLoader<Key, Value> {
  return new DataLoader<Key, Value, unknown>(
    async (keys) => {
      const found = await fetch(keys)
      return keys.map((key) => found.get(key) ?? empty())
    },
    cacheKeyFn ? { cacheKeyFn } : undefined,
  )
}
