// The embedded stack's Temporal dev server (scripts/lib/temporal.ts): its arguments, and the
// registration of the runs' search attributes in a database start-dev did not create.
import type { Connection } from '@temporalio/client'
import { DEV_SERVER_DYNAMIC_CONFIG, devServerArgs, registerSearchAttributes } from '../../scripts/lib/temporal'
import { SEARCH_ATTRIBUTES } from '../../workflows/src/search-attributes'

/** The values that follow each occurrence of `flag`. */
const valuesOf = (args: readonly string[], flag: string): string[] => args.flatMap((arg, i) => (arg === flag ? [args[i + 1] ?? ''] : []))

describe('devServerArgs', () => {
  const args = devServerArgs({ dbFile: '/tmp/t.db', port: 7233, uiPort: null })

  it('registers every search attribute of the runs (workflows/src/search-attributes.ts)', () => {
    expect(valuesOf(args, '--search-attribute')).toEqual([...SEARCH_ATTRIBUTES])
  })

  it('keeps its database, port, dynamic config and headless mode', () => {
    expect(args.slice(0, 2)).toEqual(['server', 'start-dev'])
    expect(valuesOf(args, '--port')).toEqual(['7233'])
    expect(valuesOf(args, '--db-filename')).toEqual(['/tmp/t.db'])
    expect(valuesOf(args, '--dynamic-config-value')).toEqual([...DEV_SERVER_DYNAMIC_CONFIG])
    expect(args).toContain('--headless')
    expect(valuesOf(devServerArgs({ dbFile: '/tmp/t.db', port: 7233, uiPort: 8233 }), '--ui-port')).toEqual(['8233'])
  })
})

describe('registerSearchAttributes', () => {
  const names = SEARCH_ATTRIBUTES.map((pair) => pair.split('=')[0] as string)

  function fakeConnection(registered: readonly string[]) {
    const added: Record<string, unknown>[] = []
    const connection = {
      operatorService: {
        listSearchAttributes: async () => ({ customAttributes: Object.fromEntries(registered.map((name) => [name, 2])) }),
        addSearchAttributes: async (request: { searchAttributes: Record<string, unknown> }) => void added.push(request.searchAttributes),
      },
    } as unknown as Connection
    return { connection, added }
  }

  it('adds the attributes an older database lacks, as Keyword (IndexedValueType 2)', async () => {
    const { connection, added } = fakeConnection(names.slice(0, 2))
    expect(await registerSearchAttributes(connection)).toEqual(names.slice(2))
    expect(added).toEqual([Object.fromEntries(names.slice(2).map((name) => [name, 2]))])
  })

  it('adds nothing when every attribute is registered', async () => {
    const { connection, added } = fakeConnection(names)
    expect(await registerSearchAttributes(connection)).toEqual([])
    expect(added).toEqual([])
  })
})
