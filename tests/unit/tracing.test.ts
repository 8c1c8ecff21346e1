// The tracing machinery without a stack: which traces are kept, how they are written and read.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { context, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, TraceFlags, type Span } from '@opentelemetry/api'
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks'
import { Resource } from '@opentelemetry/resources'
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SamplingDecision,
  SimpleSpanProcessor,
  type ReadableSpan,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-base'
import { KEEP_TRACE_ATTRIBUTE, readTracingConfig } from '@marketplace/service-template'
import { TraceBuffer } from '../../packages/service-template/src/trace-buffer'
import { TraceFileExporter } from '../../packages/service-template/src/trace-file-exporter'
import { EdgeSampler } from '../../packages/service-template/src/trace-sampler'
import { readSpans, recentTraces, renderTrace } from '../../scripts/lib/traces'

const TRACE = '0af7651916cd43dd8448eb211c80319c'
const remoteParent = (flags: number) =>
  trace.setSpanContext(ROOT_CONTEXT, { traceId: TRACE, spanId: 'b7ad6b7169203331', traceFlags: flags, isRemote: true })

describe('EdgeSampler', () => {
  const edge = new EdgeSampler({ ratio: 0, recordUnsampledRoots: true })
  const inner = new EdgeSampler({ ratio: 0, recordUnsampledRoots: false })
  const decide = (sampler: EdgeSampler, ctx = ROOT_CONTEXT) => sampler.shouldSample(ctx, TRACE, 'x', SpanKind.SERVER, {}).decision

  it('follows a caller that asks for its trace (traceparent flagged sampled), at the edge and behind it', () => {
    expect(decide(edge, remoteParent(TraceFlags.SAMPLED))).toBe(SamplingDecision.RECORD_AND_SAMPLED)
    expect(decide(inner, remoteParent(TraceFlags.SAMPLED))).toBe(SamplingDecision.RECORD_AND_SAMPLED)
  })

  it('at the edge, records what the ratio leaves out (to keep it if it fails or is a mutation); behind it, drops it', () => {
    expect(decide(edge)).toBe(SamplingDecision.RECORD)
    expect(decide(edge, remoteParent(TraceFlags.NONE))).toBe(SamplingDecision.RECORD)
    expect(decide(inner)).toBe(SamplingDecision.NOT_RECORD)
    expect(decide(inner, remoteParent(TraceFlags.NONE))).toBe(SamplingDecision.NOT_RECORD)
  })

  it('samples the ratio by trace id: every process decides the same', () => {
    const all = new EdgeSampler({ ratio: 1, recordUnsampledRoots: false })
    expect(decide(all)).toBe(SamplingDecision.RECORD_AND_SAMPLED)
  })
})

describe('TraceBuffer at the edge', () => {
  let manager: AsyncLocalStorageContextManager
  let exported: InMemorySpanExporter
  let provider: BasicTracerProvider
  const processor = (): SpanProcessor => new SimpleSpanProcessor(exported)

  beforeEach(() => {
    manager = new AsyncLocalStorageContextManager().enable()
    context.setGlobalContextManager(manager)
    exported = new InMemorySpanExporter()
    provider = new BasicTracerProvider({
      sampler: new EdgeSampler({ ratio: 0, recordUnsampledRoots: true }),
      spanProcessors: [new TraceBuffer(processor(), { maxTraces: 2, maxSpansPerTrace: 3 })],
    })
  })
  afterEach(() => {
    context.disable()
    manager.disable()
  })

  /** A root with `children` child spans; `finish` decides the root's fate before it ends. */
  function request(children: number, finish: (root: Span) => void): void {
    const tracer = provider.getTracer('test')
    const root = tracer.startSpan('POST /graphql', { kind: SpanKind.SERVER })
    context.with(trace.setSpan(context.active(), root), () => {
      for (let i = 0; i < children; i++) tracer.startSpan(`child ${i}`).end()
    })
    finish(root)
    root.end()
  }

  const names = (): string[] => exported.getFinishedSpans().map((s: ReadableSpan) => s.name)

  it('forgets a request the ratio left out that succeeded', () => {
    request(2, () => undefined)
    expect(names()).toEqual([])
  })

  it('keeps a failed request whole, flagged sampled', () => {
    request(2, (root) => root.setStatus({ code: SpanStatusCode.ERROR }))
    expect(names()).toEqual(['child 0', 'child 1', 'POST /graphql'])
    expect(exported.getFinishedSpans().every((s) => s.spanContext().traceFlags & TraceFlags.SAMPLED)).toBe(true)
  })

  it('keeps a request marked to keep (a mutation)', () => {
    request(1, (root) => root.setAttribute(KEEP_TRACE_ATTRIBUTE, true))
    expect(names()).toEqual(['child 0', 'POST /graphql'])
  })

  it('holds at most maxSpansPerTrace spans of one trace, and its root', () => {
    request(5, (root) => root.setStatus({ code: SpanStatusCode.ERROR }))
    expect(names()).toEqual(['child 0', 'child 1', 'child 2', 'POST /graphql'])
  })

  it('holds at most maxSpans spans in all: a request past them is kept, its root and the spans that fitted', () => {
    provider = new BasicTracerProvider({
      sampler: new EdgeSampler({ ratio: 0, recordUnsampledRoots: true }),
      spanProcessors: [new TraceBuffer(processor(), { maxSpans: 2 })],
    })
    request(3, (root) => root.setStatus({ code: SpanStatusCode.ERROR }))
    expect(names()).toEqual(['child 0', 'child 1', 'POST /graphql'])
    // and the count goes down again once a trace is let go
    request(1, (root) => root.setStatus({ code: SpanStatusCode.ERROR }))
    expect(names()).toEqual(['child 0', 'child 1', 'POST /graphql', 'child 0', 'POST /graphql'])
  })

  it('holds at most maxTraces traces at once: a request beyond them cannot be kept', () => {
    const tracer = provider.getTracer('test')
    const open = [tracer.startSpan('a'), tracer.startSpan('b')]
    request(0, (root) => root.setStatus({ code: SpanStatusCode.ERROR }))
    expect(names()).toEqual([])
    for (const span of open) span.end()
  })
})

describe('trace files', () => {
  let dir: string
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'traces-'))))
  afterEach(() => rmSync(dir, { recursive: true, force: true }))

  async function writeTrace(exporter: TraceFileExporter): Promise<void> {
    const memory = new InMemorySpanExporter()
    const provider = new BasicTracerProvider({
      resource: new Resource({ 'service.name': 'gateway' }),
      spanProcessors: [new SimpleSpanProcessor(memory)],
    })
    const tracer = provider.getTracer('test')
    const root = tracer.startSpan('query CommentsPage', { kind: SpanKind.SERVER }, remoteParent(TraceFlags.SAMPLED))
    const fetch = tracer.startSpan('gateway.fetch', { attributes: { service: 'users' } }, trace.setSpan(ROOT_CONTEXT, root))
    const sql = tracer.startSpan(
      'pg.query:SELECT',
      { attributes: { 'db.statement': 'select * from "users" where id = any($1)' } },
      trace.setSpan(ROOT_CONTEXT, fetch),
    )
    sql.setStatus({ code: SpanStatusCode.ERROR, message: 'canceling statement due to statement timeout' })
    for (const span of [sql, fetch, root]) span.end()
    await new Promise<void>((resolve) => exporter.export(memory.getFinishedSpans(), () => resolve()))
    await exporter.forceFlush()
  }

  it('are OTLP JSON that `npm run trace` reads back as a tree with the SQL and the error', async () => {
    await writeTrace(new TraceFileExporter(dir, 'gateway', 1024 * 1024))
    const spans = readSpans(dir, TRACE)
    expect(spans.map((s) => `${s.name} [${s.service}]`).sort()).toEqual([
      'gateway.fetch [gateway]',
      'pg.query:SELECT [gateway]',
      'query CommentsPage [gateway]',
    ])
    const tree = renderTrace(spans).split('\n')
    expect(tree[0]).toBe(`trace ${TRACE}: 3 spans`)
    expect(tree[1]).toMatch(/ms {2}query CommentsPage \[gateway\]$/)
    expect(tree[2]).toMatch(/ms {4}gateway\.fetch \[gateway\] → users$/)
    expect(tree[3]).toMatch(/ms {6}pg\.query:SELECT \[gateway\] select \* from "users" where id = any\(\$1\) {2}ERROR: canceling statement/)
    expect(recentTraces(readSpans(dir), 5)).toHaveLength(0) // its root has a (remote) parent: not a root here
  })

  it('rotate past their size: the current file and one older', async () => {
    const exporter = new TraceFileExporter(dir, 'gateway', 1024)
    for (let i = 0; i < 4; i++) await writeTrace(exporter)
    expect(readdirSync(dir).sort()).toEqual([`gateway-${process.pid}.jsonl`, `gateway-${process.pid}.jsonl.1`])
  })
})

describe('readTracingConfig', () => {
  it('is off without an endpoint or a folder, and costs nothing', () => {
    expect(readTracingConfig({}).exporter).toBe('none')
  })
  it('exports OTLP when the standard endpoint variable is set, files when only TRACES_DIR is', () => {
    expect(readTracingConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', TRACES_DIR: '/tmp/t' }).exporter).toBe('otlp')
    expect(readTracingConfig({ TRACES_DIR: '/tmp/t' }).exporter).toBe('file')
    expect(readTracingConfig({ TRACES_DIR: '/tmp/t', OTEL_SDK_DISABLED: 'true' }).exporter).toBe('none')
    expect(readTracingConfig({ TRACES_DIR: '/tmp/t', OTEL_TRACES_EXPORTER: 'none' }).exporter).toBe('none')
  })
  it('samples 10% by default; a bad ratio or exporter is refused with the variable named', () => {
    expect(readTracingConfig({}).ratio).toBe(0.1)
    expect(readTracingConfig({ OTEL_TRACES_SAMPLER_ARG: '0.5' }).ratio).toBe(0.5)
    expect(() => readTracingConfig({ OTEL_TRACES_SAMPLER_ARG: '2' })).toThrow(/OTEL_TRACES_SAMPLER_ARG/)
    expect(() => readTracingConfig({ OTEL_TRACES_EXPORTER: 'zipkin' })).toThrow(/OTEL_TRACES_EXPORTER/)
    expect(() => readTracingConfig({ OTEL_TRACES_EXPORTER: 'file' })).toThrow(/TRACES_DIR/)
  })
})
