/**
 * Tells when a server stops answering, while it lasts: `UnansweredWatch`
 * sends one probe at a time (any call that must come back), and
 * `RedisStallWatch` is it with Redis PINGs. For Redis nothing else would tell:
 * ioredis has no command timeout here, so during a stall (a frozen server, a
 * network that drops without a reset) every write simply waits, forwarding
 * quietly stops being accepted and leases quietly run out. One PING at a
 * time on the supervisor's own connection, queued behind whatever else waits
 * there: unanswered for `stallAfterMs`, Redis counts as stalled until a PING
 * comes back. A PING that fails outright (disconnected, out of retries)
 * counts as unanswered too.
 */
import type { Redis } from 'ioredis';

export interface RedisStallWatchOptions {
  /** ms between two checks. Default 250. */
  intervalMs?: number;
  /** A probe (PING) unanswered this long means the server is stalled, ms. Default 1 000. */
  stallAfterMs?: number;
  /** Clock, ms. Default `Date.now`. */
  now?: () => number;
  /** Called when a stall begins (`stalledMs` since the first unanswered PING) and when it ends (its whole length). */
  onStall(event: { stalled: boolean; stalledMs: number }): void;
}

export class UnansweredWatch {
  readonly #probe: () => Promise<unknown>;
  readonly #intervalMs: number;
  readonly #stallAfterMs: number;
  readonly #now: () => number;
  readonly #onStall: RedisStallWatchOptions['onStall'];
  /** When the oldest unanswered PING went out; null while Redis answers. */
  #unansweredSince: number | null = null;
  #inFlight = false;
  #stalled = false;
  #timer: NodeJS.Timeout | null = null;

  /** `probe`: one call to the server that resolves once it answered (rejects when the call failed outright). */
  constructor(probe: () => Promise<unknown>, options: RedisStallWatchOptions) {
    this.#probe = probe;
    this.#intervalMs = options.intervalMs ?? 250;
    this.#stallAfterMs = options.stallAfterMs ?? 1_000;
    this.#now = options.now ?? Date.now;
    this.#onStall = options.onStall;
  }

  start(): void {
    this.#timer ??= setInterval(() => this.check(), this.#intervalMs);
    this.#timer.unref();
  }

  stop(): void {
    if (this.#timer !== null) clearInterval(this.#timer);
    this.#timer = null;
  }

  /** How long the server has not answered, ms, once that counts as a stall; null while it answers. */
  stalledForMs(): number | null {
    return this.#stalled && this.#unansweredSince !== null ? this.#now() - this.#unansweredSince : null;
  }

  /** One round: sends a probe unless one is out, and declares a stall once the oldest has waited too long. */
  check(): void {
    const now = this.#now();
    if (!this.#inFlight) {
      this.#inFlight = true;
      this.#unansweredSince ??= now;
      this.#probe().then(() => this.#answered(), () => this.#failed());
    }
    if (!this.#stalled && this.#unansweredSince !== null && now - this.#unansweredSince >= this.#stallAfterMs) {
      this.#stalled = true;
      this.#onStall({ stalled: true, stalledMs: now - this.#unansweredSince });
    }
  }

  #answered(): void {
    this.#inFlight = false;
    const since = this.#unansweredSince;
    this.#unansweredSince = null;
    if (this.#stalled && since !== null) {
      this.#stalled = false;
      this.#onStall({ stalled: false, stalledMs: this.#now() - since });
    }
  }

  /** The probe failed: the server still has not answered, so the stall (if any) goes on from the same moment. */
  #failed(): void {
    this.#inFlight = false;
  }
}

/** Redis stalls, told by one PING at a time on the supervisor's own connection. */
export class RedisStallWatch extends UnansweredWatch {
  constructor(redis: Redis, options: RedisStallWatchOptions) {
    super(() => redis.ping(), options);
  }
}
