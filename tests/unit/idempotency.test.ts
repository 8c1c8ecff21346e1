// The Idempotency-Key's rules: which keys the gateway forwards, and how the façade turns a key into
// a run's id (the same key of the same caller → the same run; anything else → another run).
import { checkIdempotencyKey, isIdempotencyKey } from '../../packages/service-template/src/idempotency'
import { keyedWorkflowId, keyOwner, requestDigest, workflowIdPrefix } from '../../workflows/src/facade/idempotency'

const OPERATION_ID = /^[a-z][a-z0-9_-]*$/
const alice = { userId: '11111111-1111-4111-8111-111111111111', role: 'CUSTOMER' as const }
const bob = { userId: '22222222-2222-4222-8222-222222222222', role: 'CUSTOMER' as const }
const anonymous = { userId: null, role: null }

describe('the gateway forwards a key of 1..200 printable ASCII characters', () => {
  it('no header: no key', () => {
    expect(checkIdempotencyKey({})).toEqual({ ok: true, key: null })
  })

  it.each(['a', 'order 42/retry=1', '~'.repeat(200)])('accepts %j', (key) => {
    expect(checkIdempotencyKey({ 'idempotency-key': key })).toEqual({ ok: true, key })
  })

  it.each(['', 'k'.repeat(201), 'clé', 'tab\there', 'new\nline'])('refuses %j with a message naming the header', (key) => {
    const checked = checkIdempotencyKey({ 'idempotency-key': key })
    expect(checked.ok).toBe(false)
    expect(!checked.ok && checked.message).toMatch(/Idempotency-Key/)
    expect(isIdempotencyKey(key)).toBe(false)
  })
})

describe('a key names one run per caller and mutation', () => {
  const id = (caller: typeof alice | typeof anonymous, mutation: string, key: string, address: string | null = '203.0.113.9') =>
    keyedWorkflowId(keyOwner(caller, address), mutation, key)

  it('the same caller, mutation and key: the same run id, a valid operation id named after the mutation', () => {
    expect(id(alice, 'postComment', 'k1')).toBe(id(alice, 'postComment', 'k1'))
    expect(id(alice, 'postComment', 'k1')).toMatch(OPERATION_ID)
    expect(id(alice, 'postComment', 'k1')).toMatch(/^post-comment-key-[0-9a-f]{40}$/)
    // a signed-in caller's key does not depend on where the retry comes from
    expect(id(alice, 'postComment', 'k1', '198.51.100.1')).toBe(id(alice, 'postComment', 'k1'))
  })

  it('another caller, another mutation or another key: another run', () => {
    const ids = [
      id(alice, 'postComment', 'k1'),
      id(bob, 'postComment', 'k1'),
      id(alice, 'createProduct', 'k1'),
      id(alice, 'postComment', 'k2'),
      id(anonymous, 'postComment', 'k1'),
    ]
    expect(new Set(ids).size).toBe(ids.length)
  })

  it('anonymous callers (registerUser) are told apart by the address the gateway signed', () => {
    expect(id(anonymous, 'registerUser', 'k1', '203.0.113.9')).not.toBe(id(anonymous, 'registerUser', 'k1', '198.51.100.1'))
  })

  it('parts cannot be shifted into one another', () => {
    expect(keyedWorkflowId('user:a', 'postComment', 'b')).not.toBe(keyedWorkflowId('user:ab', 'postComment', ''))
  })

  it('prefixes follow the README table', () => {
    expect(workflowIdPrefix('registerMerchant')).toBe('register-merchant')
    expect(workflowIdPrefix('updateProfile')).toBe('update-profile')
  })
})

describe('the request digest a keyed run remembers', () => {
  it('is the same for the same request, and differs for other input or another secret', () => {
    const input = { body: 'Hello', subject: { type: 'PRODUCT', id: 'p' } }
    expect(requestDigest('s', 'postComment', input)).toBe(requestDigest('s', 'postComment', { ...input }))
    expect(requestDigest('s', 'postComment', { ...input, body: 'Hello!' })).not.toBe(requestDigest('s', 'postComment', input))
    expect(requestDigest('other', 'postComment', input)).not.toBe(requestDigest('s', 'postComment', input))
  })
})
