import { createServer, type Server } from 'node:http'
import { closeServer, listen, sendJson, type Metrics } from '@marketplace/service-template'

export interface MetricsServer {
  /** `http://host:port/metrics` */
  readonly url: string
  readonly port: number
  stop(): Promise<void>
}

/**
 * The gateway's counters on their own listener (METRICS_PORT, 127.0.0.1 by default): the public
 * port does not tell the internet its traffic, cache ratio and memory.
 */
export async function startMetricsServer(metrics: Metrics, port: number, host: string): Promise<MetricsServer> {
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0]
    if (path === '/metrics' && req.method === 'GET') {
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' })
      res.end(metrics.render())
    } else {
      sendJson(res, 404, { error: 'not found' })
    }
  })
  const bound = await listen(server, port, host)
  return { url: `http://${host.includes(':') ? `[${host}]` : host}:${bound}/metrics`, port: bound, stop: () => closeServer(server) }
}
