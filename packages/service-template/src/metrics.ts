/** Counters a process exposes at `GET /metrics` in Prometheus' text format. */
export class Metrics {
  private readonly counters = new Map<string, number>()

  increment(name: string, by = 1): void {
    this.counters.set(name, (this.counters.get(name) ?? 0) + by)
  }

  get(name: string): number {
    return this.counters.get(name) ?? 0
  }

  render(): string {
    const lines: string[] = []
    for (const [name, value] of [...this.counters.entries()].sort(([a], [b]) => a.localeCompare(b))) {
      lines.push(`# TYPE ${name} counter`, `${name} ${value}`)
    }
    const memory = process.memoryUsage()
    lines.push('# TYPE process_resident_memory_bytes gauge', `process_resident_memory_bytes ${memory.rss}`)
    lines.push('# TYPE nodejs_heap_used_bytes gauge', `nodejs_heap_used_bytes ${memory.heapUsed}`)
    lines.push('# TYPE nodejs_external_memory_bytes gauge', `nodejs_external_memory_bytes ${memory.external}`)
    return lines.join('\n') + '\n'
  }
}

/** Parses the text `render()` produces; tests and the benchmark read counters with it. */
export function parseMetrics(text: string): Record<string, number> {
  const out: Record<string, number> = {}
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)\s+(\S+)$/.exec(line)
    if (match?.[1] && match[2]) out[match[1]] = Number(match[2])
  }
  return out
}
