import { Client, Connection } from '@temporalio/client'
import type { TemporalConfig } from '@marketplace/service-template'

let client: Promise<Client> | undefined

/** One Temporal client per process, connected on first use (the façade starts even if Temporal is late). */
export function temporalClient(config: TemporalConfig): Promise<Client> {
  client ??= Connection.connect({ address: config.address })
    .then((connection) => new Client({ connection, namespace: config.namespace }))
    .catch((err: unknown) => {
      client = undefined
      throw err
    })
  return client
}
