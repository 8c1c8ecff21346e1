// Where a process spends its time: the self time of each function in V8 .cpuprofile files.

export interface CallFrame {
  readonly functionName: string
  readonly url: string
  readonly lineNumber: number
  readonly columnNumber?: number
  readonly scriptId?: string | number
}

export interface CpuProfileNode {
  readonly id: number
  readonly callFrame: CallFrame
  readonly hitCount?: number
  readonly children?: readonly number[]
}

export interface CpuProfile {
  readonly nodes: readonly CpuProfileNode[]
  readonly startTime: number // µs
  readonly endTime: number // µs
  readonly samples?: readonly number[]
  readonly timeDeltas?: readonly number[] // µs
}

export interface FunctionTime {
  /** "functionName (file:line)" */
  readonly name: string
  readonly functionName: string
  readonly location: string
  readonly selfMs: number
  /** share of the busy time: everything but (idle) */
  readonly percent: number
}

export interface GroupTime {
  /** an npm package, a project file, "node (internal)" or "(native / VM)" */
  readonly group: string
  readonly selfMs: number
  readonly percent: number
}

export interface ProfileSummary {
  readonly files: number
  readonly totalMs: number
  readonly idleMs: number
  readonly busyMs: number
  readonly top: readonly FunctionTime[]
  /** self time by package or project file: where the time goes when no single function dominates */
  readonly byGroup: readonly GroupTime[]
}

/** The package (node_modules/<name> or <@scope/name>), the project file, node's internals, or native/VM. */
export function groupOf(frame: CallFrame, root = ''): string {
  const url = frame.url.replace(/^file:\/\//, '')
  if (!url) return '(native / VM)'
  if (url.startsWith('node:')) return 'node (internal)'
  const nm = url.lastIndexOf('node_modules/')
  if (nm >= 0) {
    const parts = url.slice(nm + 'node_modules/'.length).split('/')
    return (parts[0] ?? '').startsWith('@') ? `${parts[0]}/${parts[1] ?? ''}` : (parts[0] ?? url)
  }
  return root && url.startsWith(root) ? url.slice(root.length).replace(/^\/+/, '') : url
}

/**
 * A stretch of time on the profiles' clock (µs of CLOCK_MONOTONIC, the clock of
 * `process.hrtime.bigint()` in any process of the machine): e.g. a measured window.
 */
export interface TimeWindow {
  readonly startUs: number
  readonly endUs: number
}

export const nowUs = (): number => Number(process.hrtime.bigint() / 1000n)

/**
 * Self time (µs) of each node: from samples/timeDeltas when present (only the samples taken
 * inside one of `windows`, when given), else hitCount × mean interval (the whole profile).
 */
export function selfTimeByNode(profile: CpuProfile, windows?: readonly TimeWindow[]): Map<number, number> {
  const self = new Map<number, number>()
  const { samples, timeDeltas } = profile
  if (samples && timeDeltas && samples.length > 0 && samples.length === timeDeltas.length) {
    // timeDeltas[i] is the time elapsed before sample i; sample i stands for the interval after it,
    // which is the next delta (the last sample gets the mean interval)
    const total = timeDeltas.reduce((a, b) => a + Math.max(0, b), 0)
    const mean = total / samples.length
    let at = profile.startTime
    for (let i = 0; i < samples.length; i++) {
      at += timeDeltas[i] as number
      if (windows && !windows.some((w) => at >= w.startUs && at <= w.endUs)) continue
      const next = i + 1 < timeDeltas.length ? Math.max(0, timeDeltas[i + 1] as number) : mean
      const id = samples[i] as number
      self.set(id, (self.get(id) ?? 0) + next)
    }
    return self
  }
  const hits = profile.nodes.reduce((a, n) => a + (n.hitCount ?? 0), 0)
  const interval = hits > 0 ? (profile.endTime - profile.startTime) / hits : 0
  for (const node of profile.nodes) if (node.hitCount) self.set(node.id, node.hitCount * interval)
  return self
}

/** A short location: the path after node_modules/ or after the project root, and a 1-based line. */
export function locationOf(frame: CallFrame, root = ''): string {
  if (!frame.url) return ''
  let path = frame.url.replace(/^file:\/\//, '')
  const nm = path.lastIndexOf('node_modules/')
  if (nm >= 0) path = path.slice(nm + 'node_modules/'.length)
  else if (root && path.startsWith(root)) path = path.slice(root.length).replace(/^\/+/, '')
  return `${path}:${frame.lineNumber + 1}`
}

/** Adds up self time per function (name + location) over one or more profiles; the top N by self time. */
export function summarizeProfiles(profiles: readonly CpuProfile[], top = 15, root = '', windows?: readonly TimeWindow[]): ProfileSummary {
  const byFunction = new Map<string, { functionName: string; location: string; us: number }>()
  const byGroup = new Map<string, number>()
  let totalUs = 0
  let idleUs = 0
  for (const profile of profiles) {
    const nodes = new Map(profile.nodes.map((n) => [n.id, n]))
    for (const [id, us] of selfTimeByNode(profile, windows)) {
      const node = nodes.get(id)
      if (!node) continue
      totalUs += us
      const functionName = node.callFrame.functionName || '(anonymous)'
      if (functionName === '(idle)') {
        idleUs += us
        continue
      }
      const group = groupOf(node.callFrame, root)
      byGroup.set(group, (byGroup.get(group) ?? 0) + us)
      const location = locationOf(node.callFrame, root)
      const key = `${functionName}\u0000${location}`
      const entry = byFunction.get(key)
      if (entry) entry.us += us
      else byFunction.set(key, { functionName, location, us })
    }
  }
  const busyUs = totalUs - idleUs
  const sorted = [...byFunction.values()].sort((a, b) => b.us - a.us).slice(0, top)
  return {
    files: profiles.length,
    totalMs: totalUs / 1000,
    idleMs: idleUs / 1000,
    busyMs: busyUs / 1000,
    top: sorted.map((f) => ({
      name: f.location ? `${f.functionName} (${f.location})` : f.functionName,
      functionName: f.functionName,
      location: f.location,
      selfMs: f.us / 1000,
      percent: busyUs > 0 ? (100 * f.us) / busyUs : 0,
    })),
    byGroup: [...byGroup.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([group, us]) => ({ group, selfMs: us / 1000, percent: busyUs > 0 ? (100 * us) / busyUs : 0 })),
  }
}
