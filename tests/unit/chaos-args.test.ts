import { CHAOS_DEFAULTS, CHAOS_SMOKE_DEFAULTS, ChaosUsageError, parseChaosArgs } from '../../bench/lib/chaos/args'

const parse = (argv: string[]) => {
  const command = parseChaosArgs(argv, () => 7)
  if (command.help) throw new Error('unexpected --help')
  return command.options
}

describe('npm run chaos: the command line', () => {
  it('defaults: 5 minutes, a random seed (given), the default load', () => {
    expect(parse([])).toMatchObject({
      minutes: CHAOS_DEFAULTS.minutes,
      smoke: false,
      seed: 7,
      clients: CHAOS_DEFAULTS.clients,
      readers: CHAOS_DEFAULTS.readers,
      attach: null,
    })
  })

  it('--minutes, --seed, --clients, --readers, with a space or an =', () => {
    expect(parse(['--minutes', '3', '--seed=42', '--clients', '4', '--readers=0'])).toMatchObject({
      minutes: 3,
      seed: 42,
      clients: 4,
      readers: 0,
    })
    expect(parse(['--minutes', '0.5']).minutes).toBe(0.5)
  })

  it('--smoke: a small load and no duration of its own', () => {
    expect(parse(['--smoke'])).toMatchObject({
      smoke: true,
      minutes: 0,
      clients: CHAOS_SMOKE_DEFAULTS.clients,
      readers: CHAOS_SMOKE_DEFAULTS.readers,
    })
    expect(() => parse(['--smoke', '--minutes', '2'])).toThrow(ChaosUsageError)
  })

  it('refuses unknown options and bad numbers', () => {
    expect(() => parse(['--minute', '3'])).toThrow(/unknown option/)
    expect(() => parse(['--minutes'])).toThrow(ChaosUsageError)
    expect(() => parse(['--minutes', 'ten'])).toThrow(ChaosUsageError)
    expect(() => parse(['--clients', '0'])).toThrow(ChaosUsageError)
    expect(() => parse(['--seed', '1.5'])).toThrow(ChaosUsageError)
    expect(() => parse(['--attach'])).toThrow(ChaosUsageError)
  })

  it('--help', () => {
    expect(parseChaosArgs(['--help'])).toEqual({ help: true })
  })
})
