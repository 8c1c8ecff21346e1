import { ConfigError, type Env } from './config'

/** Where a process's spans go: an OTLP collector, OTLP JSON files, or nowhere. */
export type TracesExporter = 'otlp' | 'file' | 'none'

export interface TracingConfig {
  readonly exporter: TracesExporter
  /** the folder of the OTLP JSON files (exporter `file`) */
  readonly dir: string | null
  /** share of traces sampled at their root; mutations and failed requests are always kept */
  readonly ratio: number
  /** a trace file past this size is rotated (one older file is kept) */
  readonly fileMaxBytes: number
}

export const DEFAULT_SAMPLE_RATIO = 0.1
const DEFAULT_FILE_MAX_BYTES = 64 * 1024 * 1024

/**
 * The standard OpenTelemetry variables first: OTEL_SDK_DISABLED, OTEL_TRACES_EXPORTER
 * (otlp | none, and `file` of ours), OTEL_EXPORTER_OTLP_[TRACES_]ENDPOINT, OTEL_TRACES_SAMPLER_ARG.
 * Without an endpoint, TRACES_DIR (the embedded stack sets it) selects the file exporter;
 * with neither, tracing is off and costs nothing.
 */
export function readTracingConfig(env: Env = process.env): TracingConfig {
  const ratio = readRatio(env)
  const dir = env.TRACES_DIR?.trim() || null
  const fileMaxBytes = readBytes(env)
  if (env.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true') return { exporter: 'none', dir, ratio, fileMaxBytes }
  const chosen = env.OTEL_TRACES_EXPORTER?.trim().toLowerCase()
  const endpoint = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?.trim() || env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim()
  let exporter: TracesExporter
  if (chosen === undefined || chosen === '') exporter = endpoint ? 'otlp' : dir ? 'file' : 'none'
  else if (chosen === 'otlp' || chosen === 'file' || chosen === 'none') exporter = chosen
  else throw new ConfigError(`OTEL_TRACES_EXPORTER must be one of otlp, file, none, got "${chosen}"`)
  if (exporter === 'file' && !dir) throw new ConfigError('OTEL_TRACES_EXPORTER=file needs TRACES_DIR (the folder for the trace files)')
  return { exporter, dir, ratio, fileMaxBytes }
}

function readRatio(env: Env): number {
  const raw = env.OTEL_TRACES_SAMPLER_ARG?.trim()
  if (raw === undefined || raw === '') return DEFAULT_SAMPLE_RATIO
  const value = Number(raw)
  if (!Number.isFinite(value) || value < 0 || value > 1)
    throw new ConfigError(`OTEL_TRACES_SAMPLER_ARG must be a ratio between 0 and 1, got "${raw}"`)
  return value
}

function readBytes(env: Env): number {
  const raw = env.TRACE_FILE_MAX_BYTES?.trim()
  if (raw === undefined || raw === '') return DEFAULT_FILE_MAX_BYTES
  const value = Number(raw)
  if (!Number.isSafeInteger(value) || value < 1024)
    throw new ConfigError(`TRACE_FILE_MAX_BYTES must be a whole number ≥ 1024, got "${raw}"`)
  return value
}
