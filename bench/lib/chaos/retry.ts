// What a real client does with a mutation's answer: accept it, give up on it, or send it again
// with the same Idempotency-Key after a back-off. Pure, so the unit tests can check it.

export type OperationStatus = 'RUNNING' | 'COMPLETED' | 'FAILED' | 'COMPENSATED'

/** The answer to one attempt: an HTTP status and body, or a network error / timeout. */
export type Attempt = { readonly status: number; readonly body: string } | { readonly error: string }

export type Verdict =
  /** the run ended: COMPLETED (accepted), FAILED or COMPENSATED (refused by the run) */
  | {
      readonly kind: 'done'
      readonly status: Exclude<OperationStatus, 'RUNNING'>
      readonly operationId: string
      readonly payload: Record<string, any>
      readonly error: string | null
    }
  /** refused before or by the run with a domain code (nothing was or will be written) */
  | { readonly kind: 'refused'; readonly code: string; readonly message: string; readonly operationId: string | null }
  /** try again with the same key: a network error, a timeout, a 5xx, 429, an internal error or a RUNNING run */
  | { readonly kind: 'retry'; readonly reason: string; readonly operationId: string | null; readonly payload?: Record<string, any> }

/** Codes that mean "this request, as asked, is refused": sending it again changes nothing. */
export const FINAL_CODES: ReadonlySet<string> = new Set([
  'BAD_USER_INPUT',
  'CONFLICT',
  'NOT_FOUND',
  'FORBIDDEN',
  'UNAUTHENTICATED',
  'GRAPHQL_VALIDATION_FAILED',
  'GRAPHQL_PARSE_FAILED',
])

interface GraphQLError {
  readonly message?: string
  readonly extensions?: { readonly code?: string }
}

/** Classifies one attempt at `field` (the mutation's name): what a careful client would do next. */
export function classify(field: string, attempt: Attempt): Verdict {
  if ('error' in attempt) return { kind: 'retry', reason: `network: ${attempt.error.slice(0, 120)}`, operationId: null }
  type Body = { data?: Record<string, any> | null; errors?: GraphQLError[] }
  let json: Body | null
  try {
    json = JSON.parse(attempt.body) as Body
  } catch {
    json = null
  }
  const payload = json?.data?.[field] as Record<string, any> | null | undefined
  const operation = payload?.operation as { id?: string; status?: OperationStatus; error?: string | null } | null | undefined
  const operationId = operation?.id ?? null
  const errors = json?.errors ?? []
  const codes = errors.map((e) => e.extensions?.code ?? 'UNKNOWN')
  if (operation?.status && operationId) {
    if (operation.status === 'RUNNING') return { kind: 'retry', reason: 'RUNNING', operationId, payload: payload as Record<string, any> }
    return { kind: 'done', status: operation.status, operationId, payload: payload as Record<string, any>, error: operation.error ?? null }
  }
  if (attempt.status >= 500 || attempt.status === 429)
    return { kind: 'retry', reason: `HTTP ${attempt.status}${codes.length ? ` ${codes.join(',')}` : ''}`, operationId }
  const final = errors.find((e) => FINAL_CODES.has(e.extensions?.code ?? ''))
  if (final) return { kind: 'refused', code: final.extensions?.code as string, message: final.message ?? '', operationId }
  if (errors.length > 0) return { kind: 'retry', reason: `errors: ${codes.join(',')}`, operationId }
  if (json === null) return { kind: 'retry', reason: `HTTP ${attempt.status}: not JSON`, operationId }
  return { kind: 'retry', reason: `HTTP ${attempt.status}: no operation in the answer`, operationId }
}

export interface RetryPolicy {
  /** attempts in all (the first included) */
  readonly attempts: number
  readonly firstDelayMs: number
  readonly maxDelayMs: number
}

export const CLIENT_RETRY_POLICY: RetryPolicy = { attempts: 8, firstDelayMs: 500, maxDelayMs: 8_000 }

/** The pause before attempt `n + 1` (n ≥ 1 attempts made): doubling from firstDelayMs, capped, with ±25% jitter. */
export function backoffMs(policy: RetryPolicy, attemptsMade: number, random: () => number): number {
  const base = Math.min(policy.maxDelayMs, policy.firstDelayMs * 2 ** Math.max(0, attemptsMade - 1))
  return Math.round(base * (0.75 + 0.5 * random()))
}
