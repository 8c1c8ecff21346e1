// Temporal's own logs (the SDK's and the Rust core's) as lines of our logger, not a format of their own on stderr.
import { Runtime, type LogLevel, type LogMetadata, type Logger as TemporalLogger, type RuntimeOptions } from '@temporalio/worker'
import { readTemporalLogLevel } from './config'
import { temporalMetricsOptions } from './metrics-hooks'
import type { Logger } from './logger'

const RANK: Readonly<Record<LogLevel, number>> = { TRACE: 0, DEBUG: 1, INFO: 2, WARN: 3, ERROR: 4 }
// ours has no trace level
const OURS = { TRACE: 'debug', DEBUG: 'debug', INFO: 'info', WARN: 'warn', ERROR: 'error' } as const

/** Temporal's Logger over ours: `level` and above, with `component: 'temporal'` and Temporal's metadata as fields. */
export function temporalLogger(log: Logger, level: LogLevel = 'WARN'): TemporalLogger {
  const target = log.child({ component: 'temporal' })
  const threshold = RANK[level]
  const forward = (at: LogLevel, message: string, meta?: LogMetadata): void => {
    // symbol keys (Temporal's LogTimestamp) are not written
    if (RANK[at] >= threshold) target[OURS[at]](message, meta)
  }
  return {
    log: forward,
    trace: (message, meta) => forward('TRACE', message, meta),
    debug: (message, meta) => forward('DEBUG', message, meta),
    info: (message, meta) => forward('INFO', message, meta),
    warn: (message, meta) => forward('WARN', message, meta),
    error: (message, meta) => forward('ERROR', message, meta),
  }
}

let installed = false

/**
 * Installs Temporal's Runtime, once per process and before any connection: its logs, the core's
 * forwarded too, go to `log` from `level` (TEMPORAL_LOG_LEVEL, WARN) up. `options`: the rest
 * (e.g. telemetryOptions.metrics); the first caller's logger is the process's.
 */
export function installTemporalRuntime(
  log: Logger,
  level: LogLevel = readTemporalLogLevel(process.env),
  options: Omit<RuntimeOptions, 'logger'> = {},
): void {
  if (installed) return
  installed = true
  try {
    Runtime.install({
      ...options,
      logger: temporalLogger(log, level),
      // other crates (gRPC, HTTP): errors only, as Temporal's default filter has it
      telemetryOptions: {
        ...temporalMetricsOptions(),
        ...options.telemetryOptions,
        logging: { forward: {}, filter: { core: level, other: 'ERROR' } },
      },
    })
  } catch {
    // already installed by this process (tests that start several services in one process)
  }
}
