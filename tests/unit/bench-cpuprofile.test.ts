import { groupOf, locationOf, selfTimeByNode, summarizeProfiles, type CpuProfile } from '../../bench/lib/cpuprofile'

const frame = (functionName: string, url = '', lineNumber = 0) => ({ functionName, url, lineNumber, columnNumber: 0, scriptId: '1' })

// root → main → (parse, execute → resolve); idle and GC hang off root
const profile: CpuProfile = {
  startTime: 0,
  endTime: 10_000,
  nodes: [
    { id: 1, callFrame: frame('(root)'), children: [2, 6, 7] },
    { id: 2, callFrame: frame('main', 'file:///app/gateway/src/server.ts', 9), children: [3, 4] },
    { id: 3, callFrame: frame('parse', 'file:///app/node_modules/graphql/language/parser.js', 99) },
    { id: 4, callFrame: frame('execute', 'file:///app/node_modules/@apollo/gateway/dist/executeQueryPlan.js', 4), children: [5] },
    { id: 5, callFrame: frame('', 'file:///app/gateway/src/server.ts', 41) },
    { id: 6, callFrame: frame('(idle)') },
    { id: 7, callFrame: frame('(garbage collector)') },
  ],
  // each sample's time is the delta that follows it
  samples: [3, 3, 5, 6, 6, 7, 3, 4],
  timeDeltas: [0, 1000, 1000, 1000, 2000, 2000, 500, 500],
}

describe('cpuprofile self time', () => {
  it('attributes the time after each sample to the sampled node', () => {
    const self = selfTimeByNode(profile)
    // sample 7 (last) gets the mean interval: 8000 µs / 8 samples
    expect(Object.fromEntries(self)).toEqual({ 3: 1000 + 1000 + 500, 5: 1000, 6: 2000 + 2000, 7: 500, 4: 1000 })
  })

  it('keeps only the samples taken inside the windows (the measured window, not start-up)', () => {
    // sample times: 0, 1000, 2000, 3000, 5000, 7000, 7500, 8000
    const self = selfTimeByNode(profile, [{ startUs: 1500, endUs: 5000 }])
    expect(Object.fromEntries(self)).toEqual({ 5: 1000, 6: 2000 + 2000 })
    const two = selfTimeByNode(profile, [
      { startUs: 0, endUs: 0 },
      { startUs: 7500, endUs: 9000 },
    ])
    expect(Object.fromEntries(two)).toEqual({ 3: 1000 + 500, 4: 1000 })
  })

  it('falls back to hitCount × mean interval without samples', () => {
    const hits: CpuProfile = {
      ...profile,
      samples: undefined,
      timeDeltas: undefined,
      nodes: profile.nodes.map((n) => ({ ...n, hitCount: n.id === 3 ? 3 : n.id === 6 ? 1 : 0 })),
    }
    expect(Object.fromEntries(selfTimeByNode(hits))).toEqual({ 3: 7500, 6: 2500 })
  })

  it('ranks functions by self time over several profiles, without (idle)', () => {
    const summary = summarizeProfiles([profile, profile], 3, '/app')
    expect(summary.files).toBe(2)
    expect(summary.totalMs).toBeCloseTo(18, 10)
    expect(summary.idleMs).toBeCloseTo(8, 10)
    expect(summary.busyMs).toBeCloseTo(10, 10)
    expect(summary.top.map((f) => f.name)).toEqual([
      'parse (graphql/language/parser.js:100)',
      '(anonymous) (gateway/src/server.ts:42)',
      'execute (@apollo/gateway/dist/executeQueryPlan.js:5)',
    ])
    expect(summary.top[0]?.selfMs).toBeCloseTo(5, 10)
    expect(summary.top[0]?.percent).toBeCloseTo(50, 10)
    expect(summary.byGroup.map((g) => [g.group, Math.round(g.percent)])).toEqual([
      ['graphql', 50],
      ['gateway/src/server.ts', 20],
      ['@apollo/gateway', 20],
    ])
    expect(summarizeProfiles([profile], 10).byGroup.at(-1)).toMatchObject({ group: '(native / VM)', selfMs: 0.5 })
  })

  it('groups frames by package, project file, node internals or native', () => {
    expect(groupOf(frame('f', 'file:///r/node_modules/@apollo/gateway/dist/x.js'))).toBe('@apollo/gateway')
    expect(groupOf(frame('f', 'file:///r/node_modules/a/node_modules/graphql/x.js'))).toBe('graphql')
    expect(groupOf(frame('f', 'node:internal/http'))).toBe('node (internal)')
    expect(groupOf(frame('writev'))).toBe('(native / VM)')
    expect(groupOf(frame('f', 'file:///r/gateway/src/fetcher.ts'), '/r')).toBe('gateway/src/fetcher.ts')
  })

  it('shortens locations', () => {
    expect(locationOf(frame('f', 'file:///x/node_modules/a/b.js', 0))).toBe('a/b.js:1')
    expect(locationOf(frame('f', 'file:///repo/bench/run.ts', 4), '/repo')).toBe('bench/run.ts:5')
    expect(locationOf(frame('f', 'node:internal/http', 2))).toBe('node:internal/http:3')
    expect(locationOf(frame('(program)'))).toBe('')
  })
})
