// The files of a new service: a subgraph that owns one entity with an owner and a name, resolves
// it by reference through a DataLoader, lists it with the template's keyset pagination, and writes
// it through one activity that its scenario calls. Everything else comes from the service template.
import { snake, type ServiceNames } from './names'

export interface ServiceFile {
  /** relative to the repository root */
  readonly path: string
  readonly content: string
}

export function serviceFiles(n: ServiceNames, port: number, migrationStamp: string): ServiceFile[] {
  const dir = `subgraphs/${n.service}`
  // the database's name (the migration, raw SQL); queries say n.entities and CamelCasePlugin maps it
  const table = snake(n.entities)
  const migration = `${migrationStamp}_create-${table.replace(/_/g, '-')}`
  return [
    {
      path: `${dir}/package.json`,
      content: `${JSON.stringify(
        {
          name: `@marketplace/${n.service}`,
          version: '0.1.0',
          private: true,
          main: 'src/subgraph.ts',
          scripts: { start: 'tsx src/index.ts' },
          dependencies: { '@marketplace/service-template': '0.1.0' },
        },
        null,
        2,
      )}\n`,
    },
    {
      path: `${dir}/schema.graphql`,
      content: `extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key", "@shareable"])

scalar DateTime

"A ${n.entity}. Owned by the ${n.service} service."
type ${n.Entity} @key(fields: "id") {
  id: ID!
  "1..200 chars"
  name: String!
  "who created it"
  owner: User!
  createdAt: DateTime!
}

type User @key(fields: "id", resolvable: false) {
  id: ID!
}

type PageInfo @shareable {
  hasNextPage: Boolean!
  endCursor: String
}

type ${n.Entity}Edge {
  cursor: String!
  node: ${n.Entity}!
}

type ${n.Entity}Connection {
  edges: [${n.Entity}Edge!]!
  pageInfo: PageInfo!
  totalCount: Int!
}

type Query {
  ${n.entity}(id: ID!): ${n.Entity}
  "Newest first."
  ${n.entities}(first: Int = 10, after: String): ${n.Entity}Connection!
}
`,
    },
    {
      path: `${dir}/src/index.ts`,
      content: `import { runSubgraph } from '@marketplace/service-template'
import { ${n.service} } from './subgraph'

runSubgraph(${n.service})
`,
    },
    {
      path: `${dir}/src/subgraph.ts`,
      content: `import { defineService } from '@marketplace/service-template'
import { createActivities } from './activities'
import { migrations } from './migrations'
import { createLoaders, resolvers } from './resolvers'

export const ${n.service} = defineService(__dirname, { name: '${n.service}', resolvers, migrations, createLoaders, activities: createActivities })
`,
    },
    {
      path: `${dir}/src/database.ts`,
      content: `import type { ColumnType, Insertable, Selectable, Updateable } from 'kysely'

export interface ${n.Entity}Table {
  readonly id: string
  ownerId: string
  name: string
  readonly createdAt: ColumnType<Date, Date | undefined, never>
}

export interface ${n.Service}Database {
  ${n.entities}: ${n.Entity}Table
}

export type ${n.Entity}Row = Selectable<${n.Entity}Table>
export type New${n.Entity} = Insertable<${n.Entity}Table>
export type ${n.Entity}Update = Updateable<${n.Entity}Table>
`,
    },
    {
      path: `${dir}/src/migrations/index.ts`,
      content: `import type { Migration } from 'kysely'
import * as create${n.Entities} from './${migration}'

export const migrations: Record<string, Migration> = {
  '${migration}': create${n.Entities},
}
`,
    },
    {
      path: `${dir}/src/migrations/${migration}.ts`,
      content: `import { sql, type Kysely } from 'kysely'

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('${table}')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('owner_id', 'uuid', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('created_at', sql\`timestamptz(3)\`, (c) => c.notNull().defaultTo(sql\`now()\`))
    .execute()
  // the list's keyset order (newest first)
  await db.schema.createIndex('${table}_created_at_id_idx').on('${table}').columns(['created_at desc', 'id desc']).execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('${table}').execute()
}
`,
    },
    {
      path: `${dir}/src/rules.ts`,
      content: `// The ${n.service} service's input rules: the façade checks them before it starts a scenario, and
// the activity checks them again before anything is stored.
import { rules } from '@marketplace/service-template'

export const ${n.entity}Name = (value: string, field = 'name'): string => rules.textLength(field, value.trim(), 1, 200)
`,
    },
    {
      path: `${dir}/src/${n.entities}.ts`,
      content: `import type { Kysely } from 'kysely'
import { tablePage, type Connection, type PageRequest } from '@marketplace/service-template'
import type { ${n.Entity}Row, ${n.Service}Database } from './database'

export type ${n.Entity} = ${n.Entity}Row

export function ${n.entities}Page(db: Kysely<${n.Service}Database>, request: PageRequest): Promise<Connection<${n.Entity}>> {
  return tablePage(request, 'newest-first', () => db.selectFrom('${n.entities}'))
}
`,
    },
    {
      path: `${dir}/src/resolvers.ts`,
      content: `import { createTableByIdLoader, readPageArgs, type ContextDependencies, type RequestContext } from '@marketplace/service-template'
import type { ${n.Service}Database } from './database'
import type { Resolvers } from './generated/resolvers'
import { ${n.entities}Page } from './${n.entities}'

export function createLoaders({ db, config }: ContextDependencies<${n.Service}Database>) {
  return {
    ${n.entity}ById: createTableByIdLoader(db, '${n.entities}', { batch: config.batchLoads }),
  }
}

export type Context = RequestContext<${n.Service}Database, ReturnType<typeof createLoaders>>

export const resolvers: Resolvers = {
  Query: {
    ${n.entity}: (_, args, ctx) => ctx.loaders.${n.entity}ById.load(args.id),
    ${n.entities}: (_, args, ctx) => ${n.entities}Page(ctx.db, readPageArgs(args)),
  },
  ${n.Entity}: {
    __resolveReference: (reference, ctx) => ctx.loaders.${n.entity}ById.load(reference.id),
    owner: (${n.entity}) => ({ __typename: 'User', id: ${n.entity}.ownerId }),
  },
}
`,
    },
    {
      path: `${dir}/src/activities.ts`,
      content: `import { rules, type ContextDependencies } from '@marketplace/service-template'
import type { ${n.Service}Database } from './database'
import { ${n.entity}Name } from './rules'

export interface New${n.Entity}Input {
  readonly id: string
  readonly ownerId: string
  readonly name: string
}

/** The ${n.service} service's writes, run by scenarios on the \`${n.service}\` task queue. */
export function createActivities({ db }: ContextDependencies<${n.Service}Database>) {
  return {
    /** Idempotent: a retried attempt finds its row already there. */
    async ${n.create}(input: New${n.Entity}Input): Promise<{ id: string }> {
      const row = { id: rules.id(input.id, 'The ${n.entity}'), ownerId: rules.id(input.ownerId, 'The owner'), name: ${n.entity}Name(input.name) }
      await db
        .insertInto('${n.entities}')
        .values(row)
        .onConflict((oc) => oc.column('id').doNothing())
        .execute()
      return { id: row.id }
    },
  }
}

export type ${n.Service}Activities = ReturnType<typeof createActivities>
`,
    },
    {
      path: `${dir}/src/seed.ts`,
      content: `// Development data for \`npm run seed\` and the first \`npm start\`: a ${n.entity} for some of the generated users.
import type { SeedHook } from '@marketplace/service-template'
import type { ${n.Service}Database } from './database'

const PER_USER = 0.2

export const seed: SeedHook<${n.Service}Database> = async ({ db, users, log }) => {
  await db.deleteFrom('${n.entities}').execute()
  const count = Math.floor(users.count * PER_USER)
  const rows = Array.from({ length: count }, (_, i) => ({
    // deterministic ids: the same seed gives the same rows
    id: \`00000000-0000-4000-8000-\${String(i + 1).padStart(12, '0')}\`,
    ownerId: users.id(i % users.count),
    name: \`${n.Entity} \${i + 1}\`,
  }))
  for (let i = 0; i < rows.length; i += 1000) await db.insertInto('${n.entities}').values(rows.slice(i, i + 1000)).execute()
  log(\`\${rows.length} ${table}\`)
}
`,
    },
    {
      path: `${dir}/tests/unit/${n.service}.test.ts`,
      content: `// The ${n.service} service without servers: its rules, and its schema in the composed supergraph.
import { composeSupergraph } from '@marketplace/gateway/src/compose'
import { ${n.entity}Name } from '../../src/rules'

describe('${n.service}: rules', () => {
  it('trims a name and accepts 1 to 200 characters', () => {
    expect(${n.entity}Name('  Parcel  ')).toBe('Parcel')
    expect(${n.entity}Name('x'.repeat(200))).toHaveLength(200)
  })

  it.each(['', '   ', 'x'.repeat(201), 'a\\u0000b'])('refuses %j as BAD_USER_INPUT naming the field', (name) => {
    expect(() => ${n.entity}Name(name)).toThrow(expect.objectContaining({ code: 'BAD_USER_INPUT', field: 'name' }))
  })
})

describe('${n.service}: composition', () => {
  it('puts ${n.Entity}, its queries and ${n.create} in the supergraph', () => {
    const supergraph = composeSupergraph()
    expect(supergraph).toMatch(/type ${n.Entity}\\b[^{]*@join__type\\(graph: ${n.service.toUpperCase()}, key: "id"\\)/)
    expect(supergraph).toContain('${n.entities}(first: Int = 10, after: String): ${n.Entity}Connection!')
    expect(supergraph).toContain('${n.create}(input: Create${n.Entity}Input!): ${n.Entity}Payload!')
  })
})
`,
    },
    {
      path: `${dir}/tests/integration/${n.service}.test.ts`,
      content: `// Scenario: a signed-in user creates a ${n.entity} through the gateway; it is stored by the ${n.service}
// service (its own activity, run by the ${n.create} scenario), resolved by reference and listed.
import {
  OPERATION_FIELDS,
  expectCompletedOperation,
  expectOneError,
  query,
  registerFreshUser,
  withDatabase,
  type Connection,
  type OperationView,
} from '../../../../tests/integration/helpers'
import { gql } from '../../../../tests/support/client'

const CREATE = \`mutation ($input: Create${n.Entity}Input!) { ${n.create}(input: $input) { ${n.entity} { id name createdAt owner { id username } } \${OPERATION_FIELDS} } }\`

interface Created {
  ${n.create}: { ${n.entity}: { id: string; name: string; createdAt: string; owner: { id: string; username: string } } | null; operation: OperationView }
}

describe('${n.service}: ${n.create}', () => {
  it('creates the ${n.entity} in a durable run, then reads it by id and in the list', async () => {
    const { token, ...user } = await registerFreshUser('${n.service.slice(0, 4)}')
    const res = await gql<Created>(CREATE, { input: { name: '  First ${n.entity}  ' } }, { token })
    expect(res.errors).toBeUndefined()
    const created = res.data?.${n.create}
    expectCompletedOperation(created?.operation as OperationView, '${n.create}', ['${n.create}'])
    expect(created?.${n.entity}).toEqual({
      id: expect.any(String),
      name: 'First ${n.entity}',
      createdAt: expect.stringMatching(/^\\d{4}-\\d{2}-\\d{2}T/),
      owner: { id: user.id, username: user.username },
    })

    const id = created?.${n.entity}?.id as string
    const read = await query<{ ${n.entity}: { id: string; name: string } }>('query ($id: ID!) { ${n.entity}(id: $id) { id name } }', { id })
    expect(read.${n.entity}).toEqual({ id, name: 'First ${n.entity}' })
    const list = await query<{ ${n.entities}: Connection<{ id: string }> }>('{ ${n.entities}(first: 5) { totalCount edges { cursor node { id } } pageInfo { hasNextPage endCursor } } }')
    expect(list.${n.entities}.edges[0]?.node.id).toBe(id)
  })

  it('refuses a bad name with BAD_USER_INPUT and writes nothing', async () => {
    const { token } = await registerFreshUser('${n.service.slice(0, 4)}')
    const count = () => withDatabase('${n.service}', async (db) => Number((await db.query('select count(*) from ${table}')).rows[0].count))
    const before = await count()
    expectOneError(await gql(CREATE, { input: { name: ' ' } }, { token }), 'BAD_USER_INPUT', 'name')
    expect(await count()).toBe(before)
  })

  it('needs a signed-in caller', async () => {
    expectOneError(await gql(CREATE, { input: { name: 'Anonymous' } }), 'UNAUTHENTICATED')
  })
})
`,
    },
  ]
}
