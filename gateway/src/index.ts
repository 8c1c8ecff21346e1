import { startGateway } from './server'

async function main(): Promise<void> {
  const gateway = await startGateway()
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
