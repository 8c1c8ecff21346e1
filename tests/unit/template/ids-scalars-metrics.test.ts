import { GraphQLError, Kind, parseValue } from 'graphql'
import { isId } from '../../../packages/service-template/src/ids'
import { Metrics, parseMetrics } from '../../../packages/service-template/src/metrics'
import { DateTime } from '../../../packages/service-template/src/scalars'
import { thrownBy } from './helpers'

describe('isId', () => {
  it('accepts UUIDs in either case', () => {
    expect(isId('3f2c8a4e-1b7d-4e9a-9c0f-5a6b7c8d9e01')).toBe(true)
    expect(isId('3F2C8A4E-1B7D-4E9A-9C0F-5A6B7C8D9E01')).toBe(true)
    expect(isId('00000000-0000-0000-0000-000000000000')).toBe(true)
  })

  it.each([
    ['a number-like string', '42'],
    ['empty', ''],
    ['no dashes', '3f2c8a4e1b7d4e9a9c0f5a6b7c8d9e01'],
    ['too short', '3f2c8a4e-1b7d-4e9a-9c0f-5a6b7c8d9e0'],
    ['too long', '3f2c8a4e-1b7d-4e9a-9c0f-5a6b7c8d9e012'],
    ['non-hex', '3f2c8a4e-1b7d-4e9a-9c0f-5a6b7c8d9e0g'],
    ['padded', ' 3f2c8a4e-1b7d-4e9a-9c0f-5a6b7c8d9e01'],
    ['trailing newline', '3f2c8a4e-1b7d-4e9a-9c0f-5a6b7c8d9e01\n'],
    ['braced', '{3f2c8a4e-1b7d-4e9a-9c0f-5a6b7c8d9e01}'],
  ])('rejects %s', (_name, value) => {
    expect(isId(value)).toBe(false)
  })

  it('rejects non-strings', () => {
    for (const value of [null, undefined, 42, {}, ['3f2c8a4e-1b7d-4e9a-9c0f-5a6b7c8d9e01']]) expect(isId(value)).toBe(false)
  })
})

describe('DateTime scalar', () => {
  it('serialises a Date to ISO UTC', () => {
    expect(DateTime.serialize(new Date(Date.UTC(2026, 10, 22, 10, 15, 0, 0)))).toBe('2026-11-22T10:15:00.000Z')
  })

  it('serialises ISO strings (with any offset) to ISO UTC', () => {
    expect(DateTime.serialize('2026-11-22T10:15:00.000Z')).toBe('2026-11-22T10:15:00.000Z')
    expect(DateTime.serialize('2026-11-22T12:15:00+02:00')).toBe('2026-11-22T10:15:00.000Z')
    expect(DateTime.serialize('2026-11-22T10:15:00.5Z')).toBe('2026-11-22T10:15:00.500Z')
  })

  it.each([['garbage'], ['2026-13-45T99:00:00Z'], [new Date('nope')], [{}]])('refuses to serialise %p', (value) => {
    const error = thrownBy(() => DateTime.serialize(value))
    expect(error).toBeInstanceOf(GraphQLError)
    expect((error as GraphQLError).message).toMatch(/DateTime/)
  })

  it('parses variables to Dates', () => {
    const parsed = DateTime.parseValue('2026-11-22T12:15:00+02:00') as Date
    expect(parsed).toBeInstanceOf(Date)
    expect(parsed.toISOString()).toBe('2026-11-22T10:15:00.000Z')
    expect(() => DateTime.parseValue('not a date')).toThrow(GraphQLError)
  })

  it('parses string literals, rejects other literals and bad strings', () => {
    expect((DateTime.parseLiteral(parseValue('"2026-11-22T10:15:00Z"'), {}) as Date).toISOString()).toBe('2026-11-22T10:15:00.000Z')
    expect(() => DateTime.parseLiteral(parseValue('1700000000000'), {})).toThrow(/must be a string/)
    expect(() => DateTime.parseLiteral({ kind: Kind.BOOLEAN, value: true }, {})).toThrow(GraphQLError)
    expect(() => DateTime.parseLiteral(parseValue('"yesterday"'), {})).toThrow(/ISO-8601/)
  })

  it('is named DateTime', () => {
    expect(DateTime.name).toBe('DateTime')
  })
})

describe('Metrics', () => {
  it('counts', () => {
    const metrics = new Metrics()
    expect(metrics.get('requests_total')).toBe(0)
    metrics.increment('requests_total')
    metrics.increment('requests_total', 4)
    expect(metrics.get('requests_total')).toBe(5)
  })

  it('renders Prometheus text that parseMetrics reads back', async () => {
    const metrics = new Metrics()
    metrics.increment('zeta_total', 2)
    metrics.increment('alpha_cache_hits_total', 10)
    metrics.increment('mid:ratio', 0.5)
    const text = await metrics.metricsText()
    expect(text.endsWith('\n')).toBe(true)
    expect(text).toMatch(/# TYPE alpha_cache_hits_total counter\nalpha_cache_hits_total 10\n/)
    expect(text).toContain('# TYPE process_resident_memory_bytes gauge\n')

    const parsed = parseMetrics(text)
    expect(parsed).toMatchObject({ alpha_cache_hits_total: 10, 'mid:ratio': 0.5, zeta_total: 2 })
    expect(parsed.process_resident_memory_bytes).toBeGreaterThan(0)
    expect(parsed.nodejs_heap_size_used_bytes).toBeGreaterThan(0)
  })

  it('parseMetrics ignores comments, blank and malformed lines', () => {
    expect(parseMetrics('# HELP x y\n# TYPE x counter\nx 3\n\n1bad 4\nspaced out line\ny  7\n')).toEqual({ x: 3, y: 7 })
  })
})
