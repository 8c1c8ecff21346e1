// Keeps the stack's processes running: one that exits unasked is started again, after a back-off.
import type { WriteStream } from 'node:fs'
import { DEFAULT_RESTART_POLICY, RestartBackoff, describeExit, type RestartPolicy } from '@marketplace/service-template'
import { startProcess, type ManagedProcess, type StartOptions } from './processes'

export interface ProcessSpec {
  readonly command: string
  readonly args: readonly string[]
  readonly env: NodeJS.ProcessEnv
  readonly options?: Omit<StartOptions, 'onExit' | 'logTo'>
}

export interface SupervisedProcess {
  readonly name: string
  /** the pid of the running child (0 while it waits to be restarted) */
  readonly pid: number
  readonly restarts: number
  stop(signal?: NodeJS.Signals, timeoutMs?: number): Promise<void>
}

export interface SuperviseOptions {
  readonly logTo?: WriteStream
  readonly policy?: RestartPolicy
  /** told each new pid: the first start and every restart */
  readonly onStart?: (name: string, pid: number) => void
  readonly log?: (line: string) => void
}

/** Starts `spec` as `name` and restarts it whenever it exits without being asked to stop. */
export function supervise(name: string, spec: ProcessSpec, options: SuperviseOptions = {}): SupervisedProcess {
  const { logTo, policy = DEFAULT_RESTART_POLICY, onStart, log = (line: string) => console.error(line) } = options
  const backoff = new RestartBackoff(policy)
  let current: ManagedProcess | null = null
  let startedAt = 0
  let timer: NodeJS.Timeout | undefined
  let stopped = false
  const start = (): void => {
    startedAt = Date.now()
    current = startProcess(name, spec.command, spec.args, spec.env, { ...spec.options, logTo, onExit: exited })
    if (current.child.pid) onStart?.(name, current.child.pid)
  }
  const exited = (code: number | null, signal: NodeJS.Signals | null): void => {
    if (stopped) return
    current = null
    const delayMs = backoff.next(Date.now() - startedAt)
    log(
      `[supervisor] ${name} exited (${describeExit(code, signal)}); restarting in ${(delayMs / 1000).toFixed(1)} s (restart ${backoff.restarts})`,
    )
    timer = setTimeout(() => {
      timer = undefined
      if (stopped) return
      start()
      log(`[supervisor] ${name} restarted (pid ${current?.child.pid ?? '?'})`)
    }, delayMs)
  }
  start()
  return {
    name,
    get pid() {
      return current?.child.pid ?? 0
    },
    get restarts() {
      return backoff.restarts
    },
    async stop(signal, timeoutMs) {
      stopped = true
      clearTimeout(timer)
      await current?.stop(signal, timeoutMs)
    },
  }
}
