import {
  DEFAULTS,
  SMOKE_DEFAULTS,
  STEADY_DEFAULTS,
  STEADY_VARIANTS,
  UsageError,
  VARIANT_NAMES,
  WRITES_DEFAULTS,
  parseBenchArgs,
  type BenchOptions,
} from '../../bench/lib/args'

function options(argv: string[]): BenchOptions {
  const command = parseBenchArgs(argv)
  if (command.help) throw new Error('unexpected help')
  return command.options
}

describe('bench arguments', () => {
  it('defaults to the steady state: 5 minutes per variant from cold, 30-s windows, the first minute out of the headline, 2% writes', () => {
    const o = options([])
    expect(o).toMatchObject({
      mode: 'steady',
      durationS: 300,
      warmupS: 0,
      runs: 1,
      windowS: 30,
      headlineFromS: 60,
      writeShare: 0.02,
      prime: false,
      concurrency: 32,
    })
    expect(o.variants).toEqual(STEADY_VARIANTS)
    expect(STEADY_VARIANTS).toEqual(['full', 'cached', 'hive-gateway', 'apollo-defaults'])
    expect(options(['--steady'])).toEqual({ ...o, argv: ['--steady'] })
  })

  it('--writes: our full stack, the idle series, the loaded minute and the ramp', () => {
    expect(options(['--writes'])).toMatchObject({
      mode: 'writes',
      variants: ['full'],
      durationS: WRITES_DEFAULTS.durationS,
      writesPerKind: WRITES_DEFAULTS.writesPerKind,
      rampRates: WRITES_DEFAULTS.rampRates,
      rampStepS: WRITES_DEFAULTS.rampStepS,
      prime: false,
    })
    expect(options(['--writes', '--ramp', '5,10.5', '--ramp-step=2', '--writes-per-kind', '3'])).toMatchObject({
      rampRates: [5, 10.5],
      rampStepS: 2,
      writesPerKind: 3,
    })
    expect(options(['--steady', '--window', '10', '--headline-from', '20', '--write-share', '0.05'])).toMatchObject({
      windowS: 10,
      headlineFromS: 20,
      writeShare: 0.05,
    })
    expect(STEADY_DEFAULTS.durationS).toBeGreaterThanOrEqual(300)
  })

  it('--ceiling: every variant, 3 interleaved runs of 30 s after 10 s of warm-up, 32 loops, 1 gateway process, primed', () => {
    const o = options(['--ceiling'])
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
      '--ceiling',
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
    expect(options(['--smoke', '--ceiling'])).toMatchObject({ smoke: true, ...SMOKE_DEFAULTS })
    expect(options(['--smoke', '--ceiling', '--duration', '2'])).toMatchObject({ smoke: true, durationS: 2, runs: 1 })
    expect(options(['--smoke'])).toMatchObject({ smoke: true, mode: 'steady', runs: 1, concurrency: 8 })
    expect(options(['--smoke']).durationS).toBeLessThan(60)
  })

  it('modes and their default variants', () => {
    expect(options(['--users-only']).mode).toBe('users-only')
    expect(options(['--mix'])).toMatchObject({ mode: 'mix', variants: ['full', 'cached'] })
    expect(options(['--ceiling', '--profile'])).toMatchObject({ mode: 'pages', profile: true, variants: ['full', 'dataloader'] })
    expect(options(['--profile'])).toMatchObject({ mode: 'steady', profile: true, variants: ['full', 'cached'] })
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
    [['--steady', '--ceiling']],
    [['--writes', '--mix']],
    [['--steady', '--variants', 'naive']],
    [['--writes', '--variants', 'hive-gateway']],
    [['--ceiling', '--window', '10']],
    [['--ceiling', '--write-share', '0.1']],
    [['--steady', '--ramp', '10']],
    [['--writes', '--ramp', '10,zero']],
    [['--write-share', '2']],
    [['--no-prime']],
    [['--attack', '--attackers', '0']],
  ])('refuses %j', (argv) => {
    expect(() => parseBenchArgs(argv)).toThrow(UsageError)
  })

  it('keeps the flags as given for the report', () => {
    expect(options(['--ceiling', '--runs', '1']).argv).toEqual(['--ceiling', '--runs', '1'])
    expect(DEFAULTS.runs).toBe(3)
  })
})
