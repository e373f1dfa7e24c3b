/**
 * Discord bans an IP for a while once it makes 10 000 invalid requests
 * (401, 403, 429) within 10 minutes, whichever bot, thread or process made
 * them. This is the arithmetic of one host's count, kept as buckets of time
 * (bucket number → requests) that every thread and worker of the host adds
 * to (host-invalid-requests.ts keeps them in Redis). Pure.
 */

export interface HostWindowShape {
  /** Requests tolerated within the window. */
  limit: number;
  /** Window length, ms. Discord's is 600 000. */
  windowMs: number;
  /** Bucket length, ms: a request leaves the window up to this much late. */
  bucketMs: number;
}

/** The bucket `now` falls in. */
export function bucketOf(now: number, bucketMs: number): number {
  return Math.floor(now / bucketMs);
}

/** Buckets wholly or partly within the window ending at `now`, oldest first. */
function live(buckets: ReadonlyMap<number, number>, now: number, shape: HostWindowShape): Array<[number, number]> {
  const head = bucketOf(now, shape.bucketMs);
  const span = Math.ceil(shape.windowMs / shape.bucketMs);
  return [...buckets].filter(([b]) => b > head - span && b <= head).sort((a, b) => a[0] - b[0]);
}

/** Requests within the window ending at `now`. */
export function windowTotal(buckets: ReadonlyMap<number, number>, now: number, shape: HostWindowShape): number {
  return live(buckets, now, shape).reduce((n, [, count]) => n + count, 0);
}

/** 0 while below the limit; else ms until enough old buckets leave the window to fall below it. */
export function blockedForMs(buckets: ReadonlyMap<number, number>, now: number, shape: HostWindowShape): number {
  const entries = live(buckets, now, shape);
  let left = entries.reduce((n, [, count]) => n + count, 0);
  if (left < shape.limit) return 0;
  const span = Math.ceil(shape.windowMs / shape.bucketMs);
  for (const [bucket, count] of entries) {
    left -= count;
    if (left < shape.limit) return Math.max(1, (bucket + span) * shape.bucketMs - now);
  }
  return shape.windowMs;
}

/** Buckets that have left the window ending at `now`: to be dropped. */
export function staleBuckets(buckets: Iterable<number>, now: number, shape: HostWindowShape): number[] {
  const head = bucketOf(now, shape.bucketMs);
  const span = Math.ceil(shape.windowMs / shape.bucketMs);
  return [...buckets].filter((b) => b <= head - span);
}
