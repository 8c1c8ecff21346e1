import { Client, Connection } from '@temporalio/client'
import { OpenTelemetryWorkflowClientInterceptor } from '@temporalio/interceptors-opentelemetry'
import type { DependencyCheck, TemporalConfig } from '@marketplace/service-template'

let client: Promise<Client> | undefined

/**
 * One Temporal client per process, connected on first use (the façade starts even if Temporal is
 * late; a failed connect is tried again by the next caller). Once connected, gRPC reconnects by
 * itself when the server restarts; every call is bounded by its caller's deadline.
 */
export function temporalClient(config: TemporalConfig): Promise<Client> {
  client ??= Connection.connect({ address: config.address, connectTimeout: '5s' })
    // each start carries the request's trace context to the run (Temporal headers)
    .then(
      (connection) =>
        new Client({ connection, namespace: config.namespace, interceptors: { workflow: [new OpenTelemetryWorkflowClientInterceptor()] } }),
    )
    .catch((err: unknown) => {
      client = undefined
      throw err
    })
  return client
}

/** /ready's question to Temporal: the frontend answers a GetSystemInfo within `timeoutMs`. */
export const temporalCheck =
  (config: TemporalConfig, timeoutMs = 1_000): DependencyCheck =>
  async () => {
    const connected = await temporalClient(config)
    await connected.withDeadline(Date.now() + timeoutMs, () => connected.workflowService.getSystemInfo({}))
  }
