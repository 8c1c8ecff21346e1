// Prints one trace from the embedded stack's trace files (OTLP JSON under .data/traces/) as a tree.
//
//   npm run trace -- <trace id>          # the tree: offset, duration, service, span, SQL
//   npm run trace -- --recent [N]        # the newest N traces (default 20)
//   npm run trace -- --dir DIR <id>      # another folder (TRACES_DIR, or a test stack's)
import { join } from 'node:path'
import { readSpans, recentTraces, renderTrace } from './lib/traces'

function main(argv: readonly string[]): number {
  let dir = process.env.TRACES_DIR ?? join(process.env.DATA_DIR ?? join(__dirname, '..', '.data'), 'traces')
  let recent: number | null = null
  let traceId: string | null = null
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!
    if (arg === '--dir') dir = argv[++i] ?? dir
    else if (arg === '--recent') recent = /^\d+$/.test(argv[i + 1] ?? '') ? Number(argv[++i]) : 20
    else if (/^[0-9a-f]{32}$/.test(arg)) traceId = arg
    else {
      console.error(`unknown argument "${arg}": a trace id is 32 hex digits (extensions.traceId of an error, or operation(id) { traceId })`)
      return 2
    }
  }
  if (recent !== null) {
    const lines = recentTraces(readSpans(dir), recent)
    console.log(lines.length ? lines.join('\n') : `no traces in ${dir}`)
    return 0
  }
  if (!traceId) {
    console.error('usage: npm run trace -- <trace id> | --recent [N] [--dir DIR]')
    return 2
  }
  const spans = readSpans(dir, traceId)
  if (spans.length === 0) {
    console.error(`no spans of trace ${traceId} in ${dir} (sampled out, or not exported yet: spans are written every few seconds)`)
    return 1
  }
  console.log(renderTrace(spans))
  return 0
}

process.exitCode = main(process.argv.slice(2))
