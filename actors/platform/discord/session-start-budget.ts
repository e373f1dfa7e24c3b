/**
 * Whether a Discord bot may spend a gateway session start (an IDENTIFY), from
 * `session_start_limit` of `GET /gateway/bot`. Discord resets the token of a
 * bot that identifies past zero, so the adapter keeps a reserve: a restart
 * loop stops with a clear error while some starts are still left.
 */

export interface SessionStartLimit {
  total: number;
  remaining: number;
  /** ms until `remaining` is back to `total`. */
  reset_after: number;
  max_concurrency: number;
}

/** Share of `total` kept back; at or under it the adapter refuses to identify. */
export const SESSION_START_RESERVE = 0.05;

/** `ok`, `low` (under twice the reserve: warn) or `refuse` (within the reserve). */
export function sessionStartVerdict(limit: Pick<SessionStartLimit, 'total' | 'remaining'>): 'ok' | 'low' | 'refuse' {
  const reserve = Math.max(1, Math.ceil(limit.total * SESSION_START_RESERVE));
  if (limit.remaining <= reserve) return 'refuse';
  return limit.remaining <= 2 * reserve ? 'low' : 'ok';
}
