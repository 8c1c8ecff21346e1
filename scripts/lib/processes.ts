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

/** util-linux's setpriv, which can set the parent-death signal before it execs a program (Linux only). */
const SETPRIV = process.platform === 'linux' ? (isExecutableFile('/usr/bin/setpriv') ? '/usr/bin/setpriv' : commandExists('setpriv')) : null

/**
 * The command and arguments that run `command` so that the kernel sends it `signal` when the
 * process that spawned it dies, however it dies (SIGKILL included): setpriv sets
 * PR_SET_PDEATHSIG and then execs the program, so the pid stays the program's. Without setpriv
 * (not Linux) the program runs as is and outlives a SIGKILLed parent.
 */
export function leashed(command: string, args: readonly string[], signal: NodeJS.Signals = 'SIGKILL'): [string, string[]] {
  if (!SETPRIV) return [command, [...args]]
  return [SETPRIV, ['--pdeathsig', signal, '--', command, ...args]]
}

export interface StartOptions {
  /** a file for the output; else our stdout, each line prefixed with `[name]` */
  readonly logTo?: WriteStream
  /** takes the output instead of `logTo` or our stdout */
  readonly onOutput?: (chunk: Buffer) => void
  /** hears of an exit we did not ask for (a failure to spawn is an exit with code null) */
  readonly onExit?: (code: number | null, signal: NodeJS.Signals | null) => void
  /** what the kernel sends the child when we die (SIGKILL; Postgres wants SIGQUIT, its immediate shutdown) */
  readonly deathSignal?: NodeJS.Signals
  readonly uid?: number
  readonly gid?: number
}

/**
 * Starts a long-running child whose output goes to `logTo` (a file) or to our stdout with a
 * `[name]` prefix. `onExit` hears of an exit we did not ask for. The child dies with us (leashed).
 */
export function startProcess(
  name: string,
  command: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  { logTo, onOutput, onExit, deathSignal = 'SIGKILL', uid, gid }: StartOptions = {},
): ManagedProcess {
  const [program, programArgs] = leashed(command, args, deathSignal)
  const child = spawn(program, programArgs, {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    ...(uid === undefined ? {} : { uid }),
    ...(gid === undefined ? {} : { gid }),
  })
  let stopping = false
  let reported = false
  const forward = (chunk: Buffer): void => {
    if (onOutput) onOutput(chunk)
    else if (logTo) logTo.write(chunk)
    else for (const line of chunk.toString('utf8').split('\n')) if (line) process.stdout.write(`[${name}] ${line}\n`)
  }
  child.stdout?.on('data', forward)
  child.stderr?.on('data', forward)
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => resolve())
    child.once('error', () => resolve())
  })
  const report = (code: number | null, signal: NodeJS.Signals | null): void => {
    if (reported || stopping) return
    reported = true
    onExit?.(code, signal)
  }
  child.once('exit', report)
  child.once('error', (err) => {
    forward(Buffer.from(`${name} could not start: ${err.message}\n`))
    report(null, null)
  })
  return {
    name,
    child,
    async stop(signal = 'SIGTERM', timeoutMs = 10_000) {
      stopping = true
      if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return
      child.kill(signal)
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs)
      await exited
      clearTimeout(timer)
    },
  }
}

export const openLog = (path: string): WriteStream => createWriteStream(path, { flags: 'a' })
