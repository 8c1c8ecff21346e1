import { DomainError, rules } from '@marketplace/service-template'
import * as catalogRules from '@marketplace/catalog/src/rules'
import * as commentRules from '@marketplace/comments/src/rules'
import * as merchantRules from '@marketplace/merchants/src/rules'
import * as reviewRules from '@marketplace/reviews/src/rules'
import * as userRules from '@marketplace/users/src/rules'

/** What a client sees of a refusal: code, field, message. */
function refusal(check: () => unknown): { code: string; field?: string; message: string } | null {
  try {
    check()
    return null
  } catch (err) {
    if (!(err instanceof DomainError)) throw err
    return { code: err.code, ...(err.field ? { field: err.field } : {}), message: err.message }
  }
}

describe("the template's rule machinery", () => {
  it('textLength counts characters, not UTF-16 units, and names the field', () => {
    expect(rules.textLength('name', '😀', 1, 1)).toBe('😀')
    expect(refusal(() => rules.textLength('name', '', 1, 10))).toEqual({
      code: 'BAD_USER_INPUT',
      field: 'name',
      message: 'name must be 1 to 10 characters.',
    })
    expect(refusal(() => rules.textLength('bio', 'x'.repeat(11), 0, 10))?.message).toBe('bio must be at most 10 characters.')
    expect(refusal(() => rules.textLength('pin', '123', 4, 4, 'digits'))?.message).toBe('pin must be 4 digits.')
    expect(refusal(() => rules.textLength('body', 'a\u0000b', 0, 10))?.message).toBe('body must not contain NUL characters.')
  })

  it('id: anything but a UUID is NOT_FOUND; a UUID is lower-cased', () => {
    expect(rules.id('3F2504E0-4F89-41D3-9A0C-0305E82C3301', 'The store')).toBe('3f2504e0-4f89-41d3-9a0c-0305e82c3301')
    expect(refusal(() => rules.id('nope', 'The store'))).toEqual({ code: 'NOT_FOUND', message: 'The store was not found.' })
  })
})

describe("each service's rules", () => {
  it('users', () => {
    expect(userRules.username('  Ada_Lovelace ')).toBe('ada_lovelace')
    expect(refusal(() => userRules.username('a!'))?.message).toBe('username must be 3 to 32 characters of a-z, 0-9 and _.')
    expect(refusal(() => userRules.password('short'))?.message).toBe('password must be 8 to 128 characters.')
    expect(refusal(() => userRules.displayName('   '))?.field).toBe('displayName')
    expect(refusal(() => userRules.avatarUrl('ftp://example.com/a.png'))?.message).toBe('avatarUrl must be an http(s) URL.')
  })

  it('catalog and merchants', () => {
    expect(refusal(() => catalogRules.productName('x'.repeat(201)))?.message).toBe('name must be 1 to 200 characters.')
    expect(refusal(() => catalogRules.priceAmount(-1))?.field).toBe('price.amount')
    expect(refusal(() => catalogRules.currency('XYZ'))?.message).toBe('price.currency must be an ISO-4217 code such as "EUR".')
    expect(catalogRules.currency('EUR')).toBe('EUR')
    expect(refusal(() => merchantRules.merchantName('x'.repeat(121)))?.message).toBe('name must be 1 to 120 characters.')
    for (const description of [catalogRules.description, merchantRules.description])
      expect(refusal(() => description('x'.repeat(4001)))?.message).toBe('description must be at most 4000 characters.')
  })

  it('reviews and comments', () => {
    expect(refusal(() => reviewRules.reviewRating(6))?.message).toBe('rating must be a whole number from 1 to 5.')
    expect(refusal(() => reviewRules.reviewBody(''))?.message).toBe('body must be 1 to 4000 characters.')
    expect(refusal(() => reviewRules.rejectionReason(' '))?.message).toBe('reason must be 1 to 500 characters.')
    expect(refusal(() => commentRules.commentBody('x'.repeat(2001)))?.message).toBe('body must be 1 to 2000 characters.')
  })
})
