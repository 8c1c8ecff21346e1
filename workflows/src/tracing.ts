import { makeWorkflowExporter } from '@temporalio/interceptors-opentelemetry'
import type { InjectedSinks } from '@temporalio/worker'
import type { Tracing } from '@marketplace/service-template'

/** The workflow interceptors' module: given to the worker (sources) or bundled (npm run build). */
export const WORKFLOW_INTERCEPTORS_PATH = require.resolve('./workflow-interceptors')

/** Where workflow spans leave the sandbox: the process's span processor (nowhere when tracing is off). */
export function workflowSpanSinks(tracing: Tracing): InjectedSinks<never> {
  if (!tracing.processor || !tracing.resource) return { exporter: { export: { fn: () => undefined } } } as never
  return { exporter: makeWorkflowExporter(tracing.processor, tracing.resource) } as never
}
