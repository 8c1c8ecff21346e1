import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'

// The repository carries its own copy of the contract (contract/), so that a clone runs every test.
// Where the shared contract folder sits next to the clone (../shared/contract/), the copy must be
// byte for byte the same. (That contract/README.md's CommentsPage query is the one the benchmark and
// the integration tests send is checked in tests/unit/bench-verify.test.ts.)

const FILES = ['schema.graphql', 'README.md'] as const
const repoContract = join(__dirname, '..', '..', 'contract')
const sharedContract = join(__dirname, '..', '..', '..', 'shared', 'contract')
const shared = existsSync(sharedContract)

describe("contract/ (the repository's copy of the contract)", () => {
  it.each(FILES)('has %s', (file) => {
    expect(existsSync(join(repoContract, file))).toBe(true)
  })

  const whenShared = shared ? it.each(FILES) : it.skip.each(FILES)
  whenShared(
    `%s is byte for byte ../shared/contract/'s${shared ? '' : ' (skipped: no ../shared/contract/ next to this clone)'}`,
    (file) => {
      const copy = readFileSync(join(repoContract, file))
      const original = readFileSync(join(sharedContract, file))
      expect(copy.equals(original)).toBe(true)
    },
  )
})
