import { spawn, type ChildProcess } from 'node:child_process'
import { accessSync, constants, createWriteStream, statSync, type WriteStream } from 'node:fs'
import { delimiter, isAbsolute, join } from 'node:path'

export interface ManagedProcess {
  readonly name: string
  readonly child: ChildProcess
  stop(signal?: NodeJS.Signals, timeoutMs?: number): Promise<void>
}

/** The path of the first executable file named `command` in `env.PATH` (as `command -v` finds it), else null. */
export function commandExists(command: string, env: NodeJS.ProcessEnv = process.env): string | null {
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (!dir || !isAbsolute(dir)) continue
    const candidate = join(dir, command)
    if (isExecutableFile(candidate)) return candidate
  }
  return null
}

/** True when `path` is a regular file (or a link to one) that we may execute. */
export function isExecutableFile(path: string): boolean {
  try {
    if (!statSync(path).isFile()) return false
    accessSync(path, constants.X_OK)
    return true
  } catch {
    return false
  }
}

/**
 * Starts a long-running child whose output goes to `logTo` (a file) or to our stdout with a
 * `[name]` prefix. `onExit` hears of an exit we did not ask for.
 */
export function startProcess(
  name: string,
  command: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  { logTo, onExit }: { logTo?: WriteStream; onExit?: (code: number | null) => void } = {},
): ManagedProcess {
  const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] })
  let stopping = false
  const forward = (chunk: Buffer): void => {
    if (logTo) logTo.write(chunk)
    else for (const line of chunk.toString('utf8').split('\n')) if (line) process.stdout.write(`[${name}] ${line}\n`)
  }
  child.stdout?.on('data', forward)
  child.stderr?.on('data', forward)
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  child.once('exit', (code) => {
    if (!stopping) onExit?.(code)
  })
  return {
    name,
    child,
    async stop(signal = 'SIGTERM', timeoutMs = 10_000) {
      stopping = true
      if (child.exitCode !== null || child.signalCode !== null) return
      child.kill(signal)
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs)
      await exited
      clearTimeout(timer)
    },
  }
}

export const openLog = (path: string): WriteStream => createWriteStream(path, { flags: 'a' })
