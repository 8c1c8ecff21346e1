// Everything the benchmark starts is stopped when it ends, fails, or is interrupted (Ctrl-C).
import type { ChildProcess } from 'node:child_process'
import { descendantsOf, parentMap } from './proc'

type Cleanup = () => Promise<void>

const cleanups: { name: string; run: Cleanup }[] = []
const children = new Set<ChildProcess>()
let installed = false
let running: Promise<void> | undefined

/** Registers a cleanup; returns a function that runs it now (once) and unregisters it. */
export function onCleanup(name: string, run: Cleanup): () => Promise<void> {
  const entry = { name, run }
  cleanups.push(entry)
  let done: Promise<void> | undefined
  return () => {
    const i = cleanups.indexOf(entry)
    if (i >= 0) cleanups.splice(i, 1)
    return (done ??= run())
  }
}

/** A child process killed (with its descendants) on exit if it is still alive then. */
export function trackChild(child: ChildProcess): void {
  children.add(child)
  child.once('exit', () => children.delete(child))
}

/** Runs every registered cleanup, newest first. */
export function cleanupAll(): Promise<void> {
  return (running ??= (async () => {
    while (cleanups.length > 0) {
      const entry = cleanups.pop() as (typeof cleanups)[number]
      await entry.run().catch((err: unknown) => console.error(`cleanup of ${entry.name} failed:`, err))
    }
  })())
}

function killLeftovers(): void {
  if (children.size === 0) return
  let parents: Map<number, number>
  try {
    parents = parentMap()
  } catch {
    parents = new Map()
  }
  for (const child of children) {
    if (!child.pid || child.exitCode !== null || child.signalCode !== null) continue
    // descendants first (e.g. the gateway's cluster workers), then the child itself
    for (const pid of descendantsOf(child.pid, parents).reverse()) {
      try {
        process.kill(pid, 'SIGKILL')
      } catch {
        // already gone
      }
    }
  }
}

/** On SIGINT/SIGTERM: stop everything, then exit 130/143; on any exit, SIGKILL what is left. */
export function installSignalHandlers(): void {
  if (installed) return
  installed = true
  process.on('exit', killLeftovers)
  const onSignal = (signal: NodeJS.Signals, code: number) => {
    process.once(signal, () => {
      console.error(`\n${signal}: stopping everything the benchmark started…`)
      // a second signal, or a stuck cleanup, kills what is left
      process.once(signal, () => process.exit(code))
      setTimeout(() => process.exit(code), 30_000).unref()
      cleanupAll().finally(() => process.exit(code))
    })
  }
  onSignal('SIGINT', 130)
  onSignal('SIGTERM', 143)
}
