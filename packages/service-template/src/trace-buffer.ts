import { trace, TraceFlags, SpanStatusCode, type Context } from '@opentelemetry/api'
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace-base'

/** The attribute that keeps a trace the ratio left out: set on its root (a mutation, say). */
export const KEEP_TRACE_ATTRIBUTE = 'marketplace.trace.keep'

export interface TraceBufferOptions {
  /** traces held at once; past it a new unsampled trace is not held (and cannot be kept) */
  readonly maxTraces?: number
  /** spans held per trace; past it the rest of that trace's spans are dropped */
  readonly maxSpansPerTrace?: number
  /** spans held in all (~1 KB each): the bound on the buffer's memory whatever the traffic */
  readonly maxSpans?: number
}

interface Held {
  readonly rootSpanId: string
  readonly spans: ReadableSpan[]
}

/**
 * Holds the spans of traces recorded but not sampled (the edge's roots: EdgeSampler) until their
 * local root ends, then passes them on if the root failed or was marked to keep, else forgets
 * them. Sampled spans go straight through. Memory is bounded by the spans held in all (20,000).
 */
export class TraceBuffer implements SpanProcessor {
  private readonly held = new Map<string, Held>()
  private readonly maxTraces: number
  private readonly maxSpansPerTrace: number
  private readonly maxSpans: number
  private spansHeld = 0

  constructor(
    private readonly next: SpanProcessor,
    options: TraceBufferOptions = {},
  ) {
    this.maxTraces = options.maxTraces ?? 5_000
    this.maxSpansPerTrace = options.maxSpansPerTrace ?? 128
    this.maxSpans = options.maxSpans ?? 20_000
  }

  onStart(span: Span, parentContext: Context): void {
    const { traceId, spanId, traceFlags } = span.spanContext()
    if (traceFlags & TraceFlags.SAMPLED) {
      this.next.onStart(span, parentContext)
      return
    }
    const parent = trace.getSpanContext(parentContext)
    const localRoot = !parent || parent.isRemote
    if (localRoot && !this.held.has(traceId) && this.held.size < this.maxTraces) this.held.set(traceId, { rootSpanId: spanId, spans: [] })
  }

  onEnd(span: ReadableSpan): void {
    const { traceId, spanId, traceFlags } = span.spanContext()
    if (traceFlags & TraceFlags.SAMPLED) {
      this.next.onEnd(span)
      return
    }
    const held = this.held.get(traceId)
    if (!held) return
    // the root always: the request itself, its duration and its error (bounded by maxTraces)
    if (spanId === held.rootSpanId || (held.spans.length < this.maxSpansPerTrace && this.spansHeld < this.maxSpans)) {
      held.spans.push(span)
      this.spansHeld++
    }
    if (spanId !== held.rootSpanId) return
    this.held.delete(traceId)
    this.spansHeld -= held.spans.length
    if (span.status.code !== SpanStatusCode.ERROR && span.attributes[KEEP_TRACE_ATTRIBUTE] !== true) return
    for (const kept of held.spans) this.next.onEnd(asSampled(kept))
  }

  forceFlush(): Promise<void> {
    return this.next.forceFlush()
  }

  shutdown(): Promise<void> {
    this.held.clear()
    this.spansHeld = 0
    return this.next.shutdown()
  }
}

/** The same span, flagged sampled: exporters skip spans that are not. */
function asSampled(span: ReadableSpan): ReadableSpan {
  const context = { ...span.spanContext(), traceFlags: span.spanContext().traceFlags | TraceFlags.SAMPLED }
  return Object.create(span, { spanContext: { value: () => context } }) as ReadableSpan
}
