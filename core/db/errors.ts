/** A unique index refused the write, whether the error comes raw from pg or wrapped by Objection. */
export function isUniqueViolation(error: unknown): boolean {
  const e = error as { code?: string; name?: string; nativeError?: { code?: string } };
  return e?.code === '23505' || e?.nativeError?.code === '23505' || e?.name === 'UniqueViolationError';
}
