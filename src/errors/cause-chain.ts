/**
 * Whether an error or anything it wraps passes `test`: drivers and ORMs wrap
 * the socket's error in their own (`cause`), and Node's happy-eyeballs
 * connect gathers one per address in an AggregateError (`errors`).
 */
export function anyInCauseChain(error: unknown, test: (error: object) => boolean, depth = 0): boolean {
  if (error === null || typeof error !== 'object' || depth > 5) return false;
  if (test(error)) return true;
  const { cause, errors } = error as { cause?: unknown; errors?: unknown };
  if (anyInCauseChain(cause, test, depth + 1)) return true;
  return Array.isArray(errors) && errors.some((e) => anyInCauseChain(e, test, depth + 1));
}
