/**
 * A bot's gateway session starts, as Discord limits them: `total` IDENTIFYs
 * per `resetAfterMs` (1000 a day by default), at most `maxConcurrency` of
 * them per 5 s, reported by `GET /gateway/bot` as `session_start_limit`.
 * A RESUME starts no session and costs nothing.
 */

export interface SessionStartOptions {
  /** Session starts per period. Default 1000, as Discord gives most bots. */
  total: number;
  /** Length of a period, ms, counted from the first start in it. Default 86 400 000. */
  resetAfterMs: number;
  /** IDENTIFYs allowed per `windowMs`. Default 1. */
  maxConcurrency: number;
  /** The identify rate-limit window, ms. Default 5 000. */
  windowMs: number;
}

export const DEFAULT_SESSION_STARTS: SessionStartOptions = { total: 1000, resetAfterMs: 86_400_000, maxConcurrency: 1, windowMs: 5_000 };

/** What an IDENTIFY meets: a new session, too many at once (op 9), or no starts left for the period. */
export type StartVerdict = 'started' | 'too_fast' | 'exhausted';

export class SessionStartLimit {
  total: number;
  remaining: number;
  maxConcurrency: number;
  readonly #resetAfterMs: number;
  readonly #windowMs: number;
  /** When the period ends; null until the first start of one. */
  #resetAt: number | null = null;
  readonly #recent: number[] = [];

  constructor(options: SessionStartOptions) {
    this.total = options.total;
    this.remaining = options.total;
    this.maxConcurrency = options.maxConcurrency;
    this.#resetAfterMs = options.resetAfterMs;
    this.#windowMs = options.windowMs;
  }

  /** `session_start_limit` of `GET /gateway/bot`. */
  snapshot(now: number): { total: number; remaining: number; reset_after: number; max_concurrency: number } {
    this.#roll(now);
    const resetAfter = this.#resetAt === null ? this.#resetAfterMs : this.#resetAt - now;
    return { total: this.total, remaining: this.remaining, reset_after: resetAfter, max_concurrency: this.maxConcurrency };
  }

  /** Counts an IDENTIFY at `now` unless the window or the period refuses it. */
  start(now: number): StartVerdict {
    this.#roll(now);
    while (this.#recent.length > 0 && this.#recent[0]! <= now - this.#windowMs) this.#recent.shift();
    if (this.remaining <= 0) return 'exhausted';
    if (this.#recent.length >= this.maxConcurrency) return 'too_fast';
    this.#recent.push(now);
    this.remaining -= 1;
    this.#resetAt ??= now + this.#resetAfterMs;
    return 'started';
  }

  #roll(now: number): void {
    if (this.#resetAt !== null && now >= this.#resetAt) {
      this.remaining = this.total;
      this.#resetAt = null;
    }
  }
}
