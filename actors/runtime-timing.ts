/**
 * Timing a worker derives from its lease settings, in one place so the thread
 * hosts, the worker process and the tests agree. WorkerOptions carries only
 * the lease TTL and renewal interval; the rest follows from them.
 */

/**
 * How long before its lease would expire a holder that could not renew stops
 * (see src/cluster/lease-deadline.ts): 2 000 ms, or half of what is left of
 * the TTL after one renewal interval when that is less, so that a renewal
 * interval always fits before the deadline (ttl 10 000, renew 3 333 -> 2 000).
 */
export function leaseStopMarginMs(leaseTtlMs: number, leaseRenewMs: number): number {
  return Math.max(0, Math.min(2_000, Math.floor((leaseTtlMs - leaseRenewMs) / 2)));
}

/**
 * TTL of a loopback connection: 1 500 ms (the loopback default), or 3/4 of
 * the stop margin when that is less. A connection lives at most this long
 * after its last heartbeat, and no beat is sent after the lease deadline, so
 * a dead or fenced holder's connection is gone before its lease expires.
 */
export function loopbackConnectionTtlMs(stopMarginMs: number): number {
  return Math.max(1, Math.min(1_500, Math.floor((stopMarginMs * 3) / 4)));
}
