import { FAULT_KINDS, isWorkerFault, parentPidOf, planFaults, processOf, stateOf } from '../../bench/lib/chaos/faults'
import { createRng } from '../../bench/lib/chaos/rng'

describe("the chaos run's faults", () => {
  it('the smoke: every kind exactly once, in an order the seed decides', () => {
    const plan = planFaults(createRng(1), true, 50)
    expect(plan.map((f) => f.kind).sort()).toEqual([...FAULT_KINDS].sort())
    expect(planFaults(createRng(1), true, 50)).toEqual(plan)
    expect(planFaults(createRng(2), true, 50).map((f) => f.kind)).not.toEqual(plan.map((f) => f.kind))
    expect(plan.find((f) => f.kind === 'subgraph-primary')?.subgraph).toEqual(expect.any(String))
  })

  it('a timed run: rounds of every kind, seeded pauses of 5–20 s', () => {
    const plan = planFaults(createRng(9), false, 3)
    expect(plan).toHaveLength(3 * FAULT_KINDS.length)
    for (let round = 0; round < 3; round++)
      expect(
        plan
          .slice(round * FAULT_KINDS.length, (round + 1) * FAULT_KINDS.length)
          .map((f) => f.kind)
          .sort(),
      ).toEqual([...FAULT_KINDS].sort())
    for (const f of plan) {
      expect(f.gapMs).toBeGreaterThanOrEqual(5_000)
      expect(f.gapMs).toBeLessThan(20_000)
    }
  })

  it('which process each fault signals', () => {
    expect(processOf({ kind: 'users-worker' })).toBe('users')
    expect(processOf({ kind: 'users-worker-sigstop' })).toBe('users')
    expect(processOf({ kind: 'gateway-worker' })).toBe('gateway')
    expect(processOf({ kind: 'subgraph-primary', subgraph: 'catalog' })).toBe('catalog')
    expect(processOf({ kind: 'postgres' })).toBe('postgres')
    expect(isWorkerFault('comments-worker')).toBe(true)
    expect(isWorkerFault('facade')).toBe(false)
  })

  it('reads the parent pid and state from /proc/<pid>/stat, whatever the command name holds', () => {
    expect(parentPidOf('1234 (node) S 1200 1234 1200 0 -1')).toBe(1200)
    expect(parentPidOf('77 (a) b (c)) R 5 77 5 0')).toBe(5)
    expect(stateOf('77 (a) b (c)) Z 5 77 5 0')).toBe('Z')
    expect(parentPidOf('garbage')).toBeNull()
  })

  it('the seeded generator is reproducible and in range', () => {
    const a = createRng(5)
    const b = createRng(5)
    const draws = Array.from({ length: 100 }, () => a.next())
    expect(Array.from({ length: 100 }, () => b.next())).toEqual(draws)
    for (const d of draws) expect(d >= 0 && d < 1).toBe(true)
    const r = createRng(3)
    for (let i = 0; i < 100; i++) {
      const n = r.int(2, 4)
      expect(n >= 2 && n <= 4 && Number.isInteger(n)).toBe(true)
    }
    expect(() => r.pick([])).toThrow()
  })
})
