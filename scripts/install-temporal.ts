// `npm run temporal:install`: finds or builds the Temporal CLI (see scripts/lib/temporal.ts).
import { ensureTemporalCli } from './lib/temporal'

async function main(): Promise<void> {
  console.log(`temporal CLI: ${ensureTemporalCli()}`)
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err)
  process.exit(1)
})
