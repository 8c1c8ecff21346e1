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
