/**
 * Notices a Telegram connection that went quiet, and one that stopped
 * asking anything. A connection that received nothing (no update, no
 * answer) for `silenceMs`, or made no request for `keepAliveMs` (Telegram
 * stops pushing updates to a session that asks for nothing; gramjs's own
 * loop asks every 30 minutes), is probed. A probe that fails or stays
 * unanswered within `probeTimeoutMs` means the connection is dead (a
 * zombie, or the session ended): the watchdog stops and reports it, once.
 * This replaces gramjs's own per-client ping loop (a ping every 9 s per
 * client), which the adapter turns off.
 */

export interface WatchdogOptions {
  silenceMs: number;
  probeTimeoutMs: number;
  keepAliveMs: number;
  /** ms since epoch of the last thing the connection received. */
  lastHeardAt(): number;
  /** ms since epoch of the last content request the client made. */
  lastAskedAt(): number;
  /** Sends the probe; resolves when it is answered. */
  probe(): Promise<void>;
  /** The connection is dead (the probe failed or timed out); called once, then the watchdog is stopped. */
  onDead(reason: string, error: unknown): void;
}

export class SessionWatchdog {
  readonly #o: WatchdogOptions;
  #timer: NodeJS.Timeout | null = null;
  #probing = false;
  /** Moves on every stop: a probe that settles after one reports nothing. */
  #generation = 0;

  constructor(options: WatchdogOptions) {
    this.#o = options;
  }

  start(): void {
    this.stop();
    // A quarter of the silence: a dead connection is noticed at most 25% late.
    this.#timer = setInterval(() => void this.check(Date.now()), Math.max(25, Math.floor(this.#o.silenceMs / 4)));
    this.#timer.unref();
  }

  stop(): void {
    this.#generation += 1;
    if (this.#timer !== null) clearInterval(this.#timer);
    this.#timer = null;
  }

  get running(): boolean {
    return this.#timer !== null;
  }

  /** Probes when the connection was silent, or asked nothing, for too long at `now`; resolves once the probe settled. */
  async check(now: number): Promise<void> {
    if (this.#probing) return;
    const silentMs = now - this.#o.lastHeardAt();
    const quietMs = now - this.#o.lastAskedAt();
    if (silentMs < this.#o.silenceMs && quietMs < this.#o.keepAliveMs) return;
    this.#probing = true;
    const generation = this.#generation;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${this.#o.probeTimeoutMs} ms`)), this.#o.probeTimeoutMs);
    });
    try {
      await Promise.race([this.#o.probe(), timeout]);
    } catch (error) {
      if (generation !== this.#generation) return;
      this.stop();
      const after = silentMs >= this.#o.silenceMs ? `${silentMs} ms of silence` : `${quietMs} ms without a request`;
      this.#o.onDead(`Telegram did not answer a probe after ${after}: ${error instanceof Error ? error.message : String(error)}`, error);
    } finally {
      clearTimeout(timer);
      this.#probing = false;
    }
  }
}
