import { Writable } from 'node:stream'
import { context, trace, INVALID_SPAN_CONTEXT } from '@opentelemetry/api'
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks'
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base'
import { ConfigError, readLogFormat, readTemporalLogLevel } from '../../packages/service-template/src/config'
import { createLogger, createLoggerTo, logDestination } from '../../packages/service-template/src/logger'
import { installTemporalRuntime, temporalLogger } from '../../packages/service-template/src/temporal-logs'

// the real Runtime starts Temporal's native core: never in a unit test
const install = jest.fn()
jest.mock('@temporalio/worker', () => ({ Runtime: { install: (...args: unknown[]) => install(...args) } }))

type Line = Record<string, unknown>

/** A destination that keeps each line, parsed. */
function capture(): { write(line: string): void; lines: Line[] } {
  const lines: Line[] = []
  return { lines, write: (line) => void lines.push(JSON.parse(line) as Line) }
}

describe('createLogger', () => {
  it('writes one JSON line: service, level label, ISO time, message, bound fields and fields', () => {
    const out = capture()
    createLoggerTo(out, 'users', 'info', { instance: 'a' }).info('user created', { userId: 'u1', count: 2 })
    expect(out.lines).toHaveLength(1)
    const [line] = out.lines
    expect(line).toEqual({
      service: 'users',
      level: 'info',
      time: expect.any(String),
      message: 'user created',
      instance: 'a',
      userId: 'u1',
      count: 2,
    })
    expect(new Date(line!.time as string).toISOString()).toBe(line!.time)
  })

  it('serialises an Error field as name, message and stack, in fields and in bound fields', () => {
    const out = capture()
    const error = new TypeError('boom')
    createLoggerTo(out, 'users', 'info')
      .child({ cause: new RangeError('bound') })
      .error('failed', { error })
    expect(out.lines[0]).toMatchObject({
      level: 'error',
      error: { name: 'TypeError', message: 'boom', stack: error.stack },
      cause: { name: 'RangeError', message: 'bound', stack: expect.stringContaining('RangeError: bound') },
    })
  })

  it('keeps the key "err" as given (no second serialiser) and messages as written (no printf)', () => {
    const out = capture()
    const log = createLoggerTo(out, 'users', 'info')
    log.warn('100% %s done', { err: new Error('e') })
    log.info('50% %d %j')
    expect(out.lines[0]).toMatchObject({ message: '100% %s done', err: { name: 'Error', message: 'e' } })
    expect(out.lines[1]).toMatchObject({ message: '50% %d %j' })
    expect(out.lines[0]!.err).not.toHaveProperty('type')
  })

  it('drops the levels below its threshold; silent drops everything', () => {
    const out = capture()
    const log = createLoggerTo(out, 'users', 'warn')
    log.debug('d')
    log.info('i')
    log.warn('w')
    log.error('e')
    const silent = createLoggerTo(out, 'users', 'silent')
    silent.error('never')
    silent.child({ a: 1 }).error('never')
    expect(out.lines.map((l) => [l.level, l.message])).toEqual([
      ['warn', 'w'],
      ['error', 'e'],
    ])
    const verbose = capture()
    createLoggerTo(verbose, 'users', 'debug').debug('d')
    expect(verbose.lines).toEqual([expect.objectContaining({ level: 'debug', message: 'd' })])
  })

  it('child: adds bound fields, the child wins over its parent, the parent is unchanged', () => {
    const out = capture()
    const root = createLoggerTo(out, 'gateway', 'info', { a: 1 })
    const child = root.child({ requestId: 'r1', a: 2 })
    child.child({ operation: 'Q' }).info('grandchild')
    root.info('root')
    expect(out.lines[0]).toMatchObject({ service: 'gateway', a: 2, requestId: 'r1', operation: 'Q', message: 'grandchild' })
    expect(out.lines[1]).toEqual(expect.objectContaining({ a: 1, message: 'root' }))
    expect(out.lines[1]).not.toHaveProperty('requestId')
  })

  it('a logger is a plain object: spreading it keeps its methods (tests override one that way)', () => {
    const out = capture()
    const warn = jest.fn()
    const log = { ...createLoggerTo(out, 'users', 'info'), warn }
    log.warn('w')
    log.info('i')
    expect(warn).toHaveBeenCalledWith('w')
    expect(out.lines.map((l) => l.message)).toEqual(['i'])
  })

  it('writes JSON to stdout by default (NODE_ENV=test, no LOG_FORMAT)', () => {
    const saved = process.env.LOG_FORMAT
    delete process.env.LOG_FORMAT
    const written: string[] = []
    const write = jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => written.push(String(chunk)) > 0)
    try {
      createLogger('reviews').info('to stdout', { n: 1 })
      createLogger('reviews', 'warn').info('dropped')
    } finally {
      write.mockRestore()
      if (saved !== undefined) process.env.LOG_FORMAT = saved
    }
    expect(written).toHaveLength(1)
    expect(JSON.parse(written[0]!)).toMatchObject({ service: 'reviews', level: 'info', message: 'to stdout', n: 1 })
  })
})

describe('trace ids', () => {
  const manager = new AsyncLocalStorageContextManager()
  const tracer = new BasicTracerProvider().getTracer('logger-test')
  beforeAll(() => context.setGlobalContextManager(manager.enable()))
  afterAll(() => context.disable())

  it('adds trace_id and span_id of the active span, and only inside it', () => {
    const out = capture()
    const log = createLoggerTo(out, 'users', 'info').child({ requestId: 'r1' })
    log.info('before')
    const ids = tracer.startActiveSpan('request', (span) => {
      log.info('inside', { n: 1 })
      span.end()
      return span.spanContext()
    })
    log.info('after')
    expect(out.lines[1]).toMatchObject({ message: 'inside', trace_id: ids.traceId, span_id: ids.spanId, requestId: 'r1', n: 1 })
    for (const line of [out.lines[0], out.lines[2]]) {
      expect(line).not.toHaveProperty('trace_id')
      expect(line).not.toHaveProperty('span_id')
    }
  })

  it('adds nothing for a span whose context is not valid', () => {
    const out = capture()
    const log = createLoggerTo(out, 'users', 'info')
    context.with(trace.setSpan(context.active(), trace.wrapSpanContext(INVALID_SPAN_CONTEXT)), () => log.info('invalid'))
    expect(out.lines[0]).not.toHaveProperty('trace_id')
  })
})

describe('the pretty format', () => {
  it('writes a readable line, not JSON', () => {
    let text = ''
    const output = new Writable({ write: (chunk: Buffer, _enc, done) => ((text += chunk.toString()), done()) })
    createLoggerTo(logDestination('pretty', output), 'users', 'info').info('user created', { userId: 'u1' })
    expect(text).toMatch(/INFO/)
    expect(text).toContain('users')
    expect(text).toContain('user created')
    expect(text).toContain('u1')
    expect(() => JSON.parse(text)).toThrow()
  })
})

describe('without pino-pretty (a production install: it is a devDependency)', () => {
  it('pretty falls back to JSON', () => {
    jest.isolateModules(() => {
      jest.doMock('pino-pretty', () => {
        throw new Error("Cannot find module 'pino-pretty'")
      })
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- a fresh copy that sees the mock
      const fresh = require('../../packages/service-template/src/logger') as { logDestination: typeof logDestination }
      expect(fresh.logDestination('pretty', process.stdout)).toBe(process.stdout)
    })
    jest.dontMock('pino-pretty')
  })
})

describe('readLogFormat', () => {
  it('LOG_FORMAT wins; unset: pretty only for a development terminal', () => {
    expect(readLogFormat({ LOG_FORMAT: 'pretty' }, false)).toBe('pretty')
    expect(readLogFormat({ LOG_FORMAT: 'json', NODE_ENV: 'development' }, true)).toBe('json')
    expect(readLogFormat({ NODE_ENV: 'development' }, true)).toBe('pretty')
    expect(readLogFormat({ NODE_ENV: 'development' }, false)).toBe('json')
    expect(readLogFormat({ NODE_ENV: 'test' }, true)).toBe('json')
    expect(readLogFormat({}, true)).toBe('json')
    expect(() => readLogFormat({ LOG_FORMAT: 'xml' }, false)).toThrow(ConfigError)
  })
})

describe('Temporal logs', () => {
  it('TEMPORAL_LOG_LEVEL: WARN by default, any case accepted', () => {
    expect(readTemporalLogLevel({})).toBe('WARN')
    expect(readTemporalLogLevel({ TEMPORAL_LOG_LEVEL: 'debug' })).toBe('DEBUG')
    expect(() => readTemporalLogLevel({ TEMPORAL_LOG_LEVEL: 'loud' })).toThrow(ConfigError)
  })

  it('forwards at the threshold and above, as component temporal, with the metadata as fields', () => {
    const out = capture()
    const adapter = temporalLogger(createLoggerTo(out, 'workflow-worker', 'debug'), 'WARN')
    adapter.info('worker state changed', { sdkComponent: 'worker' })
    adapter.debug('d')
    adapter.trace('t')
    adapter.warn('activity failed', { sdkComponent: 'worker', taskQueue: 'q', [Symbol.for('log_timestamp')]: 1n })
    adapter.log('ERROR', 'core error', { sdkComponent: 'core', error: new Error('grpc') })
    expect(out.lines).toEqual([
      expect.objectContaining({ level: 'warn', component: 'temporal', sdkComponent: 'worker', taskQueue: 'q', message: 'activity failed' }),
      expect.objectContaining({
        level: 'error',
        component: 'temporal',
        error: expect.objectContaining({ name: 'Error', message: 'grpc' }),
      }),
    ])
  })

  it('TRACE goes to debug; our own level still applies', () => {
    const out = capture()
    const adapter = temporalLogger(createLoggerTo(out, 'users', 'debug'), 'TRACE')
    adapter.trace('t')
    adapter.log('DEBUG', 'd')
    adapter.error('e')
    temporalLogger(createLoggerTo(out, 'users', 'info'), 'TRACE').debug('below our level')
    expect(out.lines.map((l) => [l.level, l.message])).toEqual([
      ['debug', 't'],
      ['debug', 'd'],
      ['error', 'e'],
    ])
  })

  it('installs the Runtime once, with core logs forwarded at the level; a Runtime already there is no error', () => {
    const out = capture()
    install.mockImplementationOnce(() => {
      throw new Error('Runtime singleton has already been installed')
    })
    const log = createLoggerTo(out, 'users', 'info')
    expect(() => installTemporalRuntime(log, 'INFO')).not.toThrow()
    installTemporalRuntime(log, 'INFO')
    expect(install).toHaveBeenCalledTimes(1)
    const options = install.mock.calls[0]![0] as { logger: { warn(m: string): void }; telemetryOptions: unknown }
    expect(options.telemetryOptions).toEqual({ logging: { forward: {}, filter: { core: 'INFO', other: 'ERROR' } } })
    options.logger.warn('through ours')
    expect(out.lines).toEqual([expect.objectContaining({ component: 'temporal', message: 'through ours' })])
  })
})
