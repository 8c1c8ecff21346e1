import type { ChildProcess } from 'node:child_process'

export default async function globalTeardown(): Promise<void> {
  const child = (globalThis as { __MARKETPLACE_STACK__?: ChildProcess }).__MARKETPLACE_STACK__
  if (!child || child.exitCode !== null) return
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  child.kill('SIGTERM')
  const timer = setTimeout(() => child.kill('SIGKILL'), 30_000)
  await exited
  clearTimeout(timer)
}
