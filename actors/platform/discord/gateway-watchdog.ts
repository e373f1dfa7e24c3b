/**
 * Notices a gateway connection that went quiet: no dispatch and no
 * heartbeat ACK for `timeoutMs`. discord.js resumes by itself after one
 * missed ACK; this is the backstop for what it cannot fix on its own (a
 * resume that never completes, a connection that keeps failing), so the
 * client can start over from its cursor.
 */

export class GatewayWatchdog {
  readonly #timeoutMs: number;
  readonly #lastSignOfLife: () => number;
  readonly #onSilence: (silentMs: number) => void;
  #timer: NodeJS.Timeout | null = null;

  constructor(timeoutMs: number, lastSignOfLife: () => number, onSilence: (silentMs: number) => void) {
    this.#timeoutMs = timeoutMs;
    this.#lastSignOfLife = lastSignOfLife;
    this.#onSilence = onSilence;
  }

  start(): void {
    this.stop();
    // A quarter of the timeout: the silence is noticed at most 25% late.
    this.#timer = setInterval(() => this.check(Date.now()), Math.max(25, Math.floor(this.#timeoutMs / 4)));
    this.#timer.unref();
  }

  stop(): void {
    if (this.#timer !== null) clearInterval(this.#timer);
    this.#timer = null;
  }

  /** Reports (once, then stops) when the connection has been silent past the timeout at `now`. */
  check(now: number): void {
    const silentMs = now - this.#lastSignOfLife();
    if (silentMs < this.#timeoutMs) return;
    this.stop();
    this.#onSilence(silentMs);
  }
}
