import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { ServiceName, SubgraphName } from '@marketplace/services'

export interface StackUrls {
  gateway: string
  /** the gateway's GET /metrics (its own listener: the public port answers 404) */
  gatewayMetrics: string
  subgraphs: Record<SubgraphName, string>
  postgres: Record<ServiceName, string>
  redis: string | null
  temporal: { address: string; ui: string | null }
  /**
   * process ids by name (postgres, redis, temporal, users, …, facade, workflow-worker, gateway):
   * tests pause and resume them. The stack restarts a process that dies, so stackUrls() reads
   * them afresh from the ready file, which the stack rewrites after each restart.
   */
  pids: Record<string, number>
  dataDir: string
  logDir: string
  readyFile: string
}

const ROOT = join(__dirname, '..', '..')

// short enough that the compensation path runs within a test, long enough to outlast a paused service
export const TEST_RATING_DEADLINE_SECONDS = 20
// development mode, explicitly: the stack's public secrets are accepted, introspection is on
// spans reach the trace files within a fifth of a second (the tracing tests read them)
const TEST_ENV = { NODE_ENV: 'test', RATING_UPDATE_DEADLINE: `${TEST_RATING_DEADLINE_SECONDS}s`, OTEL_BSP_SCHEDULE_DELAY: '200' }

/** Starts the real stack (`npm start`'s launcher) on free ports with a throw-away data folder. */
export async function startStack(timeoutMs = 240_000): Promise<{ urls: StackUrls; process: ChildProcess }> {
  const work = mkdtempSync(join(tmpdir(), 'marketplace-test-'))
  const readyFile = join(work, 'ready.json')
  const logDir = join(work, 'logs')
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      join(ROOT, 'scripts', 'stack.ts'),
      '--ephemeral',
      '--random-ports',
      '--headless',
      '--exit-with-parent',
      '--ready-file',
      readyFile,
      '--log-dir',
      logDir,
    ],
    { cwd: ROOT, env: { ...process.env, LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn', ...TEST_ENV }, stdio: ['ignore', 'pipe', 'pipe'] },
  )
  let output = ''
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()))
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()))
  const deadline = Date.now() + timeoutMs
  while (!existsSync(readyFile)) {
    if (child.exitCode !== null) throw new Error(`the stack exited with code ${child.exitCode}:\n${output}`)
    if (Date.now() > deadline) {
      child.kill('SIGKILL')
      throw new Error(`the stack did not start within ${timeoutMs} ms:\n${output}`)
    }
    await new Promise((r) => setTimeout(r, 200))
  }
  const urls = { ...JSON.parse(readFileSync(readyFile, 'utf8')), logDir, readyFile } as StackUrls
  return { urls, process: child }
}

export function stackUrls(): StackUrls {
  const raw = process.env.MARKETPLACE_TEST_STACK
  if (!raw) throw new Error('the integration stack is not running (tests/support/global-setup.ts starts it)')
  const urls = JSON.parse(raw) as StackUrls
  return { ...urls, pids: currentPids(urls.readyFile) }
}

/** The pids the stack last wrote to its ready file (renamed into place: never half a file). */
export function currentPids(readyFile: string = stackUrls().readyFile): Record<string, number> {
  return (JSON.parse(readFileSync(readyFile, 'utf8')) as { pids: Record<string, number> }).pids
}
