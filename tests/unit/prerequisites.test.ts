import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { findChromium, findPrerequisites, findRedisServer, planPrerequisites, type HostFacts } from '../../scripts/lib/prerequisites'
import { commandExists } from '../../scripts/lib/processes'

// What `npm test` runs first (scripts/test-prerequisites.ts): finding redis-server and Chromium,
// and deciding whether to install them with apt-get or to stop with one message.

let dir: string
let otherDir: string

/** A fake executable `name` in `folder` (or a plain, non-executable file). */
function fake(folder: string, name: string, executable = true): string {
  const path = join(folder, name)
  writeFileSync(path, '#!/bin/sh\nexit 0\n')
  chmodSync(path, executable ? 0o755 : 0o644)
  return path
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'prereq-'))
  otherDir = mkdtempSync(join(tmpdir(), 'prereq-other-'))
})
afterEach(() => {
  rmSync(dir, { recursive: true, force: true })
  rmSync(otherDir, { recursive: true, force: true })
})

const linuxRoot: HostFacts = { platform: 'linux', isRoot: true, hasAptGet: true, hasSudo: false }
const linuxUser: HostFacts = { platform: 'linux', isRoot: false, hasAptGet: true, hasSudo: false }

describe('commandExists', () => {
  it('finds an executable on the given PATH, in PATH order, and nothing elsewhere', () => {
    const first = fake(dir, 'tool')
    fake(otherDir, 'tool')
    expect(commandExists('tool', { PATH: `${dir}:${otherDir}` })).toBe(first)
    expect(commandExists('tool', { PATH: otherDir })).toBe(join(otherDir, 'tool'))
    expect(commandExists('nothing-by-this-name', { PATH: dir })).toBeNull()
    expect(commandExists('tool', {})).toBeNull()
  })

  it('skips a file that is not executable', () => {
    fake(dir, 'tool', false)
    const second = fake(otherDir, 'tool')
    expect(commandExists('tool', { PATH: `${dir}:${otherDir}` })).toBe(second)
  })
})

describe('findRedisServer', () => {
  it('takes REDIS_SERVER_PATH first, even when PATH has one', () => {
    fake(dir, 'redis-server')
    const named = fake(otherDir, 'my-redis')
    expect(findRedisServer({ PATH: dir, REDIS_SERVER_PATH: named })).toBe(named)
  })

  it('throws naming REDIS_SERVER_PATH when it names a missing file', () => {
    fake(dir, 'redis-server')
    expect(() => findRedisServer({ PATH: dir, REDIS_SERVER_PATH: join(dir, 'gone') })).toThrow(/REDIS_SERVER_PATH=.*gone/)
  })

  it('else finds redis-server on PATH, else null', () => {
    expect(findRedisServer({ PATH: dir })).toBeNull()
    const onPath = fake(dir, 'redis-server')
    expect(findRedisServer({ PATH: dir })).toBe(onPath)
  })
})

describe('findChromium', () => {
  it('takes CHROMIUM_PATH first, and throws naming it when it names a missing file', () => {
    fake(dir, 'chromium')
    const named = fake(otherDir, 'Chrome')
    expect(findChromium({ PATH: dir, CHROMIUM_PATH: named })).toBe(named)
    expect(() => findChromium({ PATH: dir, CHROMIUM_PATH: join(otherDir, 'gone') })).toThrow(/CHROMIUM_PATH=.*gone/)
  })

  it('else looks for chromium, then chromium-browser, then google-chrome on PATH', () => {
    expect(findChromium({ PATH: dir })).toBeNull()
    const chrome = fake(dir, 'google-chrome')
    expect(findChromium({ PATH: dir })).toBe(chrome)
    const browser = fake(dir, 'chromium-browser')
    expect(findChromium({ PATH: dir })).toBe(browser)
    const chromium = fake(otherDir, 'chromium')
    expect(findChromium({ PATH: `${dir}:${otherDir}` })).toBe(chromium)
  })
})

describe('planPrerequisites', () => {
  it('has nothing to do when both are found', () => {
    fake(dir, 'redis-server')
    fake(dir, 'chromium')
    expect(planPrerequisites(findPrerequisites({ PATH: dir }), linuxUser)).toEqual({ action: 'none' })
  })

  it('as root with apt-get: one update and one install of exactly the missing packages', () => {
    expect(planPrerequisites(findPrerequisites({ PATH: dir }), linuxRoot)).toEqual({
      action: 'install',
      packages: ['redis-server', 'chromium'],
      commands: [
        ['apt-get', 'update'],
        ['apt-get', 'install', '-y', 'redis-server', 'chromium'],
      ],
    })
    fake(dir, 'redis-server')
    expect(planPrerequisites(findPrerequisites({ PATH: dir }), linuxRoot)).toEqual({
      action: 'install',
      packages: ['chromium'],
      commands: [
        ['apt-get', 'update'],
        ['apt-get', 'install', '-y', 'chromium'],
      ],
    })
  })

  it('not root but with passwordless sudo: the same commands through sudo -n', () => {
    fake(dir, 'chromium')
    expect(planPrerequisites(findPrerequisites({ PATH: dir }), { ...linuxUser, hasSudo: true })).toEqual({
      action: 'install',
      packages: ['redis-server'],
      commands: [
        ['sudo', '-n', 'apt-get', 'update'],
        ['sudo', '-n', 'apt-get', 'install', '-y', 'redis-server'],
      ],
    })
  })

  it('not root and no sudo: one message naming the missing packages, the command and the variables', () => {
    const plan = planPrerequisites(findPrerequisites({ PATH: dir }), linuxUser)
    expect(plan.action).toBe('manual')
    if (plan.action !== 'manual') return
    expect(plan.packages).toEqual(['redis-server', 'chromium'])
    expect(plan.message).toContain('sudo apt-get install -y redis-server chromium')
    expect(plan.message).toContain('REDIS_SERVER_PATH')
    expect(plan.message).toContain('CHROMIUM_PATH')
  })

  it('names only what is missing', () => {
    fake(dir, 'redis-server')
    const plan = planPrerequisites(findPrerequisites({ PATH: dir }), linuxUser)
    expect(plan).toMatchObject({ action: 'manual', packages: ['chromium'] })
    if (plan.action !== 'manual') return
    expect(plan.message).toContain('sudo apt-get install -y chromium\n')
    expect(plan.message).not.toMatch(/redis/i)
  })

  it('root without apt-get (or not Linux) cannot install: it says what to run instead', () => {
    const noApt = planPrerequisites(findPrerequisites({ PATH: dir }), { ...linuxRoot, hasAptGet: false })
    expect(noApt).toMatchObject({ action: 'manual', packages: ['redis-server', 'chromium'] })
    const mac = planPrerequisites(findPrerequisites({ PATH: dir }), { platform: 'darwin', isRoot: false, hasAptGet: false, hasSudo: true })
    expect(mac.action).toBe('manual')
    if (mac.action !== 'manual') return
    expect(mac.message).toContain('brew install redis')
    expect(mac.message).toContain('CHROMIUM_PATH')
    expect(mac.message).not.toContain('apt-get install')
  })
})
