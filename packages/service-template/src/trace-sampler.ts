import { isSpanContextValid, trace, TraceFlags, type Attributes, type Context, type SpanKind } from '@opentelemetry/api'
import { SamplingDecision, TraceIdRatioBasedSampler, type Sampler, type SamplingResult } from '@opentelemetry/sdk-trace-base'

export interface EdgeSamplerOptions {
  /** share of new traces sampled at their root (by trace id: every process agrees) */
  readonly ratio: number
  /**
   * the edge (the gateway): a root the ratio leaves out is still recorded, in memory only, so that
   * a request that fails or turns out to be a mutation can be kept (trace-buffer.ts)
   */
  readonly recordUnsampledRoots: boolean
}

const SAMPLED: SamplingResult = { decision: SamplingDecision.RECORD_AND_SAMPLED }
const RECORDED: SamplingResult = { decision: SamplingDecision.RECORD }
const DROPPED: SamplingResult = { decision: SamplingDecision.NOT_RECORD }

/**
 * Head sampling at a ratio, parent-based. A caller's `traceparent` flagged sampled is followed;
 * at the edge a caller's unsampled flag is not a decision (mutations and errors are always kept).
 * Behind the edge an unsampled parent is final: the gateway flags what it wants kept.
 */
export class EdgeSampler implements Sampler {
  private readonly ratio: TraceIdRatioBasedSampler

  constructor(private readonly options: EdgeSamplerOptions) {
    this.ratio = new TraceIdRatioBasedSampler(options.ratio)
  }

  shouldSample(ctx: Context, traceId: string, _name: string, _kind: SpanKind, _attributes: Attributes): SamplingResult {
    const parent = trace.getSpanContext(ctx)
    if (parent && isSpanContextValid(parent)) {
      if (parent.traceFlags & TraceFlags.SAMPLED) return SAMPLED
      if (!parent.isRemote) return trace.getSpan(ctx)?.isRecording() ? RECORDED : DROPPED
      if (!this.options.recordUnsampledRoots) return DROPPED
    }
    if (this.ratio.shouldSample(ctx, traceId).decision === SamplingDecision.RECORD_AND_SAMPLED) return SAMPLED
    return this.options.recordUnsampledRoots ? RECORDED : DROPPED
  }

  toString(): string {
    return `EdgeSampler{ratio=${this.options.ratio}, recordUnsampledRoots=${this.options.recordUnsampledRoots}}`
  }
}
