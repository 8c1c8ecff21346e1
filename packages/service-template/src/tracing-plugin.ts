import { SpanStatusCode, trace } from '@opentelemetry/api'
import type { ApolloServerPlugin, BaseContext } from '@apollo/server'
import { KEEP_TRACE_ATTRIBUTE } from './trace-buffer'

/**
 * The request's span (the active one: the server's) named by its operation, flagged failed when
 * the response has errors, and every error given `extensions.traceId` for a tester to quote.
 * A mutation's trace is always kept (KEEP_TRACE_ATTRIBUTE: the edge's TraceBuffer reads it).
 */
export function useTracing<Context extends BaseContext>(): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      const span = trace.getActiveSpan()
      if (!span) return {}
      return {
        async didResolveOperation({ operation, operationName }) {
          const type = operation?.operation ?? 'query'
          span.updateName(`${type} ${operationName ?? 'anonymous'}`)
          span.setAttributes({ 'graphql.operation.type': type, 'graphql.operation.name': operationName ?? '' })
          if (type === 'mutation') span.setAttribute(KEEP_TRACE_ATTRIBUTE, true)
        },
        async willSendResponse({ response }) {
          const errors = response.body.kind === 'single' ? response.body.singleResult.errors : undefined
          if (!errors?.length) return
          const { traceId } = span.spanContext()
          span.setStatus({ code: SpanStatusCode.ERROR, message: String(errors[0]?.extensions?.code ?? 'error') })
          for (const error of errors) (error as { extensions?: Record<string, unknown> }).extensions = { ...error.extensions, traceId }
        },
      }
    },
  }
}
