import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'

/** One span as `npm run trace` and the tests read it from the OTLP JSON files. */
export interface TraceSpan {
  readonly traceId: string
  readonly spanId: string
  readonly parentSpanId: string | null
  readonly name: string
  readonly service: string
  readonly kind: number
  readonly startNs: bigint
  readonly endNs: bigint
  readonly attributes: Readonly<Record<string, string | number | boolean>>
  readonly error: string | null
}

interface OtlpValue {
  stringValue?: string
  intValue?: string | number
  doubleValue?: number
  boolValue?: boolean
}
interface OtlpAttribute {
  key: string
  value: OtlpValue
}
interface OtlpSpan {
  traceId: string
  spanId: string
  parentSpanId?: string
  name: string
  kind: number
  startTimeUnixNano: string | number
  endTimeUnixNano: string | number
  attributes?: OtlpAttribute[]
  status?: { code?: number; message?: string }
}
interface OtlpRequest {
  resourceSpans?: { resource?: { attributes?: OtlpAttribute[] }; scopeSpans?: { spans?: OtlpSpan[] }[] }[]
}

const valueOf = (v: OtlpValue): string | number | boolean =>
  v.stringValue ?? (v.intValue !== undefined ? Number(v.intValue) : undefined) ?? v.doubleValue ?? v.boolValue ?? ''

const attributesOf = (list: OtlpAttribute[] | undefined): Record<string, string | number | boolean> =>
  Object.fromEntries((list ?? []).map((a) => [a.key, valueOf(a.value)]))

/** Every span in the `.jsonl` files of `dir` (a line cut short by a crash is skipped). */
export function readSpans(dir: string, traceId?: string): TraceSpan[] {
  if (!existsSync(dir)) return []
  const spans: TraceSpan[] = []
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.jsonl') || f.endsWith('.jsonl.1'))) {
    for (const line of readFileSync(join(dir, file), 'utf8').split('\n')) {
      if (!line || (traceId && !line.includes(traceId))) continue
      let request: OtlpRequest
      try {
        request = JSON.parse(line) as OtlpRequest
      } catch {
        continue
      }
      for (const resourceSpans of request.resourceSpans ?? []) {
        const service = String(attributesOf(resourceSpans.resource?.attributes)['service.name'] ?? 'unknown')
        for (const scope of resourceSpans.scopeSpans ?? [])
          for (const span of scope.spans ?? []) {
            if (traceId && span.traceId !== traceId) continue
            spans.push({
              traceId: span.traceId,
              spanId: span.spanId,
              parentSpanId: span.parentSpanId || null,
              name: span.name,
              service,
              kind: span.kind,
              startNs: BigInt(span.startTimeUnixNano),
              endNs: BigInt(span.endTimeUnixNano),
              attributes: attributesOf(span.attributes),
              error: span.status?.code === 2 ? span.status.message || 'error' : null,
            })
          }
      }
    }
  }
  return spans.sort((a, b) => (a.startNs < b.startNs ? -1 : a.startNs > b.startNs ? 1 : 0))
}

const ms = (ns: bigint): string => (Number(ns) / 1e6).toFixed(1)

/** What a span is, in a few words: its SQL, Redis command or subgraph besides its name. */
function detail(span: TraceSpan): string {
  const a = span.attributes
  const statement = a['db.statement'] ?? a['db.query.text']
  if (typeof statement === 'string') return ` ${statement.replace(/\s+/g, ' ').slice(0, 100)}`
  if (typeof a.service === 'string') return ` → ${a.service}`
  return ''
}

/** The trace as an indented tree: offset from the first span, duration, service, name. */
export function renderTrace(spans: readonly TraceSpan[]): string {
  if (spans.length === 0) return 'no spans'
  const ids = new Set(spans.map((s) => s.spanId))
  const children = new Map<string | null, TraceSpan[]>()
  for (const span of spans) {
    const parent = span.parentSpanId && ids.has(span.parentSpanId) ? span.parentSpanId : null
    children.set(parent, [...(children.get(parent) ?? []), span])
  }
  const origin = spans.reduce((min, s) => (s.startNs < min ? s.startNs : min), spans[0]!.startNs)
  const lines: string[] = [`trace ${spans[0]!.traceId}: ${spans.length} spans`]
  const walk = (parent: string | null, depth: number): void => {
    for (const span of children.get(parent) ?? []) {
      const at = `+${ms(span.startNs - origin)}`.padStart(9)
      const took = `${ms(span.endNs - span.startNs)} ms`.padStart(10)
      lines.push(
        `${at} ${took}  ${'  '.repeat(depth)}${span.name} [${span.service}]${detail(span)}${span.error ? `  ERROR: ${span.error}` : ''}`,
      )
      walk(span.spanId, depth + 1)
    }
  }
  walk(null, 0)
  return lines.join('\n')
}

/** The newest traces' roots: id, start, duration, name (for `npm run trace -- --recent`). */
export function recentTraces(spans: readonly TraceSpan[], count: number): string[] {
  const roots = spans.filter((s) => !s.parentSpanId)
  return roots
    .slice(-count)
    .reverse()
    .map(
      (s) =>
        `${s.traceId}  ${new Date(Number(s.startNs / 1_000_000n)).toISOString()}  ${`${ms(s.endNs - s.startNs)} ms`.padStart(10)}  ${s.name} [${s.service}]${s.error ? '  ERROR' : ''}`,
    )
}
