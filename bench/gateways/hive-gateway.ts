// The "hive-gateway" variant's gateway: createGatewayRuntime({ supergraph }) of
// @graphql-hive/gateway (ESM, hence the dynamic import) served by node:http, default settings.
// The benchmark starts it with SUPERGRAPH_FILE and PORT; the subgraphs run GATEWAY_SIGNATURE=optional.
import { readFileSync } from 'node:fs'
import { createServer, type RequestListener } from 'node:http'

async function main(): Promise<void> {
  const file = process.env.SUPERGRAPH_FILE
  if (!file) throw new Error('SUPERGRAPH_FILE is not set')
  const port = Number(process.env.PORT ?? 4000)
  const { createGatewayRuntime } = await import('@graphql-hive/gateway')
  const runtime = createGatewayRuntime({ supergraph: readFileSync(file, 'utf8') })
  const server = createServer(runtime as unknown as RequestListener)
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, '127.0.0.1', resolve)
  })
  console.log(`hive-gateway listening on http://127.0.0.1:${port}/graphql`)
  const stop = (): void => {
    setTimeout(() => process.exit(1), 10_000).unref()
    server.close()
    server.closeIdleConnections()
    Promise.resolve(runtime[Symbol.asyncDispose]?.()).then(
      () => process.exit(0),
      () => process.exit(1),
    )
  }
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)
}

main().catch((err) => {
  console.error(err)
  process.exit(1)
})
