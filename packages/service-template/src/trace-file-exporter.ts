import { appendFile, mkdir, rename, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { ExportResultCode, type ExportResult } from '@opentelemetry/core'
import { JsonTraceSerializer } from '@opentelemetry/otlp-transformer'
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base'

/**
 * Spans as OTLP JSON, one export request per line, in `<dir>/<service>-<pid>.jsonl`: what a
 * collector would have received, readable with `npm run trace` and replayable into one. A file
 * past `maxBytes` becomes `.1` (the older one is dropped): at most twice that per process.
 */
export class TraceFileExporter implements SpanExporter {
  private readonly path: string
  private written = -1 // unknown until the first write
  private pending: Promise<void> = Promise.resolve()

  constructor(
    private readonly dir: string,
    service: string,
    private readonly maxBytes: number,
  ) {
    this.path = join(dir, `${service}-${process.pid}.jsonl`)
  }

  export(spans: ReadableSpan[], done: (result: ExportResult) => void): void {
    const body = JsonTraceSerializer.serializeRequest(spans)
    if (!body) {
      done({ code: ExportResultCode.FAILED, error: new Error('spans could not be serialised') })
      return
    }
    const line = Buffer.concat([Buffer.from(body), Buffer.from('\n')])
    this.pending = this.pending
      .then(() => this.append(line))
      .then(
        () => done({ code: ExportResultCode.SUCCESS }),
        (error: Error) => done({ code: ExportResultCode.FAILED, error }),
      )
  }

  private async append(line: Buffer): Promise<void> {
    if (this.written < 0) {
      await mkdir(this.dir, { recursive: true })
      this.written = await stat(this.path).then(
        (s) => s.size,
        () => 0,
      )
    }
    if (this.written + line.length > this.maxBytes && this.written > 0) {
      await rename(this.path, `${this.path}.1`)
      this.written = 0
    }
    await appendFile(this.path, line)
    this.written += line.length
  }

  async forceFlush(): Promise<void> {
    await this.pending
  }

  async shutdown(): Promise<void> {
    await this.pending
  }
}
