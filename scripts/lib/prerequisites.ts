import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { commandExists } from './processes'

// The programs the tests start besides Node's own: redis-server (the cache's Redis tests, the
// integration stack, the benchmark) and Chromium (the GraphiQL page's browser tests). Each is
// found from its variable, else on PATH; when some are missing, `ensurePrerequisites` installs
// them with apt-get if this machine lets us, or stops with one message saying what to run.

/** What `planPrerequisites` decides from; `hostFacts()` reads it from this machine. */
export interface HostFacts {
  readonly platform: NodeJS.Platform
  /** running as root (`process.getuid() === 0`) */
  readonly isRoot: boolean
  /** `apt-get` on PATH */
  readonly hasAptGet: boolean
  /** `sudo -n true` succeeds (passwordless sudo) */
  readonly hasSudo: boolean
}

export interface Prerequisite {
  /** the program, as it is named in messages */
  readonly name: 'redis-server' | 'chromium'
  /** the variable that names it */
  readonly envVar: 'REDIS_SERVER_PATH' | 'CHROMIUM_PATH'
  /** the Debian package that provides it */
  readonly debianPackage: string
  /** what to run on macOS (Homebrew) */
  readonly brew: string
  /** the file found, or null */
  readonly path: string | null
}

/** a program and its arguments */
export type Command = readonly [string, ...string[]]

export type PrerequisitePlan =
  | { readonly action: 'none' }
  /** run `commands` in order (argv arrays), then look again */
  | { readonly action: 'install'; readonly packages: readonly string[]; readonly commands: readonly Command[] }
  /** we cannot install: `message` says what to run */
  | { readonly action: 'manual'; readonly packages: readonly string[]; readonly message: string }

const CHROMIUM_NAMES = ['chromium', 'chromium-browser', 'google-chrome'] as const

/** The file named by `variable`, when set (throws naming the variable if it does not exist), else undefined. */
function fromVariable(env: NodeJS.ProcessEnv, variable: string): string | undefined {
  const value = env[variable]
  if (!value) return undefined
  if (!existsSync(value)) throw new Error(`${variable}=${value} does not exist`)
  return value
}

/** redis-server: REDIS_SERVER_PATH, then `redis-server` on PATH. */
export function findRedisServer(env: NodeJS.ProcessEnv = process.env): string | null {
  return fromVariable(env, 'REDIS_SERVER_PATH') ?? commandExists('redis-server', env)
}

/** Chromium: CHROMIUM_PATH, then `chromium`, `chromium-browser`, `google-chrome` on PATH. */
export function findChromium(env: NodeJS.ProcessEnv = process.env): string | null {
  const named = fromVariable(env, 'CHROMIUM_PATH')
  if (named) return named
  for (const name of CHROMIUM_NAMES) {
    const found = commandExists(name, env)
    if (found) return found
  }
  return null
}

/** Both programs, each with what it takes to install it and where it was found. */
export function findPrerequisites(env: NodeJS.ProcessEnv = process.env): Prerequisite[] {
  return [
    {
      name: 'redis-server',
      envVar: 'REDIS_SERVER_PATH',
      debianPackage: 'redis-server',
      brew: 'brew install redis',
      path: findRedisServer(env),
    },
    {
      name: 'chromium',
      envVar: 'CHROMIUM_PATH',
      debianPackage: 'chromium',
      brew: 'brew install --cask chromium (or install Google Chrome)',
      path: findChromium(env),
    },
  ]
}

/**
 * What to do about the missing ones (pure: no file, process or network access). apt-get when we
 * are root or have passwordless sudo, one `update` and one `install` of exactly the missing
 * packages; otherwise one message naming the packages, the command and the variables.
 */
export function planPrerequisites(found: readonly Prerequisite[], host: HostFacts): PrerequisitePlan {
  const missing = found.filter((tool) => tool.path === null)
  if (missing.length === 0) return { action: 'none' }
  const packages = missing.map((tool) => tool.debianPackage)
  if (host.platform === 'linux' && host.hasAptGet && (host.isRoot || host.hasSudo)) {
    const asRoot = (...argv: [string, ...string[]]): Command => (host.isRoot ? argv : ['sudo', '-n', ...argv])
    return {
      action: 'install',
      packages,
      commands: [asRoot('apt-get', 'update'), asRoot('apt-get', 'install', '-y', ...packages)],
    }
  }
  const names = missing.map((tool) => tool.name).join(' and ')
  const variables = missing.map((tool) => tool.envVar).join(' / ')
  let howTo: string
  if (host.platform === 'darwin') {
    howTo = missing.map((tool) => `  ${tool.brew}`).join('\n')
    if (missing.some((tool) => tool.name === 'chromium')) {
      howTo += '\n  export CHROMIUM_PATH="/Applications/Chromium.app/Contents/MacOS/Chromium"   # or Google Chrome\'s binary'
    }
  } else if (host.hasAptGet) {
    howTo = `  sudo apt-get update && sudo apt-get install -y ${packages.join(' ')}`
  } else {
    howTo = `  install ${packages.join(' ')} with your system's package manager`
  }
  return {
    action: 'manual',
    packages,
    message:
      `The tests need ${names}, which ${missing.length === 1 ? 'is' : 'are'} not installed, and this machine does not let us install ` +
      `${missing.length === 1 ? 'it' : 'them'} (that takes root or passwordless sudo, and apt-get). Run:\n` +
      `${howTo}\n` +
      `or point ${variables} at ${missing.length === 1 ? 'the program' : 'the programs'} if ${missing.length === 1 ? 'it is' : 'they are'} installed elsewhere.`,
  }
}

/** This machine's answers to what `planPrerequisites` asks. */
export function hostFacts(): HostFacts {
  const hasAptGet = commandExists('apt-get') !== null
  const isRoot = process.getuid?.() === 0
  const hasSudo = !isRoot && commandExists('sudo') !== null && spawnSync('sudo', ['-n', 'true'], { stdio: 'ignore' }).status === 0
  return { platform: process.platform, isRoot, hasAptGet, hasSudo }
}

export interface Prerequisites {
  readonly redisServer: string
  readonly chromium: string
}

/**
 * Finds redis-server and Chromium, installing the missing ones with apt-get when possible (see
 * `planPrerequisites`); throws one message saying what to run when not.
 */
export function ensurePrerequisites(log: (line: string) => void = console.log): Prerequisites {
  const plan = planPrerequisites(findPrerequisites(), hostFacts())
  if (plan.action === 'manual') throw new Error(plan.message)
  if (plan.action === 'install') {
    log(`installing ${plan.packages.join(' ')} with apt-get (a few minutes, once)…`)
    for (const [command, ...args] of plan.commands) {
      const ran = spawnSync(command, args, {
        env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
        stdio: ['ignore', 'inherit', 'inherit'],
      })
      if (ran.status !== 0) {
        throw new Error(
          `\`${[command, ...args].join(' ')}\` failed (${ran.error ? ran.error.message : `exit ${ran.status}`}); ` +
            `install ${plan.packages.join(' ')} yourself, or set REDIS_SERVER_PATH / CHROMIUM_PATH.`,
        )
      }
    }
  }
  const after = findPrerequisites()
  const still = after.filter((tool) => tool.path === null)
  if (still.length > 0) {
    throw new Error(
      `${still.map((tool) => tool.name).join(' and ')} still not found on PATH after installing ${still.map((tool) => tool.debianPackage).join(' ')}`,
    )
  }
  const path = (name: Prerequisite['name']): string => after.find((tool) => tool.name === name)?.path ?? ''
  return { redisServer: path('redis-server'), chromium: path('chromium') }
}
