/**
 * A per-user token bucket for the plan's messages-per-minute rate, in integer
 * units so that a computed wake-up time really has a whole token ready: one
 * message costs {@link UNITS_PER_MESSAGE} units and a rate of `r` per minute
 * refills `r` units per ms. The bucket holds `burstMs` worth of refill (at
 * least one message) and starts full.
 */

/** 60 000 units = one message, so `r` messages/minute refill `r` units/ms. */
export const UNITS_PER_MESSAGE = 60_000;

export interface RateBucket {
  /** Units available at `at`; starts at Infinity, meaning full. */
  units: number;
  at: number;
}

export function newRateBucket(): RateBucket {
  return { units: Infinity, at: -Infinity };
}

function refill(bucket: RateBucket, now: number, perMinute: number, burstMs: number): void {
  const capacity = Math.max(UNITS_PER_MESSAGE, perMinute * burstMs);
  const elapsed = now > bucket.at ? now - bucket.at : 0;
  bucket.units = Math.min(capacity, bucket.units + elapsed * perMinute);
  if (now > bucket.at) bucket.at = now;
}

/** 0 if a message may go at `now`, else the ms until one may. */
export function rateWaitMs(bucket: RateBucket, now: number, perMinute: number, burstMs: number): number {
  refill(bucket, now, perMinute, burstMs);
  if (bucket.units >= UNITS_PER_MESSAGE) return 0;
  return Math.max(1, Math.ceil((UNITS_PER_MESSAGE - bucket.units) / perMinute));
}

/** Spends one message; call only after {@link rateWaitMs} answered 0 at `now`. */
export function rateConsume(bucket: RateBucket, now: number, perMinute: number, burstMs: number): void {
  refill(bucket, now, perMinute, burstMs);
  bucket.units -= UNITS_PER_MESSAGE;
}

/** Whether the bucket has refilled completely, i.e. forgetting it loses nothing. */
export function rateIsFull(bucket: RateBucket, now: number, perMinute: number, burstMs: number): boolean {
  refill(bucket, now, perMinute, burstMs);
  return bucket.units >= Math.max(UNITS_PER_MESSAGE, perMinute * burstMs);
}
