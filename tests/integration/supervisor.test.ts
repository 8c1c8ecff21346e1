// Scenario: a process of the stack dies (SIGKILL: no chance to clean up). npm start's supervisor
// starts it again, the rest keep running, and clients get their answers once it is back. And
// when the stack itself is SIGKILLed, nothing it started is left running.
import { readFileSync, readdirSync, rmSync } from 'node:fs'
import { waitFor } from '../../scripts/lib/ports'
import { gql } from '../support/client'
import { currentPids, startStack, stackUrls } from '../support/stack'

const BACK_WITHIN_MS = 15_000

const alive = (pid: number): boolean => {
  try {
    return !/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'))
  } catch {
    return false
  }
}

/** Every process whose parent chain leads to `root` (and root), from /proc. */
function descendantsOf(root: number): number[] {
  const parentOf = new Map<number, number>()
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    try {
      // the field after the command (which may hold spaces) is the state, then the ppid
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8')
      parentOf.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]))
    } catch {
      // gone meanwhile
    }
  }
  const found = new Set([root])
  for (let grew = true; grew;) {
    grew = false
    for (const [pid, ppid] of parentOf) {
      if (found.has(ppid) && !found.has(pid)) {
        found.add(pid)
        grew = true
      }
    }
  }
  return [...found]
}

const healthOf = (name: 'merchants'): string => stackUrls().subgraphs[name].replace(/\/graphql$/, '/health')

/** SIGKILLs `name` and waits until the stack started it again and `answers` holds. */
async function killAndWaitForReturn(name: string, answers: () => Promise<boolean>): Promise<number> {
  const before = currentPids()[name]
  if (!before) throw new Error(`the ready file names no ${name}`)
  process.kill(before, 'SIGKILL')
  await waitFor(
    `${name} to be restarted`,
    async () => {
      const now = currentPids()[name]
      return now !== undefined && now !== before && now !== 0 && alive(now) && (await answers())
    },
    { timeoutMs: BACK_WITHIN_MS, intervalMs: 100 },
  )
  expect(alive(before)).toBe(false)
  return currentPids()[name] ?? 0
}

const MERCHANTS = '{ merchants(first: 3) { totalCount edges { node { id name } } } }'

describe('a process that dies is restarted; the others keep running', () => {
  it('merchants, SIGKILLed: answers /health again with a new pid, and the gateway answers queries that need it', async () => {
    const others = Object.entries(currentPids()).filter(([name]) => name !== 'merchants')
    const pid = await killAndWaitForReturn('merchants', async () => (await fetch(healthOf('merchants'))).ok)
    expect(pid).not.toBe(0)
    // nobody else was restarted
    expect(Object.entries(currentPids()).filter(([name]) => name !== 'merchants')).toEqual(others)
    // served by the new process (its counters start at zero)
    const metricsUrl = healthOf('merchants').replace(/\/health$/, '/metrics')
    const served = async (): Promise<number> =>
      Number(/^graphql_operations_total (\d+)/m.exec(await (await fetch(metricsUrl)).text())?.[1] ?? 0)
    const res = await gql<{ merchants: { totalCount: number } }>(MERCHANTS.replace('first: 3', 'first: 4'))
    expect(res.errors).toBeUndefined()
    expect(res.data?.merchants.totalCount).toBeGreaterThanOrEqual(20)
    expect(await served()).toBeGreaterThan(0)
  })

  it('the gateway, SIGKILLed: comes back and answers', async () => {
    await killAndWaitForReturn('gateway', async () => {
      const res = await gql<{ merchants: { totalCount: number } }>(MERCHANTS).catch(() => null)
      return (res?.data?.merchants.totalCount ?? 0) >= 20
    })
  })
})

describe('nothing outlives the stack', () => {
  it('a SIGKILLed stack leaves none of its processes (Postgres, Redis, Temporal, the services) running', async () => {
    const { urls, process: stack } = await startStack()
    const pid = stack.pid ?? 0
    const started = descendantsOf(pid).filter((p) => p !== pid)
    try {
      for (const name of ['postgres', 'redis', 'temporal', 'users', 'gateway', 'workflow-worker'])
        expect(started).toContain(urls.pids[name])
      stack.kill('SIGKILL')
      await waitFor('every process the stack started to exit', async () => started.every((p) => !alive(p)), {
        timeoutMs: 10_000,
        intervalMs: 100,
      })
    } finally {
      stack.kill('SIGKILL')
      for (const p of started) if (alive(p)) process.kill(p, 'SIGKILL')
      // a SIGKILLed stack cannot delete its ephemeral data folder
      rmSync(urls.dataDir, { recursive: true, force: true })
    }
  }, 300_000)
})
