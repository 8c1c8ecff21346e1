/** The name of the unique constraint/index a Postgres error violated, if that is what it is. */
export function uniqueViolation(err: unknown): string | null {
  const e = err as { code?: string; constraint?: string }
  return e?.code === '23505' ? (e.constraint ?? '') : null
}
