import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import type { Connection } from '@temporalio/client'
import type { SearchAttributeType } from '@temporalio/common'
import type { temporal } from '@temporalio/proto'
import { encodeSearchAttributeIndexedValueType } from '@temporalio/common/lib/search-attributes'
import { SEARCH_ATTRIBUTE_KEYS, SEARCH_ATTRIBUTES } from '../../workflows/src/search-attributes'
import { commandExists } from './processes'

export const TEMPORAL_CLI_MODULE = 'github.com/temporalio/cli/cmd/temporal@v1.5.1'
export const TOOLS_BIN = join(__dirname, '..', '..', '.tools', 'bin')

/** The Temporal CLI: TEMPORAL_CLI_PATH, then `temporal` on PATH, then the project's .tools/bin. */
export function findTemporalCli(env: NodeJS.ProcessEnv = process.env): string | null {
  if (env.TEMPORAL_CLI_PATH) {
    if (!existsSync(env.TEMPORAL_CLI_PATH)) throw new Error(`TEMPORAL_CLI_PATH=${env.TEMPORAL_CLI_PATH} does not exist`)
    return env.TEMPORAL_CLI_PATH
  }
  const onPath = commandExists('temporal')
  if (onPath) return onPath
  const local = join(TOOLS_BIN, 'temporal')
  return existsSync(local) ? local : null
}

/**
 * Finds the CLI or builds it from the Go module proxy into .tools/bin (v1.5.1: later versions
 * carry `replace` directives and cannot be `go install`ed).
 */
export function ensureTemporalCli(log: (line: string) => void = console.log): string {
  const found = findTemporalCli()
  if (found) return found
  if (!commandExists('go')) {
    throw new Error(
      'The Temporal CLI was not found and Go is not installed to build it.\n' +
        'Install Go 1.23+ (https://go.dev/dl/) and run `npm run temporal:install`, or install the Temporal CLI\n' +
        '(https://docs.temporal.io/cli) and put `temporal` on PATH or set TEMPORAL_CLI_PATH.',
    )
  }
  mkdirSync(TOOLS_BIN, { recursive: true })
  log(`building the Temporal CLI: go install ${TEMPORAL_CLI_MODULE} (a few minutes, once)…`)
  const built = spawnSync('go', ['install', TEMPORAL_CLI_MODULE], {
    env: { ...process.env, GOBIN: TOOLS_BIN, GOFLAGS: '-mod=mod' },
    stdio: 'inherit',
  })
  const cli = join(TOOLS_BIN, 'temporal')
  if (built.status !== 0 || !existsSync(cli)) throw new Error(`go install ${TEMPORAL_CLI_MODULE} failed (exit ${built.status})`)
  return cli
}

/** Dynamic config for the dev server (see devServerArgs): the task readers' rate limits raised, one task-queue partition. */
export const DEV_SERVER_DYNAMIC_CONFIG: readonly string[] = [
  'history.transferProcessorMaxPollRPS=10000',
  'history.timerProcessorMaxPollRPS=10000',
  'history.visibilityProcessorMaxPollRPS=10000',
  'matching.numTaskqueueReadPartitions=1',
  'matching.numTaskqueueWritePartitions=1',
]

export interface TemporalDevServerOptions {
  readonly dbFile: string
  readonly port: number
  readonly uiPort: number | null // null: headless
}

/** `temporal server start-dev` arguments: SQLite in WAL mode, so a busy machine does not stall it. */
export function devServerArgs({ dbFile, port, uiPort }: TemporalDevServerOptions): string[] {
  return [
    'server',
    'start-dev',
    '--ip',
    '127.0.0.1',
    '--port',
    String(port),
    '--db-filename',
    dbFile,
    '--sqlite-pragma',
    'journal_mode=wal',
    '--sqlite-pragma',
    'synchronous=normal',
    // The dev server has one history shard, whose task reader is rate limited to 20 reads/s:
    // past a burst every task handoff waited out a 50-ms slot (~44 ms ScheduleToStart per
    // activity and workflow task, measured). A production cluster spreads runs over many shards.
    ...DEV_SERVER_DYNAMIC_CONFIG.flatMap((value) => ['--dynamic-config-value', value]),
    // the runs' custom search attributes (workflows/src/search-attributes.ts), in a new database
    ...SEARCH_ATTRIBUTES.flatMap((pair) => ['--search-attribute', pair]),
    '--log-level',
    'warn',
    ...(uiPort === null ? ['--headless'] : ['--ui-port', String(uiPort)]),
  ]
}

type IndexedValueType = temporal.api.enums.v1.IndexedValueType
const indexedValueType = (type: SearchAttributeType): IndexedValueType => {
  const encoded = encodeSearchAttributeIndexedValueType(type)
  if (encoded === undefined) throw new Error(`no indexed value type for ${type}`)
  return encoded
}

/**
 * Registers the runs' custom search attributes the namespace lacks: start-dev's --search-attribute
 * registers them only when it creates the database, and the façade's starts fail without them.
 */
export async function registerSearchAttributes(connection: Connection, namespace = 'default'): Promise<string[]> {
  const { customAttributes } = await connection.operatorService.listSearchAttributes({ namespace })
  const missing = SEARCH_ATTRIBUTE_KEYS.filter((key) => customAttributes?.[key.name] === undefined)
  if (missing.length === 0) return []
  const searchAttributes = Object.fromEntries(missing.map((key) => [key.name, indexedValueType(key.type)]))
  await connection.operatorService.addSearchAttributes({ namespace, searchAttributes })
  return missing.map((key) => key.name)
}

/**
 * True once the frontend answers and the namespace knows the runs' search attributes (registered
 * here if missing). Its own wait: the SDK's 5 s is too short on a busy 2-core machine.
 */
export async function temporalAnswers(address: string): Promise<boolean> {
  const { Connection } = await import('@temporalio/client')
  const connection = await Connection.connect({ address, connectTimeout: 1000 })
  try {
    await connection.workflowService.getSystemInfo({})
    await connection.workflowService.describeNamespace({ namespace: 'default' })
    await registerSearchAttributes(connection)
    return true
  } finally {
    await connection.close()
  }
}
