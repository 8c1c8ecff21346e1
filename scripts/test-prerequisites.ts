// Run first by `npm test`: finds (or installs) what the tests start besides Node — redis-server,
// Chromium (scripts/lib/prerequisites.ts) and the Temporal CLI (scripts/lib/temporal.ts) — and
// stops with one message, before any test runs, when something is missing and cannot be installed.
import { ensurePrerequisites } from './lib/prerequisites'
import { ensureTemporalCli } from './lib/temporal'

async function main(): Promise<void> {
  const { redisServer, chromium } = ensurePrerequisites()
  console.log(`redis-server: ${redisServer}`)
  console.log(`chromium:     ${chromium}`)
  console.log(`temporal CLI: ${ensureTemporalCli()}`)
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err)
  process.exit(1)
})
