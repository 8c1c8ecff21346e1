import { cpuPercent, descendantsOf, machineCpuPercent, parseMachineStat, parseProcStat, parseProcStatus } from '../../bench/lib/proc'

describe('/proc parsing', () => {
  // a real line, with a command name that has spaces and parentheses in it
  const stat =
    '4242 (node (gateway) x) S 4200 4242 4200 0 -1 4194560 27384 0 12 0 1234 567 0 0 20 0 11 0 98765 1234567890 45678 18446744073709551615 1 1 0 0 0 0 0 4096 134234626 0 0 0 17 1 0 0 0 0 0'

  it('reads pid, command, state, parent and CPU ticks from /proc/<pid>/stat', () => {
    expect(parseProcStat(stat)).toEqual({ pid: 4242, comm: 'node (gateway) x', state: 'S', ppid: 4200, utime: 1234, stime: 567 })
    expect(() => parseProcStat('garbage')).toThrow()
  })

  it('reads VmHWM and VmRSS from /proc/<pid>/status', () => {
    const status = 'Name:\tnode\nVmPeak:\t 1000000 kB\nVmHWM:\t  300000 kB\nVmRSS:\t  250000 kB\nThreads:\t11\n'
    expect(parseProcStatus(status)).toEqual({ peakRssBytes: 300000 * 1024, rssBytes: 250000 * 1024 })
    expect(parseProcStatus('Name:\tkthreadd\n')).toEqual({ peakRssBytes: 0, rssBytes: 0 })
  })

  it('finds a tree of processes from their parents (the cluster gateway and its workers)', () => {
    const parents = new Map([
      [1, 0],
      [10, 1],
      [11, 10],
      [12, 10],
      [13, 12],
      [20, 1],
    ])
    expect(descendantsOf(10, parents).sort()).toEqual([10, 11, 12, 13])
    expect(descendantsOf(20, parents)).toEqual([20])
  })

  it('CPU % of one core over a window, processes born in it counted from 0', () => {
    const start = new Map([
      [10, 100],
      [11, 50],
    ])
    const end = new Map([
      [10, 300],
      [11, 150],
      [12, 100],
    ]) // 200 + 100 + 100 ticks
    expect(cpuPercent(start, end, 4, 100)).toBeCloseTo(100, 10) // 400 ticks = 4 s of CPU in 4 s
    expect(cpuPercent(start, end, 0, 100)).toBeNaN()
  })

  it('the whole machine from the aggregate cpu line of /proc/stat', () => {
    const a = parseMachineStat('cpu  100 0 100 700 100 0 0 0 0 0\ncpu0 1 2 3 4 5 6 7 8 9 10\n')
    expect(a).toEqual({ busy: 200, total: 1000 })
    const b = parseMachineStat('cpu  400 0 200 1000 200 0 0 0 0 0\n')
    expect(machineCpuPercent(a, b, 2)).toBeCloseTo((2 * 100 * 400) / 800, 10)
    expect(() => parseMachineStat('intr 1 2 3')).toThrow()
  })
})
