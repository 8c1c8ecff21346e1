import { execFileSync } from 'node:child_process'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join, relative } from 'node:path'

const ROOT = join(__dirname, '..', '..')

// @graphql-codegen/cli's generate(config, false): in memory, nothing is written. In a child process:
// the CLI loads ESM-only modules, which Jest's module runtime cannot require
const IN_MEMORY = `
const { generate } = require('@graphql-codegen/cli')
const config = require('./codegen.ts').default
generate({ ...config, cwd: process.cwd() }, false).then((files) => {
  process.stdout.write(JSON.stringify(files.map((file) => ({ filename: file.filename, content: file.content }))))
})
`

describe('resolver types generated from the schemas', () => {
  let generated: { readonly path: string; readonly content: string }[]

  beforeAll(() => {
    const output = execFileSync(process.execPath, ['--import', 'tsx', '--eval', IN_MEMORY], {
      cwd: ROOT,
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    })
    const files = JSON.parse(output) as { filename: string; content: string }[]
    generated = files.map((file) => ({ path: relative(ROOT, file.filename), content: file.content }))
  }, 120_000)

  it('cover every subgraph with a schema, and the façade', () => {
    const withSchema = readdirSync(join(ROOT, 'subgraphs')).filter((name) => existsSync(join(ROOT, 'subgraphs', name, 'schema.graphql')))
    expect(generated.map((file) => file.path).sort()).toEqual(
      [...withSchema.map((name) => `subgraphs/${name}/src/generated/resolvers.ts`), 'workflows/src/facade/generated/resolvers.ts'].sort(),
    )
  })

  it('are committed up to date (run `npm run codegen` after changing a schema or a domain type)', () => {
    for (const file of generated) {
      const committed = existsSync(join(ROOT, file.path)) ? readFileSync(join(ROOT, file.path), 'utf8') : null
      expect({ path: file.path, upToDate: committed === file.content }).toEqual({ path: file.path, upToDate: true })
    }
  })

  it("type a service's own entities by its domain model, lists as the template's Connection, others' entities as references", () => {
    const catalog = generated.find((file) => file.path === 'subgraphs/catalog/src/generated/resolvers.ts')?.content ?? ''
    expect(catalog).toContain("import type { Product as ProductModel } from '../products'")
    expect(catalog).toContain('ProductConnection: ResolverTypeWrapper<ConnectionModel<ProductModel>>')
    expect(catalog).toContain("Merchant: ResolverTypeWrapper<{ __typename: 'Merchant' } & Pick<Merchant, 'id'>>")
  })
})
