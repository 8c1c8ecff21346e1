// The command line of `npm run chaos`: pure, so the unit tests can check it.

export interface ChaosOptions {
  /** how long the load and the faults run (the smoke: until one fault of each kind has run) */
  readonly minutes: number
  readonly smoke: boolean
  readonly seed: number
  /** signed-in clients, each with its own fresh account, doing every kind of mutation */
  readonly clients: number
  /** anonymous comments-page readers */
  readonly readers: number
  /** use a stack that is already running (its --ready-file) instead of starting one */
  readonly attach: string | null
  readonly argv: readonly string[]
}

export type ChaosCommand = { readonly help: true } | { readonly help: false; readonly options: ChaosOptions }

export class ChaosUsageError extends Error {
  override readonly name = 'ChaosUsageError'
}

export const CHAOS_DEFAULTS = { minutes: 5, clients: 12, readers: 6 } as const
export const CHAOS_SMOKE_DEFAULTS = { clients: 6, readers: 3 } as const

export const CHAOS_USAGE = `Usage: npm run chaos -- [options]

Starts the stack (npm start --ephemeral --random-ports --headless --replicas users=2,comments=2,gateway=2)
and drives it from many signed-in clients (every mutation kind, each with an Idempotency-Key,
retried with the same key on a network error, a 5xx, a timeout or a RUNNING answer) and anonymous
comments-page readers, while it SIGKILLs one process at a time (a users/comments/gateway worker, a
subgraph primary, the façade, the workflow worker, Redis, Temporal, Postgres) and SIGSTOPs a users
worker for 10 s. Then it lets every operation settle and checks the clients' ledgers against the
databases and the API: lost writes, duplicated writes, stale reads, ratings. Exit code 1 on any.

Options:
  --minutes N     how long the load and the faults run                 [${CHAOS_DEFAULTS.minutes}]
  --smoke         small load, one fault of each kind, waiting for recovery between them (≤ 3 min in all)
  --seed N        the fault schedule's seed (same seed, same faults)  [random; printed]
  --clients N     signed-in clients                                     [${CHAOS_DEFAULTS.clients}; smoke ${CHAOS_SMOKE_DEFAULTS.clients}]
  --readers N     anonymous comments-page readers                       [${CHAOS_DEFAULTS.readers}; smoke ${CHAOS_SMOKE_DEFAULTS.readers}]
  --attach FILE   use a running stack's ready file instead of starting one (development of this tool)
  --help          this text

Results: bench/results/<timestamp>-chaos.{md,json} and bench/results/latest-chaos.{md,json}
(smoke: -chaos-smoke).`

export function parseChaosArgs(
  argv: readonly string[],
  randomSeed: () => number = () => Math.floor(Math.random() * 2 ** 31),
): ChaosCommand {
  let minutes: number | undefined
  let smoke = false
  let seed: number | undefined
  let clients: number | undefined
  let readers: number | undefined
  let attach: string | null = null
  const number = (flag: string, raw: string | undefined, min: number, max: number, integer = true): number => {
    const n = Number(raw)
    if (raw === undefined || raw === '' || !Number.isFinite(n) || (integer && !Number.isInteger(n)) || n < min || n > max) {
      throw new ChaosUsageError(`${flag} needs a number from ${min} to ${max}, not "${raw ?? ''}"`)
    }
    return n
  }
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string
    const [flag, inline] =
      arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined]
    const value = (): string | undefined => inline ?? argv[++i]
    switch (flag) {
      case '--help':
      case '-h':
        return { help: true }
      case '--smoke':
        smoke = true
        break
      case '--minutes':
        minutes = number(flag, value(), 0.5, 600, false)
        break
      case '--seed':
        seed = number(flag, value(), 0, 2 ** 32 - 1)
        break
      case '--clients':
        clients = number(flag, value(), 1, 500)
        break
      case '--readers':
        readers = number(flag, value(), 0, 500)
        break
      case '--attach': {
        const file = value()
        if (!file) throw new ChaosUsageError('--attach needs a ready file')
        attach = file
        break
      }
      default:
        throw new ChaosUsageError(`unknown option "${arg}"`)
    }
  }
  if (smoke && minutes !== undefined) throw new ChaosUsageError('--smoke runs one fault of each kind: it takes no --minutes')
  return {
    help: false,
    options: {
      minutes: minutes ?? (smoke ? 0 : CHAOS_DEFAULTS.minutes),
      smoke,
      seed: seed ?? randomSeed(),
      clients: clients ?? (smoke ? CHAOS_SMOKE_DEFAULTS.clients : CHAOS_DEFAULTS.clients),
      readers: readers ?? (smoke ? CHAOS_SMOKE_DEFAULTS.readers : CHAOS_DEFAULTS.readers),
      attach,
      argv: [...argv],
    },
  }
}
