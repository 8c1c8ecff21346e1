import type { LogLevel } from './config'

const RANK: Readonly<Record<LogLevel, number>> = { debug: 10, info: 20, warn: 30, error: 40, silent: 99 }

export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void
  info(message: string, fields?: Record<string, unknown>): void
  warn(message: string, fields?: Record<string, unknown>): void
  error(message: string, fields?: Record<string, unknown>): void
  child(fields: Record<string, unknown>): Logger
}

function serialise(value: unknown): unknown {
  if (value instanceof Error) return { name: value.name, message: value.message, stack: value.stack }
  return value
}

/** One JSON object per line on stdout: what log collectors expect. */
export function createLogger(service: string, level: LogLevel = 'info', bound: Record<string, unknown> = {}): Logger {
  const threshold = RANK[level]
  const write = (lvl: Exclude<LogLevel, 'silent'>, message: string, fields?: Record<string, unknown>): void => {
    if (RANK[lvl] < threshold) return
    const entry: Record<string, unknown> = { time: new Date().toISOString(), level: lvl, service, message, ...bound }
    if (fields) for (const [k, v] of Object.entries(fields)) entry[k] = serialise(v)
    process.stdout.write(JSON.stringify(entry) + '\n')
  }
  return {
    debug: (m, f) => write('debug', m, f),
    info: (m, f) => write('info', m, f),
    warn: (m, f) => write('warn', m, f),
    error: (m, f) => write('error', m, f),
    child: (fields) => createLogger(service, level, { ...bound, ...fields }),
  }
}
