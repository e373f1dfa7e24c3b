/**
 * How often a pair's delivery notice is written: at most once per pair per
 * interval, so a busy pair whose every message carries the same notice does
 * not write its row on every message. Pure: the clock is passed in.
 */
export class NoticeThrottle {
  readonly #intervalMs: number;
  readonly #max: number;
  readonly #writtenAt = new Map<string, number>();

  /** `max`: most pairs remembered; past it, the oldest write is forgotten (that pair may write again early). */
  constructor(intervalMs: number, max = 10_000) {
    this.#intervalMs = intervalMs;
    this.#max = max;
  }

  /** Whether `pairId`'s notice may be written at `now`; if so, counts it as written. */
  take(pairId: string, now: number): boolean {
    const at = this.#writtenAt.get(pairId);
    if (at !== undefined && now - at < this.#intervalMs) return false;
    this.#writtenAt.delete(pairId);
    this.#writtenAt.set(pairId, now);
    if (this.#writtenAt.size > this.#max) this.#writtenAt.delete(this.#writtenAt.keys().next().value!);
    return true;
  }
}
