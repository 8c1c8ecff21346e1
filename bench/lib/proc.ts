// CPU time and peak memory of processes, from /proc (Linux).
import { spawnSync } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'

export interface ProcStat {
  readonly pid: number
  readonly comm: string
  readonly state: string
  readonly ppid: number
  /** user and system CPU time, in clock ticks */
  readonly utime: number
  readonly stime: number
}

/**
 * Parses /proc/<pid>/stat. The command name is in parentheses and may itself contain spaces and
 * parentheses, so the fields after it are found from the LAST ')'.
 */
export function parseProcStat(text: string): ProcStat {
  const open = text.indexOf('(')
  const close = text.lastIndexOf(')')
  if (open < 0 || close < open) throw new Error(`not a /proc/<pid>/stat line: ${text.slice(0, 80)}`)
  const pid = Number(text.slice(0, open).trim())
  const rest = text
    .slice(close + 2)
    .trim()
    .split(/\s+/)
  // rest[0] is field 3 (state); utime and stime are fields 14 and 15
  const field = (n: number): number => Number(rest[n - 3])
  const stat = { pid, comm: text.slice(open + 1, close), state: rest[0] ?? '?', ppid: field(4), utime: field(14), stime: field(15) }
  if (![stat.pid, stat.ppid, stat.utime, stat.stime].every(Number.isFinite))
    throw new Error(`unexpected /proc/<pid>/stat line: ${text.slice(0, 80)}`)
  return stat
}

export interface ProcMemory {
  /** peak resident set size (VmHWM), bytes */
  readonly peakRssBytes: number
  /** current resident set size (VmRSS), bytes */
  readonly rssBytes: number
}

/** Parses /proc/<pid>/status for VmHWM and VmRSS (reported in kB). */
export function parseProcStatus(text: string): ProcMemory {
  const kb = (name: string): number => {
    const match = new RegExp(`^${name}:\\s+(\\d+)\\s*kB`, 'm').exec(text)
    return match?.[1] ? Number(match[1]) * 1024 : 0
  }
  return { peakRssBytes: kb('VmHWM'), rssBytes: kb('VmRSS') }
}

let clockTicks: number | undefined
/** Clock ticks per second of /proc's CPU times (`getconf CLK_TCK`, 100 on Linux almost always). */
export function ticksPerSecond(): number {
  if (clockTicks === undefined) {
    const out = spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' })
    const value = Number(out.stdout?.trim())
    clockTicks = out.status === 0 && Number.isInteger(value) && value > 0 ? value : 100
  }
  return clockTicks
}

function readStat(pid: number): ProcStat | null {
  try {
    return parseProcStat(readFileSync(`/proc/${pid}/stat`, 'utf8'))
  } catch {
    return null // gone
  }
}

function readMemory(pid: number): ProcMemory | null {
  try {
    return parseProcStatus(readFileSync(`/proc/${pid}/status`, 'utf8'))
  } catch {
    return null
  }
}

/** Every process's parent, read once from /proc/*\/stat. */
export function parentMap(): Map<number, number> {
  const parents = new Map<number, number>()
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    const stat = readStat(Number(entry))
    if (stat) parents.set(stat.pid, stat.ppid)
  }
  return parents
}

/** `root` and all its descendants, given each process's parent. */
export function descendantsOf(root: number, parents: ReadonlyMap<number, number>): number[] {
  const children = new Map<number, number[]>()
  for (const [pid, ppid] of parents) {
    const list = children.get(ppid)
    if (list) list.push(pid)
    else children.set(ppid, [pid])
  }
  const out: number[] = []
  const queue = [root]
  while (queue.length > 0) {
    const pid = queue.shift() as number
    out.push(pid)
    for (const child of children.get(pid) ?? []) queue.push(child)
  }
  return out
}

/** CPU ticks per pid of a process tree at one moment. */
export type TreeTicks = ReadonlyMap<number, number>

export interface TreeSample {
  readonly ticks: TreeTicks
  /** sum over the tree's processes of their VmHWM (an upper bound of the tree's peak) */
  readonly peakRssBytes: number
  readonly maxProcessPeakRssBytes: number
  readonly processes: number
}

export function sampleTree(root: number, parents: ReadonlyMap<number, number> = parentMap()): TreeSample {
  const ticks = new Map<number, number>()
  let peak = 0
  let maxPeak = 0
  for (const pid of descendantsOf(root, parents)) {
    const stat = readStat(pid)
    if (!stat) continue
    ticks.set(pid, stat.utime + stat.stime)
    const memory = readMemory(pid)
    peak += memory?.peakRssBytes ?? 0
    maxPeak = Math.max(maxPeak, memory?.peakRssBytes ?? 0)
  }
  return { ticks, peakRssBytes: peak, maxProcessPeakRssBytes: maxPeak, processes: ticks.size }
}

/**
 * CPU used between two samples of a tree, in % of one core: for each process alive at the end,
 * its ticks minus those it had at the start (0 if it started in between).
 */
export function cpuPercent(start: TreeTicks, end: TreeTicks, seconds: number, hz = ticksPerSecond()): number {
  let ticks = 0
  for (const [pid, now] of end) ticks += Math.max(0, now - (start.get(pid) ?? 0))
  return seconds > 0 ? (100 * ticks) / hz / seconds : Number.NaN
}

export interface MachineTicks {
  /** ticks spent doing anything but idle/iowait, all CPUs together */
  readonly busy: number
  readonly total: number
}

/** Parses the aggregate "cpu" line of /proc/stat (user nice system idle iowait irq softirq steal …). */
export function parseMachineStat(text: string): MachineTicks {
  const line = text.split('\n').find((l) => /^cpu\s/.test(l))
  if (!line) throw new Error('/proc/stat has no aggregate cpu line')
  const fields = line.trim().split(/\s+/).slice(1, 9).map(Number)
  const total = fields.reduce((a, b) => a + b, 0)
  const idle = (fields[3] ?? 0) + (fields[4] ?? 0)
  return { busy: total - idle, total }
}

export function machineTicks(): MachineTicks | null {
  try {
    return parseMachineStat(readFileSync('/proc/stat', 'utf8'))
  } catch {
    return null
  }
}

/** Busy time of the whole machine between two readings, in % of one core (2 busy cores = 200). */
export function machineCpuPercent(start: MachineTicks, end: MachineTicks, cores: number): number {
  const total = end.total - start.total
  return total > 0 ? (100 * cores * (end.busy - start.busy)) / total : Number.NaN
}
