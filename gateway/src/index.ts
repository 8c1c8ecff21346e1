import { forkWorkers, readGatewayConfig, surviveUnhandledFailures } from '@marketplace/service-template'
import { startGateway } from './server'

async function main(): Promise<void> {
  const config = readGatewayConfig()
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
