import { hostname } from 'node:os'
import type { IncomingHttpHeaders } from 'node:http'
import {
  context,
  isSpanContextValid,
  propagation,
  SpanKind,
  SpanStatusCode,
  trace,
  TraceFlags,
  type Attributes,
  type Context,
  type Span,
  type TimeInput,
} from '@opentelemetry/api'
import type { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http'
import { Resource } from '@opentelemetry/resources'
import { BatchSpanProcessor, type SpanExporter, type SpanProcessor } from '@opentelemetry/sdk-trace-base'
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node'
import { TraceBuffer } from './trace-buffer'
import { TraceFileExporter } from './trace-file-exporter'
import { EdgeSampler } from './trace-sampler'
import { readTracingConfig, type TracingConfig } from './tracing-config'

export { KEEP_TRACE_ATTRIBUTE } from './trace-buffer'

export interface Tracing {
  readonly enabled: boolean
  readonly config: TracingConfig
  /** every span ends here (Temporal's workflow spans too: they reach it through a sink) */
  readonly processor: SpanProcessor | null
  readonly resource: Resource | null
  forceFlush(): Promise<void>
  shutdown(): Promise<void>
}

export interface StartTracingOptions {
  /** the process clients talk to (the gateway): it decides which traces are kept */
  readonly edge?: boolean
}

let started: Tracing | undefined

/**
 * The process's tracer provider, once (the first caller names the service): W3C trace context in
 * and out, AsyncLocalStorage for the active span, spans batched to the configured exporter.
 */
export function startTracing(service: string, options: StartTracingOptions = {}, config: TracingConfig = readTracingConfig()): Tracing {
  if (started) return started
  if (config.exporter === 'none') {
    started = { enabled: false, config, processor: null, resource: null, forceFlush: async () => {}, shutdown: async () => {} }
    return started
  }
  const resource = Resource.default().merge(
    new Resource({ 'service.name': service, 'service.instance.id': `${hostname()}-${process.pid}` }),
  )
  const exporter: SpanExporter =
    config.exporter === 'otlp' ? otlpExporter() : new TraceFileExporter(config.dir as string, service, config.fileMaxBytes)
  // batching (OTEL_BSP_* variables) keeps export off the request path; the queue is bounded
  const batch = new BatchSpanProcessor(exporter)
  const processor = options.edge ? new TraceBuffer(batch) : batch
  const provider = new NodeTracerProvider({
    resource,
    sampler: new EdgeSampler({ ratio: config.ratio, recordUnsampledRoots: options.edge === true }),
    spanProcessors: [processor],
  })
  provider.register()
  started = {
    enabled: true,
    config,
    processor,
    resource,
    forceFlush: () => provider.forceFlush(),
    shutdown: () => provider.shutdown(),
  }
  return started
}

/** Loaded only when a collector is configured: the HTTP exporter is megabytes of code a file export does not need. */
function otlpExporter(): SpanExporter {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const otlp = require('@opentelemetry/exporter-trace-otlp-http') as { OTLPTraceExporter: typeof OTLPTraceExporter }
  return new otlp.OTLPTraceExporter()
}

export const tracer = trace.getTracer('marketplace')

/** The active trace's id (also of an unsampled one: it still names the request), or null. */
export function currentTraceId(ctx: Context = context.active()): string | null {
  const spanContext = trace.getSpanContext(ctx)
  return spanContext && isSpanContextValid(spanContext) ? spanContext.traceId : null
}

/** The caller's trace context from its request headers (`traceparent`, `tracestate`). */
export function extractTraceContext(headers: IncomingHttpHeaders): Context {
  return propagation.extract(context.active(), headers)
}

/**
 * Writes the active trace context into outgoing headers; `keep` flags it sampled, so that every
 * process behind records a trace the edge decided to keep (a mutation).
 */
export function injectTraceContext(set: (name: string, value: string) => void, keep = false): void {
  let ctx = context.active()
  const spanContext = trace.getSpanContext(ctx)
  if (keep && spanContext && isSpanContextValid(spanContext) && !(spanContext.traceFlags & TraceFlags.SAMPLED))
    ctx = trace.setSpanContext(ctx, { ...spanContext, traceFlags: spanContext.traceFlags | TraceFlags.SAMPLED })
  propagation.inject(ctx, undefined, { set: (_carrier, key, value) => set(key, value) })
}

export interface ServerSpanOptions {
  readonly name: string
  readonly attributes?: Attributes
  readonly startTime?: TimeInput
}

/** Runs `work` inside a SERVER span continuing the caller's trace; the span ends when it settles. */
export async function inServerSpan<T>(
  headers: IncomingHttpHeaders,
  options: ServerSpanOptions,
  work: (span: Span) => Promise<T>,
): Promise<T> {
  const span = tracer.startSpan(
    options.name,
    { kind: SpanKind.SERVER, attributes: options.attributes, startTime: options.startTime },
    extractTraceContext(headers),
  )
  try {
    return await context.with(trace.setSpan(context.active(), span), () => work(span))
  } catch (err) {
    failSpan(span, err)
    throw err
  } finally {
    span.end()
  }
}

/** Runs `work` in a child span of the active one (INTERNAL), ended when it settles. */
export async function inSpan<T>(name: string, attributes: Attributes, work: (span: Span) => Promise<T>): Promise<T> {
  return tracer.startActiveSpan(name, { attributes }, async (span) => {
    try {
      return await work(span)
    } catch (err) {
      failSpan(span, err)
      throw err
    } finally {
      span.end()
    }
  })
}

export function failSpan(span: Span, err: unknown): void {
  span.setStatus({ code: SpanStatusCode.ERROR, message: err instanceof Error ? err.message : String(err) })
  if (err instanceof Error) span.recordException(err)
}
