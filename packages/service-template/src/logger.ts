// Structured logs with pino: one JSON object per line on stdout (what log collectors read), readable with LOG_FORMAT=pretty.
import { isSpanContextValid, trace } from '@opentelemetry/api'
import { pino, type DestinationStream, type Logger as Pino } from 'pino'
import type PinoPretty from 'pino-pretty'
import { readLogFormat, type LogLevel } from './config'

export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void
  info(message: string, fields?: Record<string, unknown>): void
  warn(message: string, fields?: Record<string, unknown>): void
  error(message: string, fields?: Record<string, unknown>): void
  child(fields: Record<string, unknown>): Logger
}

type Fields = Record<string, unknown>
type Method = Exclude<LogLevel, 'silent'>

// pino's own numbers: the threshold is checked before anything is built
const RANK: Readonly<Record<LogLevel, number>> = { debug: 20, info: 30, warn: 40, error: 50, silent: Infinity }
const NO_IDS: Fields = Object.freeze({})
const noop = (): void => {}

/** An Error field becomes {name, message, stack} (JSON.stringify would write {}); the fields are copied only then. */
function serialiseErrors(fields: Fields): Fields {
  let copy: Fields | undefined
  for (const key in fields) {
    const value = fields[key]
    if (value instanceof Error) (copy ??= { ...fields })[key] = { name: value.name, message: value.message, stack: value.stack }
  }
  return copy ?? fields
}

/** The active OpenTelemetry span's ids, which join a line to its trace. */
function traceIds(): Fields {
  const span = trace.getActiveSpan()
  if (span === undefined) return NO_IDS
  const ids = span.spanContext()
  return isSpanContextValid(ids) ? { trace_id: ids.traceId, span_id: ids.spanId } : NO_IDS
}

function rootLogger(destination: DestinationStream, service: string, level: LogLevel): Pino {
  return pino(
    {
      level,
      messageKey: 'message',
      base: { service }, // no pid/hostname: `service` names the process, as before
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }), log: serialiseErrors },
      serializers: { err: (value: unknown) => value }, // errors are already serialised, under any key
      mixin: traceIds,
      // no span (nearly always): the fields as they are, not a copy
      mixinMergeStrategy: (fields: object, ids: object) => (ids === NO_IDS ? fields : { ...ids, ...fields }),
    },
    destination,
  )
}

/** Our interface over a pino logger made on first use: a child nobody logs through costs a few closures. */
function wrap(get: () => Pino, threshold: number): Logger {
  const method = (name: Method): Logger[Method] => {
    if (RANK[name] < threshold) return noop
    return (message, fields) => (fields === undefined ? get()[name](message) : get()[name](fields, message))
  }
  return {
    debug: method('debug'),
    info: method('info'),
    warn: method('warn'),
    error: method('error'),
    child: (fields) => {
      let made: Pino | undefined
      return wrap(() => (made ??= get().child(serialiseErrors(fields))), threshold)
    },
  }
}

function fromRoot(root: () => Pino, level: LogLevel, bound: Fields): Logger {
  const log = wrap(root, RANK[level])
  return Object.keys(bound).length === 0 ? log : log.child(bound)
}

/**
 * Where the lines go: `output` (stdout: what console.log writes to, so the two stay in order) as
 * JSON, or through pino-pretty, synchronously, when it is installed (a devDependency).
 */
export function logDestination(format: 'json' | 'pretty', output: NodeJS.WritableStream = process.stdout): DestinationStream {
  if (format === 'pretty') {
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded only here: absent from a production install
      const pretty = require('pino-pretty') as typeof PinoPretty
      // a stream in this process, not a transport's worker thread: lines stay in order, none lost at exit
      return pretty({
        sync: true,
        destination: output,
        messageKey: 'message',
        translateTime: 'SYS:HH:MM:ss.l',
        ignore: 'service',
        messageFormat: '{service}: {message}',
        singleLine: true,
      })
    } catch {
      // no pino-pretty: JSON it is
    }
  }
  return output as DestinationStream
}

/** A logger writing to `destination` (a test's capture, a file): its own pino root. */
export function createLoggerTo(destination: DestinationStream, service: string, level: LogLevel = 'info', bound: Fields = {}): Logger {
  const root = rootLogger(destination, service, level)
  return fromRoot(() => root, level, bound)
}

let stdout: DestinationStream | undefined
const roots = new Map<string, Pino>()

/** One JSON object per line on stdout (LOG_FORMAT=pretty: readable); one pino root per service and level. */
export function createLogger(service: string, level: LogLevel = 'info', bound: Fields = {}): Logger {
  const key = `${level} ${service}`
  let root = roots.get(key)
  if (root === undefined) {
    stdout ??= logDestination(readLogFormat(process.env))
    roots.set(key, (root = rootLogger(stdout, service, level)))
  }
  const made = root
  return fromRoot(() => made, level, bound)
}
