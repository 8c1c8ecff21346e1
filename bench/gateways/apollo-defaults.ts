// The "apollo-defaults" variant's gateway: a plain ApolloGateway in Apollo Server 5's standalone
// server with default settings: what a team gets before tuning anything. The benchmark starts it
// with SUPERGRAPH_FILE (composed with the subgraphs' actual URLs), PORT and
// APOLLO_TELEMETRY_DISABLED=1 (there is no internet); the subgraphs run GATEWAY_SIGNATURE=optional.
import { readFileSync } from 'node:fs'
import { ApolloGateway } from '@apollo/gateway'
import { ApolloServer } from '@apollo/server'
import { startStandaloneServer } from '@apollo/server/standalone'

async function main(): Promise<void> {
  const file = process.env.SUPERGRAPH_FILE
  if (!file) throw new Error('SUPERGRAPH_FILE is not set')
  const port = Number(process.env.PORT ?? 4000)
  const server = new ApolloServer({ gateway: new ApolloGateway({ supergraphSdl: readFileSync(file, 'utf8') }) })
  const { url } = await startStandaloneServer(server, { listen: { port, host: '127.0.0.1' } })
  console.log(`apollo-defaults gateway listening on ${url}`)
  const stop = (): void => {
    setTimeout(() => process.exit(1), 10_000).unref()
    server.stop().then(
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
