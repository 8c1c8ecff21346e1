import { DEFAULTS, SMOKE_DEFAULTS, UsageError, VARIANT_NAMES, parseBenchArgs, type BenchOptions } from '../../bench/lib/args'

function options(argv: string[]): BenchOptions {
  const command = parseBenchArgs(argv)
  if (command.help) throw new Error('unexpected help')
  return command.options
}

describe('bench arguments', () => {
  it('defaults: every variant, 3 interleaved runs of 30 s after 10 s of warm-up, 32 loops, 1 gateway process', () => {
    const o = options([])
    expect(o).toMatchObject({
      mode: 'pages',
      smoke: false,
      profile: false,
      durationS: 30,
      warmupS: 10,
      runs: 3,
      concurrency: 32,
      gatewayWorkers: 1,
      prime: true,
    })
    expect(o.variants).toEqual(VARIANT_NAMES)
  })

  it('reads every flag, as "--flag value" or "--flag=value"', () => {
    const o = options([
      '--duration',
      '12.5',
      '--warmup=0',
      '--runs',
      '2',
      '--concurrency=64',
      '--variants',
      'full,naive',
      '--gateway-workers',
      '4',
    ])
    expect(o).toMatchObject({ durationS: 12.5, warmupS: 0, runs: 2, concurrency: 64, gatewayWorkers: 4, variants: ['full', 'naive'] })
  })

  it('--smoke: 1 run of 5 s after 1 s, unless told otherwise', () => {
    expect(options(['--smoke'])).toMatchObject({ smoke: true, ...SMOKE_DEFAULTS })
    expect(options(['--smoke', '--duration', '2'])).toMatchObject({ smoke: true, durationS: 2, runs: 1 })
  })

  it('modes and their default variants', () => {
    expect(options(['--users-only']).mode).toBe('users-only')
    expect(options(['--mix'])).toMatchObject({ mode: 'mix', variants: ['full', 'cached'] })
    expect(options(['--profile'])).toMatchObject({ mode: 'pages', profile: true, variants: ['full', 'dataloader'] })
    expect(options(['--mix', '--variants', 'naive,dataloader,cached,full']).variants).toHaveLength(4)
    expect(options(['--users-only', '--profile'])).toMatchObject({ mode: 'users-only', profile: true })
    expect(options(['--attack'])).toMatchObject({
      mode: 'attack',
      variants: ['full'],
      attackers: DEFAULTS.attackers,
      attackPauseMs: DEFAULTS.attackPauseMs,
    })
    expect(options(['--attack', '--attackers', '8', '--attack-pause-ms=0', '--variants', 'full,cached'])).toMatchObject({
      attackers: 8,
      attackPauseMs: 0,
      variants: ['full', 'cached'],
    })
  })

  it('--help (and -h) asks for the usage', () => {
    expect(parseBenchArgs(['--help'])).toEqual({ help: true })
    expect(parseBenchArgs(['--runs', '2', '-h'])).toEqual({ help: true })
  })

  it.each([
    [['--bogus']],
    [['full']],
    [['--duration']],
    [['--duration', '--runs', '2']],
    [['--duration', 'ten']],
    [['--duration', '0']],
    [['--runs', '1.5']],
    [['--concurrency', '0']],
    [['--variants', 'full,fastest']],
    [['--variants', '']],
    [['--gateway-workers', '0']],
    [['--smoke=yes']],
    [['--users-only', '--mix']],
    [['--users-only', '--variants', 'full']],
    [['--mix', '--variants', 'full,hive-gateway']],
    [['--attack', '--mix']],
    [['--attack', '--users-only']],
    [['--attack', '--variants', 'apollo-defaults']],
    [['--attackers', '4']],
    [['--attack', '--attackers', '0']],
  ])('refuses %j', (argv) => {
    expect(() => parseBenchArgs(argv)).toThrow(UsageError)
  })

  it('keeps the flags as given for the report', () => {
    expect(options(['--runs', '1']).argv).toEqual(['--runs', '1'])
    expect(DEFAULTS.runs).toBe(3)
  })
})
