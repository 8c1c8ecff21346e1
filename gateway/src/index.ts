import cluster from 'node:cluster'
import { clusterMetricsText, forkWorkers, readGatewayConfig, surviveUnhandledFailures } from '@marketplace/service-template'
import { startMetricsServer } from './metrics-server'
import { startGateway } from './server'

async function main(): Promise<void> {
  const config = readGatewayConfig()
  if (config.workers > 1 && cluster.isPrimary) {
    // the primary serves METRICS_PORT, summing its workers' metrics; the workers do not bind it
    const metrics = await startMetricsServer(clusterMetricsText, config.metricsPort, config.metricsHost)
    // the port bound (METRICS_PORT=0: a free one), which the workers' metricsUrl names
    process.env.METRICS_PORT = String(metrics.port)
  }
  // GATEWAY_WORKERS > 1: the primary only forks, and restarts a worker that dies; the workers
  // share the port (query planning is CPU-bound)
  if (forkWorkers('gateway', config.workers)) return
  const gateway = await startGateway(config)
  // a stray rejection in one request must not take every other request down with the process
  surviveUnhandledFailures(gateway.log)
  const shutdown = (signal: string): void => {
    gateway.log.info('stopping', { signal })
    setTimeout(() => process.exit(1), 10_000).unref()
    gateway.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    )
  }
  process.once('SIGINT', () => shutdown('SIGINT'))
  process.once('SIGTERM', () => shutdown('SIGTERM'))
}

main().catch((err) => {
  console.error(err)
  process.exit(1)
})
