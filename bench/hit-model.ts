// `npm run bench:model`: the response-cache hit ratio the steady workload allows (bench/lib/hit-model.ts),
// over the benchmark's own subjects, at several read rates and for each rule of what a new comment
// drops. A model: it runs no service and measures nothing; the benchmark's measured hit ratio is
// set beside it in the README.
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { ROOT } from '../scripts/lib/services'
import { STEADY_DEFAULTS } from './lib/args'
import { BENCH_SEED, loadSubjects, openBenchDatabase } from './lib/data'
import { simulateHitRatio, type PostInvalidation } from './lib/hit-model'
import { STEADY_PAGES_PER_SUBJECT } from './lib/steady'
import { STEADY_WRITERS } from './lib/steady-run'

const RATES = [100, 220, 500, 1_000, 2_000, 5_000]
const RULES: readonly PostInvalidation[] = ['subject', 'first-page']
const TTL_SECONDS = 300 // RESPONSE_CACHE_TTL_SECONDS' default

async function main(): Promise<void> {
  const db = await openBenchDatabase(
    join(ROOT, '.data', 'bench'),
    BENCH_SEED,
    (line) => console.log(line),
    () => undefined,
  )
  try {
    const subjects = await loadSubjects(db.urls.comments, Number.MAX_SAFE_INTEGER, false, STEADY_PAGES_PER_SUBJECT)
    const pages = subjects.reduce((n, s) => n + s.cursors.length, 0)
    const { durationS, headlineFromS, writeShare } = STEADY_DEFAULTS
    const lines = [
      '# Response-cache hit ratio the steady workload allows (a model, not a measurement)',
      '',
      `- command: \`npm run bench:model\`; date: ${new Date().toISOString()}`,
      `- the steady mode's draws over ${subjects.length} subjects (${pages} pages), ${durationS} s, hits counted from ${headlineFromS} s, writes ${writeShare * 100}% of the reads by ${STEADY_WRITERS} writers, TTL ${TTL_SECONDS} s, an unbounded cache`,
      '- `subject`: a new comment drops every page of its subject (today); `first-page`: only the first page (totalCount kept apart from the page bodies)',
      '',
      '| pages/s | rule | hit ratio | misses that are first reads | writes |',
      '| ---: | --- | ---: | ---: | ---: |',
    ]
    for (const pagesPerSecond of RATES) {
      for (const rule of RULES) {
        const r = simulateHitRatio(subjects, {
          pagesPerSecond,
          durationSeconds: durationS,
          fromSeconds: headlineFromS,
          writeShare,
          ttlSeconds: TTL_SECONDS,
          writers: STEADY_WRITERS,
          postInvalidation: rule,
        })
        lines.push(
          `| ${pagesPerSecond} | ${rule} | ${(r.hitRatio * 100).toFixed(1)}% | ${(r.firstReadShare * 100).toFixed(1)}% | ${r.writes} |`,
        )
        console.log(lines.at(-1))
      }
    }
    const dir = join(ROOT, 'bench', 'results')
    await mkdir(dir, { recursive: true })
    await writeFile(join(dir, 'latest-hit-model.md'), `${lines.join('\n')}\n`)
    console.log('written: bench/results/latest-hit-model.md')
  } finally {
    await db.stop()
  }
}

main().catch((err: unknown) => {
  console.error(err)
  process.exit(1)
})
