import cluster from 'node:cluster'
import { createServer, type Server } from 'node:http'
import { closeServer, listen, sendJson, sendMetrics, type Metrics } from '@marketplace/service-template'

export interface MetricsServer {
  /** `http://host:port/metrics` */
  readonly url: string
  readonly port: number
  stop(): Promise<void>
}

const urlOf = (host: string, port: number): string => `http://${host.includes(':') ? `[${host}]` : host}:${port}/metrics`

/**
 * The gateway's metrics on their own listener (METRICS_PORT, 127.0.0.1 by default): the public
 * port does not tell the internet its traffic, cache ratio and memory. `metrics` is a process's
 * Metrics, or (a cluster primary's) the text of every worker's, summed.
 */
export async function startMetricsServer(metrics: Metrics | (() => Promise<string>), port: number, host: string): Promise<MetricsServer> {
  // a cluster worker leaves the port to its primary, which answers for every worker (index.ts)
  if (cluster.isWorker) return { url: urlOf(host, port), port, stop: async () => undefined }
  const text = typeof metrics === 'function' ? metrics : () => metrics.metricsText()
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0]
    if (path === '/metrics' && req.method === 'GET') sendMetrics(res, text)
    else sendJson(res, 404, { error: 'not found' })
  })
  const bound = await listen(server, port, host)
  return { url: urlOf(host, bound), port: bound, stop: () => closeServer(server) }
}
