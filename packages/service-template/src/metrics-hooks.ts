// Where the services measure themselves: an Apollo plugin timing each GraphQL request, a fetcher
// timing the gateway's subgraph calls, and Temporal's own Prometheus exporter's options.
import cluster from 'node:cluster'
import type { ApolloServerPlugin, BaseContext } from '@apollo/server'
import type { TelemetryOptions } from '@temporalio/worker'
import { Kind, type DocumentNode } from 'graphql'
import { readInt, type Env } from './config'
import type { Metrics } from './metrics'

/**
 * graphql_request_duration_seconds{operation, type, outcome} for each request Apollo runs, from its
 * start to its answer; a subgraph passes its name (the `subgraph` label).
 */
export function operationMetricsPlugin<Context extends BaseContext>(metrics: Metrics, subgraph?: string): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      const started = performance.now()
      return {
        async willSendResponse({ operationName, operation, errors }) {
          const operationLabel = metrics.operationLabel(operationName)
          const type = operation?.operation ?? 'unknown'
          const outcome = errors?.length ? 'error' : 'ok'
          metrics.observe(
            'graphql_request_duration_seconds',
            subgraph === undefined ? { operation: operationLabel, type, outcome } : { subgraph, operation: operationLabel, type, outcome },
            (performance.now() - started) / 1000,
          )
        },
      }
    },
  }
}

/** The operation a request runs: the name it asked for, else its document's only operation's (undefined: anonymous). */
export function operationNameOf(document: DocumentNode, requested: string | null | undefined): string | undefined {
  if (requested) return requested
  let found: string | undefined
  let operations = 0
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.OPERATION_DEFINITION) continue
    operations++
    found = definition.name?.value
  }
  return operations === 1 ? found : undefined
}

/**
 * graphql_request_duration_seconds{operation, type: query, outcome: cached} for a response the
 * gateway's response cache answered, timed from `since` (a performance.now() before the lookup).
 */
export function observeCachedResponse(metrics: Metrics, document: DocumentNode, operationName: string | undefined, since: number): void {
  metrics.observe(
    'graphql_request_duration_seconds',
    { operation: metrics.operationLabel(operationNameOf(document, operationName)), type: 'query', outcome: 'cached' },
    (performance.now() - since) / 1000,
  )
}

/**
 * `fetch`, observing gateway_subgraph_fetch_duration_seconds{subgraph, outcome} for each call
 * (outcome error: it failed or answered other than 2xx; a GraphQL error in a 200 is the subgraph's own).
 */
export function timedFetcher<Init, Response extends { readonly status: number }>(
  fetch: (url: string, init?: Init) => Promise<Response>,
  metrics: Metrics,
  subgraph: string,
): (url: string, init?: Init) => Promise<Response> {
  // the label objects are made once, not per call
  const ok = { subgraph, outcome: 'ok' }
  const failed = { subgraph, outcome: 'error' }
  return async (url, init) => {
    const started = performance.now()
    let labels = failed
    try {
      const response = await fetch(url, init)
      if (response.status >= 200 && response.status < 300) labels = ok
      return response
    } finally {
      metrics.observe('gateway_subgraph_fetch_duration_seconds', labels, (performance.now() - started) / 1000)
    }
  }
}

/**
 * Runtime.install's `telemetryOptions.metrics` for Temporal's own Prometheus exporter (worker
 * and connection metrics, `temporal_` names): on TEMPORAL_METRICS_HOST (127.0.0.1) :
 * TEMPORAL_METRICS_PORT, off when the port is unset, and in cluster workers (they would all bind it).
 */
export function temporalMetricsOptions(env: Env = process.env): Pick<TelemetryOptions, 'metrics'> {
  if (!env.TEMPORAL_METRICS_PORT) return {}
  const port = readInt(env, 'TEMPORAL_METRICS_PORT', 0, 1, 65535)
  if (cluster.isWorker) return {}
  const host = env.TEMPORAL_METRICS_HOST || '127.0.0.1'
  const bindAddress = `${host.includes(':') ? `[${host}]` : host}:${port}`
  return { metrics: { prometheus: { bindAddress, countersTotalSuffix: true, useSecondsForDurations: true } } }
}
