// The faults: which process to kill (or freeze), when, and how to find its pid. The plan and the
// /proc parsing are pure; `findTarget` reads /proc and the stack's ready file.
import { SERVICE_NAMES, type ServiceName } from '@marketplace/services'
import { readdirSync, readFileSync } from 'node:fs'
import type { Rng } from './rng'

export const FAULT_KINDS = [
  'users-worker',
  'comments-worker',
  'gateway-worker',
  'subgraph-primary',
  'facade',
  'workflow-worker',
  'redis',
  'temporal',
  'postgres',
  'users-worker-sigstop',
] as const
export type FaultKind = (typeof FAULT_KINDS)[number]

// the services as the registry lists them: a fault may hit any of them
export const SUBGRAPHS = SERVICE_NAMES
export const STOP_SECONDS = 10

export interface PlannedFault {
  readonly kind: FaultKind
  /** for subgraph-primary: which subgraph */
  readonly subgraph?: ServiceName
  /** pause after the previous fault recovered (ms) */
  readonly gapMs: number
}

/**
 * The smoke: every kind once, in a seeded order, a short fixed pause between them. A timed run:
 * rounds of every kind in a seeded order (so each kind comes back), seeded pauses of 5–20 s.
 */
export function planFaults(rng: Rng, smoke: boolean, rounds: number): PlannedFault[] {
  const plan: PlannedFault[] = []
  for (let round = 0; round < (smoke ? 1 : rounds); round++) {
    const order = [...FAULT_KINDS]
    for (let i = order.length - 1; i > 0; i--) {
      const j = rng.int(0, i)
      ;[order[i], order[j]] = [order[j] as FaultKind, order[i] as FaultKind]
    }
    for (const kind of order) {
      const gapMs = smoke ? 2_000 : Math.round(rng.between(5_000, 20_000))
      plan.push(kind === 'subgraph-primary' ? { kind, subgraph: rng.pick(SUBGRAPHS), gapMs } : { kind, gapMs })
    }
  }
  return plan
}

/** The process name in the ready file whose pid (or whose workers' pids) a fault signals. */
export function processOf(fault: Pick<PlannedFault, 'kind' | 'subgraph'>): string {
  switch (fault.kind) {
    case 'users-worker':
    case 'users-worker-sigstop':
      return 'users'
    case 'comments-worker':
      return 'comments'
    case 'gateway-worker':
      return 'gateway'
    case 'subgraph-primary':
      return fault.subgraph ?? 'users'
    default:
      return fault.kind
  }
}

export const isWorkerFault = (kind: FaultKind): boolean =>
  kind === 'users-worker' || kind === 'comments-worker' || kind === 'gateway-worker' || kind === 'users-worker-sigstop'

/** The parent pid in a /proc/<pid>/stat line (the command may hold spaces and parentheses). */
export function parentPidOf(statLine: string): number | null {
  const close = statLine.lastIndexOf(')')
  if (close < 0) return null
  const fields = statLine.slice(close + 2).split(' ')
  const ppid = Number(fields[1])
  return Number.isInteger(ppid) ? ppid : null
}

/** The state letter (R, S, T, Z…) in a /proc/<pid>/stat line. */
export function stateOf(statLine: string): string | null {
  const close = statLine.lastIndexOf(')')
  return close < 0 ? null : (statLine.slice(close + 2).split(' ')[0] ?? null)
}

/** Live (not zombie) children of `pid`, from /proc. */
export function childrenOf(pid: number): number[] {
  const children: number[] = []
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8')
      if (parentPidOf(stat) === pid && stateOf(stat) !== 'Z') children.push(Number(entry))
    } catch {
      // gone meanwhile
    }
  }
  return children.sort((a, b) => a - b)
}

export function isAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    return stateOf(stat) !== 'Z'
  } catch {
    return false
  }
}

export function readPids(readyFile: string): Record<string, number> {
  return (JSON.parse(readFileSync(readyFile, 'utf8')) as { pids: Record<string, number> }).pids
}
