// The "apollo-defaults" variant's gateway: a plain ApolloGateway in Apollo Server 5's standalone
// server with default settings: what a team gets before tuning anything. The benchmark starts it
// with SUPERGRAPH_FILE (composed with the subgraphs' actual URLs), PORT and
// APOLLO_TELEMETRY_DISABLED=1 (there is no internet); the subgraphs run GATEWAY_SIGNATURE=optional.
// The one thing added to the defaults is what every deployment must write to have signed-in
// writes at all: the caller of a valid bearer token (JWT_SECRET) is passed on to each subgraph
// in the signed header our subgraphs trust (GATEWAY_SECRET), as our gateway does.
import { readFileSync } from 'node:fs'
import { ApolloGateway, RemoteGraphQLDataSource } from '@apollo/gateway'
import { ApolloServer } from '@apollo/server'
import { startStandaloneServer } from '@apollo/server/standalone'
import { ANONYMOUS, CALLER_HEADER, signCaller, verifyToken, type Caller } from '../../packages/service-template/src/auth'

interface Context {
  readonly caller: Caller
}

async function main(): Promise<void> {
  const file = process.env.SUPERGRAPH_FILE
  if (!file) throw new Error('SUPERGRAPH_FILE is not set')
  const port = Number(process.env.PORT ?? 4000)
  const jwtSecret = process.env.JWT_SECRET
  const gatewaySecret = process.env.GATEWAY_SECRET
  const gateway = new ApolloGateway({
    supergraphSdl: readFileSync(file, 'utf8'),
    buildService: ({ name, url }) =>
      new RemoteGraphQLDataSource<Context>({
        url,
        willSendRequest({ request, context }) {
          if (gatewaySecret) request.http?.headers.set(CALLER_HEADER, signCaller(gatewaySecret, context.caller ?? ANONYMOUS, name))
        },
      }),
  })
  const server = new ApolloServer<Context>({ gateway })
  const { url } = await startStandaloneServer(server, {
    listen: { port, host: '127.0.0.1' },
    context: async ({ req }) => {
      const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1]
      return { caller: (bearer && jwtSecret ? verifyToken(jwtSecret, bearer) : null) ?? ANONYMOUS }
    },
  })
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
