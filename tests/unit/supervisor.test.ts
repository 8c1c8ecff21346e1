import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { RestartBackoff, restartDelayMs, type RestartPolicy } from '../../packages/service-template/src/workers'
import { waitFor } from '../../scripts/lib/ports'
import { parseReplicas } from '../../scripts/lib/replicas'
import { supervise } from '../../scripts/lib/supervisor'

// npm start's supervisor: the back-off schedule, restarting what exits, and children that die with us

const ROOT = join(__dirname, '..', '..')
const alive = (pid: number): boolean => existsSync(`/proc/${pid}`) && !/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'))

describe('the restart back-off', () => {
  it('waits 0.5 s, then doubles for each restart in a row, up to 30 s', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8, 20].map((n) => restartDelayMs(n))).toEqual([
      500, 1000, 2000, 4000, 8000, 16_000, 30_000, 30_000, 30_000,
    ])
  })

  it('starts again from 0.5 s once a process stayed up a minute', () => {
    const backoff = new RestartBackoff()
    expect([backoff.next(100), backoff.next(100), backoff.next(100)]).toEqual([500, 1000, 2000])
    expect(backoff.next(60_000)).toBe(500)
    expect(backoff.next(10)).toBe(1000)
    expect(backoff.restarts).toBe(5)
  })
})

describe('--replicas', () => {
  it('reads worker counts per part', () => {
    expect(parseReplicas('users=2,comments=2,gateway=2')).toEqual({ users: 2, comments: 2, gateway: 2 })
    expect(parseReplicas('')).toEqual({})
  })

  it('refuses an unknown part or a bad count', () => {
    expect(() => parseReplicas('postgres=2')).toThrow(/unknown part "postgres"/)
    expect(() => parseReplicas('users=0')).toThrow(/count from 1 to 64/)
    expect(() => parseReplicas('users')).toThrow(/count from 1 to 64/)
  })
})

const fast: RestartPolicy = { initialDelayMs: 50, maxDelayMs: 200, stableAfterMs: 60_000 }

describe('supervise', () => {
  it('restarts a process that exits, with a log line per exit, and stops it for good when asked', async () => {
    const lines: string[] = []
    const pids: number[] = []
    const dir = mkdtempSync(join(tmpdir(), 'supervise-'))
    // exits with 3 twice, then stays up
    const script = `n=$(cat ${dir}/n 2>/dev/null || echo 0); echo $((n+1)) > ${dir}/n; [ $n -ge 2 ] && exec sleep 60; exit 3`
    const child = supervise(
      'flaky',
      { command: '/bin/sh', args: ['-c', script], env: process.env },
      { policy: fast, log: (l) => lines.push(l), onStart: (_, pid) => pids.push(pid) },
    )
    try {
      await waitFor('the third start', async () => pids.length === 3 && child.pid === pids[2] && alive(child.pid), {
        timeoutMs: 10_000,
        intervalMs: 20,
      })
      expect(lines.filter((l) => l.includes('exited'))).toEqual([
        '[supervisor] flaky exited (code 3, signal none); restarting in 0.1 s (restart 1)',
        '[supervisor] flaky exited (code 3, signal none); restarting in 0.1 s (restart 2)',
      ])
      expect(child.restarts).toBe(2)
    } finally {
      await child.stop()
    }
    const last = pids[2] ?? 0
    await new Promise((r) => setTimeout(r, 300))
    expect(alive(last)).toBe(false)
    expect(pids).toHaveLength(3)
  })

  it('a SIGKILLed process comes back with a new pid', async () => {
    const pids: number[] = []
    const child = supervise(
      'sleeper',
      { command: 'sleep', args: ['60'], env: process.env },
      { policy: fast, log: () => {}, onStart: (_, pid) => pids.push(pid) },
    )
    try {
      process.kill(child.pid, 'SIGKILL')
      await waitFor('a new pid', async () => pids.length === 2 && alive(pids[1] ?? 0), { timeoutMs: 5_000, intervalMs: 20 })
    } finally {
      await child.stop()
    }
  })
})

describe('children die with the process that started them', () => {
  it('a SIGKILLed parent leaves no child running', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'leash-'))
    const pidFile = join(dir, 'child.pid')
    const program = join(dir, 'parent.ts')
    writeFileSync(
      program,
      `import { writeFileSync } from 'node:fs'
import { startProcess } from ${JSON.stringify(join(ROOT, 'scripts', 'lib', 'processes'))}
const child = startProcess('sleeper', 'sleep', ['600'], process.env, { logTo: undefined })
writeFileSync(${JSON.stringify(pidFile)}, String(child.child.pid))
setInterval(() => {}, 1000)
`,
    )
    const parent = spawn(process.execPath, ['--import', 'tsx', program], { cwd: ROOT, stdio: 'ignore' })
    try {
      await waitFor('the child', async () => existsSync(pidFile) && readFileSync(pidFile, 'utf8') !== '', {
        timeoutMs: 20_000,
        intervalMs: 50,
      })
      const childPid = Number(readFileSync(pidFile, 'utf8'))
      expect(alive(childPid)).toBe(true)
      // the pid is the program's own (setpriv execs it, a moment after the spawn), so a test can signal it
      const program = (): string => readFileSync(`/proc/${childPid}/cmdline`, 'utf8').split('\0')[0] ?? ''
      await waitFor('setpriv to exec sleep', async () => program() === 'sleep', { timeoutMs: 5_000, intervalMs: 20 })
      expect(program()).toBe('sleep')
      parent.kill('SIGKILL')
      await waitFor('the child to die', async () => !alive(childPid), { timeoutMs: 5_000, intervalMs: 50 })
    } finally {
      parent.kill('SIGKILL')
    }
  })
})

describe('a cluster primary (WORKERS, GATEWAY_WORKERS > 1)', () => {
  it('restarts a worker that dies, with a log line, instead of exiting; SIGTERM stops them all', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cluster-'))
    const program = join(dir, 'primary.ts')
    writeFileSync(
      program,
      `import { forkWorkers } from ${JSON.stringify(join(ROOT, 'packages', 'service-template', 'src', 'workers'))}
if (!forkWorkers('demo', 2, { initialDelayMs: 50, maxDelayMs: 200, stableAfterMs: 60_000 })) {
  console.log('worker ' + process.pid)
  setInterval(() => {}, 1000)
}
`,
    )
    const primary = spawn(process.execPath, ['--import', 'tsx', program], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    let err = ''
    primary.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString()))
    primary.stderr?.on('data', (chunk: Buffer) => (err += chunk.toString()))
    const workers = (): number[] => [...out.matchAll(/^worker (\d+)$/gm)].map((m) => Number(m[1]))
    const exited = new Promise<number | null>((resolve) => primary.once('exit', (code) => resolve(code)))
    try {
      await waitFor('two workers', async () => workers().length === 2, { timeoutMs: 20_000, intervalMs: 50 })
      const [first = 0, second = 0] = workers()
      process.kill(first, 'SIGKILL')
      await waitFor('a third worker', async () => workers().length === 3, { timeoutMs: 20_000, intervalMs: 50 })
      expect(err).toContain(`[cluster] demo worker ${first} exited (code null, signal SIGKILL); restarting in 0.1 s (restart 1)`)
      expect(alive(second)).toBe(true)
      expect(primary.exitCode).toBeNull()
      primary.kill('SIGTERM')
      expect(await exited).toBe(0)
      await waitFor('the workers to stop', async () => workers().every((pid) => !alive(pid)), { timeoutMs: 5_000, intervalMs: 50 })
    } finally {
      primary.kill('SIGKILL')
      for (const pid of workers()) if (alive(pid)) process.kill(pid, 'SIGKILL')
    }
  }, 60_000)
})
