// Loaded before anything requires `pg` or `ioredis` (the first import of this package's index):
// the ecosystem's instrumentations patch a module as it is required, not after.
import { registerInstrumentations } from '@opentelemetry/instrumentation'
import { IORedisInstrumentation } from '@opentelemetry/instrumentation-ioredis'
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg'
import { readTracingConfig } from './tracing-config'

function tracingWanted(): boolean {
  try {
    return readTracingConfig().exporter !== 'none'
  } catch {
    return false // a bad setting is reported where the process reads its configuration
  }
}

if (tracingWanted()) {
  registerInstrumentations({
    instrumentations: [
      // only inside a traced request or run: a pool's own housekeeping starts no traces
      new PgInstrumentation({ requireParentSpan: true, enhancedDatabaseReporting: false }),
      new IORedisInstrumentation({ requireParentSpan: true }),
    ],
  })
}
