import { GraphQLError, GraphQLScalarType, Kind } from 'graphql'

function toDate(value: unknown): Date {
  const date = value instanceof Date ? value : new Date(String(value))
  if (Number.isNaN(date.getTime())) throw new GraphQLError('DateTime must be an ISO-8601 date-time.')
  return date
}

/** ISO-8601 in UTC, e.g. "2026-11-22T10:15:00.000Z". */
export const DateTime = new GraphQLScalarType({
  name: 'DateTime',
  description: 'ISO-8601 in UTC, e.g. "2026-11-22T10:15:00.000Z"',
  serialize: (value) => toDate(value).toISOString(),
  parseValue: (value) => toDate(value),
  parseLiteral: (ast) => {
    if (ast.kind !== Kind.STRING) throw new GraphQLError('DateTime must be a string.')
    return toDate(ast.value)
  },
})
