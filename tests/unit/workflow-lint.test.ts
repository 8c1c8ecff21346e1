import { spawnSync } from 'node:child_process'
import { join } from 'node:path'

const ROOT = join(__dirname, '..', '..')
const scenarioFile = join(ROOT, 'workflows', 'src', 'scenarios', 'lint-probe.ts')

// ESLint's own CLI on a virtual file (its config loader cannot run inside Jest's module system)
async function lint(code: string, filePath = scenarioFile): Promise<string[]> {
  const run = spawnSync(join(ROOT, 'node_modules', '.bin', 'eslint'), ['--format', 'json', '--stdin', '--stdin-filename', filePath], {
    cwd: ROOT,
    input: code,
    encoding: 'utf8',
  })
  const [result] = JSON.parse(run.stdout) as { messages: { ruleId: string | null; message: string }[] }[]
  return (result?.messages ?? []).map((m) => `${m.ruleId}: ${m.message}`)
}

describe('workflow code is kept deterministic by lint', () => {
  it.each([
    ["import { readFileSync } from 'node:fs'\nexport const f = readFileSync\n", 'node: built-in'],
    ["import { randomUUID } from 'crypto'\nexport const f = randomUUID\n", 'bare built-in'],
    ["import { Client } from '@temporalio/client'\nexport const f = Client\n", 'I/O client'],
    ['export const env = process.env.X\n', 'process global'],
  ])('refuses %j (%s) in workflows/src/scenarios', async (code) => {
    const messages = await lint(code)
    expect(messages.some((m) => /no-restricted-/.test(m))).toBe(true)
  })

  it('allows the workflow API and type-only imports of activity interfaces', async () => {
    const code =
      "import { uuid4 } from '@temporalio/workflow'\nimport type { Kysely } from 'kysely'\nexport const f = (k?: Kysely<unknown>) => [uuid4(), k]\n"
    expect(await lint(code)).toEqual([])
  })

  it('does not restrict the same imports outside workflow code', async () => {
    const code = "import { readFileSync } from 'node:fs'\nexport const f = readFileSync\n"
    expect(await lint(code, join(ROOT, 'workflows', 'src', 'facade', 'lint-probe.ts'))).toEqual([])
  })
})
