import {
  CamelCasePlugin,
  DummyDriver,
  Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  type CompiledQuery,
  type DatabaseConnection,
} from 'kysely'
import { DomainError } from '../../../packages/service-template/src/errors'

/** The error `fn` throws (fails the test when it does not throw). */
export function thrownBy(fn: () => unknown): unknown {
  try {
    fn()
  } catch (error) {
    return error
  }
  throw new Error('expected the call to throw')
}

/** Asserts `fn` throws a DomainError with this code and field, and returns it. */
export function expectDomainError(fn: () => unknown, code: string, field?: string): DomainError {
  const error = thrownBy(fn)
  expect(error).toBeInstanceOf(DomainError)
  const domain = error as DomainError
  expect(domain.code).toBe(code)
  expect(domain.field).toBe(field)
  return domain
}

/**
 * A Kysely with the services' CamelCasePlugin whose driver records each query and answers with
 * `answer(sql)`'s rows (in the database's snake_case names, as Postgres would).
 */
export function recordingDb<DB>(answer: (sql: string) => readonly Record<string, unknown>[]) {
  const queries: { sql: string; parameters: readonly unknown[] }[] = []
  const connection: DatabaseConnection = {
    async executeQuery<R>(query: CompiledQuery) {
      queries.push({ sql: query.sql, parameters: query.parameters })
      return { rows: answer(query.sql) as R[] }
    },
    // eslint-disable-next-line require-yield
    async *streamQuery() {
      throw new Error('not used')
    },
  }
  const db = new Kysely<DB>({
    dialect: {
      createAdapter: () => new PostgresAdapter(),
      createDriver: () => Object.assign(new DummyDriver(), { acquireConnection: async () => connection }),
      createIntrospector: (k) => new PostgresIntrospector(k),
      createQueryCompiler: () => new PostgresQueryCompiler(),
    },
    plugins: [new CamelCasePlugin()],
  })
  return { db, queries }
}
