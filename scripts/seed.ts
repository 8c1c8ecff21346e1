// `npm run seed`: fills the five service databases with generated data (see --help).
import { parseSeedArguments, SEED_USAGE } from './seed/arguments'
import { resolveSeedOptions, SeedOptionsError, type SeedOptions } from './seed/options'
import { seedDatabases } from './seed/write'

async function main(): Promise<void> {
  let options: SeedOptions
  try {
    const command = parseSeedArguments(process.argv.slice(2))
    if (command.help) {
      console.log(SEED_USAGE)
      return
    }
    options = resolveSeedOptions(command.options)
  } catch (err) {
    if (!(err instanceof SeedOptionsError)) throw err
    console.error(`seed: ${err.message}`)
    process.exitCode = 2
    return
  }
  const { seed, ...counts } = options
  console.log(
    `seeding with seed ${seed}: ${Object.entries(counts)
      .map(([name, n]) => `${n} ${name}`)
      .join(', ')}`,
  )
  const summary = await seedDatabases(options, process.env, (line) => console.log(`  ${line}`))
  console.log(`seeded in ${(summary.elapsedMs / 1000).toFixed(1)} s:`)
  for (const [table, count] of Object.entries(summary.counts)) console.log(`  ${table.padEnd(10)} ${count}`)
}

main().catch((err) => {
  console.error(err)
  process.exit(1)
})
