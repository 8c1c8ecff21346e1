import cluster from 'node:cluster'
import { readGatewayConfig } from '@marketplace/service-template'
import { startGateway } from './server'

async function main(): Promise<void> {
  const config = readGatewayConfig()
  // GATEWAY_WORKERS > 1: the primary only forks; the workers share the port (query planning is CPU-bound)
  if (config.workers > 1 && cluster.isPrimary) {
    for (let i = 0; i < config.workers; i++) cluster.fork()
    let stopping = false
    cluster.on('exit', (worker, code) => {
      if (stopping) return
      console.error(`gateway worker ${worker.process.pid} exited (${code}); stopping`)
      process.exit(1)
    })
    const stop = (): void => {
      stopping = true
      for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGTERM')
      setTimeout(() => process.exit(0), 10_000).unref()
      cluster.disconnect(() => process.exit(0))
    }
    process.once('SIGINT', stop)
    process.once('SIGTERM', stop)
    return
  }
  const gateway = await startGateway(config)
  const shutdown = (signal: string): void => {
    gateway.log.info('stopping', { signal })
    setTimeout(() => process.exit(1), 10_000).unref()
    gateway.stop().then(() => process.exit(0), () => process.exit(1))
  }
  process.once('SIGINT', () => shutdown('SIGINT'))
  process.once('SIGTERM', () => shutdown('SIGTERM'))
}

main().catch((err) => {
  console.error(err)
  process.exit(1)
})
