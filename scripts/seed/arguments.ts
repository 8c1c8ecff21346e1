// The seed command line: `--users N` or `--users=N` for each option, and `--help`.
import { DEFAULT_SEED_OPTIONS, SEED_OPTION_NAMES, SeedOptionsError, type SeedOptions } from './options'

export type SeedCommand = { readonly help: true } | { readonly help: false; readonly options: Partial<SeedOptions> }

type OptionName = (typeof SEED_OPTION_NAMES)[number]

export const SEED_USAGE = [
  'Usage: npm run seed -- [--users N] [--merchants N] [--products N] [--reviews N] [--comments N] [--seed N]',
  '',
  'Replaces the contents of the five service databases with generated, deterministic data.',
  'The same options always produce the same rows. Databases come from <SERVICE>_DATABASE_URL',
  '(default: the embedded Postgres on EMBEDDED_PG_PORT, 54320).',
  '',
  'Options (defaults in brackets):',
  ...SEED_OPTION_NAMES.map(
    (name) => `  --${name.padEnd(10)} ${name === 'seed' ? 'PRNG seed' : `number of ${name}`} [${DEFAULT_SEED_OPTIONS[name]}]`,
  ),
  '  --help       print this help',
  '',
  'Seed accounts (password = username): admin, moderator, alice, bob, mallory.',
  'Every generated user has the password "marketplace-dev".',
].join('\n')

function isOptionName(name: string): name is OptionName {
  return (SEED_OPTION_NAMES as readonly string[]).includes(name)
}

/** Parses `process.argv.slice(2)`; throws SeedOptionsError on anything it does not understand. */
export function parseSeedArguments(argv: readonly string[]): SeedCommand {
  const options: Partial<Record<OptionName, number>> = {}
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string
    if (arg === '--help' || arg === '-h') return { help: true }
    const match = /^--([a-z]+)(?:=(.*))?$/.exec(arg)
    if (!match) throw new SeedOptionsError(`unexpected argument "${arg}" (see --help)`)
    const name = match[1] as string
    if (!isOptionName(name)) throw new SeedOptionsError(`unknown option --${name} (see --help)`)
    let raw = match[2]
    if (raw === undefined) {
      raw = argv[i + 1]
      if (raw === undefined) throw new SeedOptionsError(`--${name} needs a value`)
      i++
    }
    if (!/^\d+$/.test(raw)) throw new SeedOptionsError(`--${name} must be a non-negative integer, got "${raw}"`)
    options[name] = Number(raw)
  }
  return { help: false, options }
}
