/**
 * Discord bans an IP for a while once it makes 10 000 invalid requests
 * (401, 403, 429) within 10 minutes. This counts them in a sliding window of
 * per-second buckets (constant memory and O(1) per call) so the clients can
 * stop sending well before that: past `limit`, `blockedForMs` says how long
 * until enough old requests slide out.
 */

export interface InvalidRequestWindowOptions {
  /** Requests tolerated within the window. */
  limit: number;
  /** Window length, ms. Default 600 000 (Discord's 10 minutes). */
  windowMs?: number;
  /** Granularity, ms: a request leaves the window up to this much late. Default 1 000. */
  bucketMs?: number;
}

export class InvalidRequestWindow {
  readonly limit: number;
  readonly #bucketMs: number;
  readonly #counts: Float64Array;
  /** Bucket number (time / bucketMs) each slot currently holds. */
  readonly #slotBucket: Float64Array;
  #total = 0;
  /** Newest bucket number seen. */
  #head = Number.NEGATIVE_INFINITY;

  constructor(options: InvalidRequestWindowOptions) {
    const windowMs = options.windowMs ?? 600_000;
    this.#bucketMs = options.bucketMs ?? 1_000;
    this.limit = options.limit;
    const slots = Math.max(1, Math.ceil(windowMs / this.#bucketMs));
    this.#counts = new Float64Array(slots);
    this.#slotBucket = new Float64Array(slots).fill(Number.NEGATIVE_INFINITY);
  }

  record(now: number = Date.now(), count = 1): void {
    const bucket = this.#advance(now);
    const slot = bucket % this.#counts.length;
    this.#counts[slot]! += count;
    this.#total += count;
  }

  /** Invalid requests within the window ending at `now`. */
  count(now: number = Date.now()): number {
    this.#advance(now);
    return this.#total;
  }

  /** 0 while below the limit; else ms until the count falls below it. */
  blockedForMs(now: number = Date.now()): number {
    const head = this.#advance(now);
    if (this.#total < this.limit) return 0;
    const slots = this.#counts.length;
    let left = this.#total;
    for (let bucket = head - slots + 1; bucket <= head; bucket += 1) {
      const slot = ((bucket % slots) + slots) % slots;
      if (this.#slotBucket[slot] !== bucket) continue;
      left -= this.#counts[slot]!;
      if (left < this.limit) return Math.max(1, (bucket + slots) * this.#bucketMs - now);
    }
    return slots * this.#bucketMs;
  }

  /** Moves the window to `now`, emptying the slots that fell out; returns the current bucket number. */
  #advance(now: number): number {
    const bucket = Math.floor(now / this.#bucketMs);
    if (bucket <= this.#head) return this.#head;
    const slots = this.#counts.length;
    const from = Math.max(this.#head + 1, bucket - slots + 1);
    for (let b = from; b <= bucket; b += 1) {
      const slot = b % slots;
      this.#total -= this.#counts[slot]!;
      this.#counts[slot] = 0;
      this.#slotBucket[slot] = b;
    }
    // A jump past the whole window leaves slots from before it holding counts; they are all gone now.
    if (bucket - this.#head >= slots) this.#total = 0;
    this.#head = bucket;
    return bucket;
  }
}
