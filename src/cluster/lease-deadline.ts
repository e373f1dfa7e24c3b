/**
 * When a lease holder must stop, as pure arithmetic.
 *
 * The rule: a holder keeps its platform connection only until its LOCAL
 * deadline, computed from the local monotonic time (`performance.now()`) at
 * which the acquire or renew request that granted the lease was SENT, plus
 * `ttlMs - stopMarginMs`. Redis starts the TTL when it runs the request, which
 * is after the send, so network and queueing delay only make the holder stop
 * earlier than the server-side expiry. Never derive the deadline from the
 * reply's arrival or from the wall clock: a late reply or a skewed clock would
 * move the deadline past `expiresAt`. The margin covers what the holder still
 * does after its deadline: closing the connection, and a heartbeat it sent
 * just before it reaching the platform.
 */
import type { LeaseGrant } from './session-lease.ts';

/**
 * Server time (ms since epoch, Redis clock) by which the holder of `grant`
 * must have stopped unless it renewed: `expiresAt - stopMarginMs`. Useful to
 * reason about or display a grant; a holder enforces {@link localStopDeadline}.
 */
export function mustStopBy(grant: Pick<LeaseGrant, 'expiresAt'>, stopMarginMs: number): number {
  return grant.expiresAt - stopMarginMs;
}

/**
 * Local monotonic time (same clock as `sentAtMs`, e.g. `performance.now()`)
 * after which the holder must not keep, open or heartbeat its connection:
 * `sentAtMs + ttlMs - stopMarginMs`, where `sentAtMs` was read just before the
 * granting acquire or renew request was sent.
 */
export function localStopDeadline(sentAtMs: number, ttlMs: number, stopMarginMs: number): number {
  return sentAtMs + ttlMs - stopMarginMs;
}
