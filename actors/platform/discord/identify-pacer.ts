/**
 * Spaces a bot's IDENTIFYs across the discord.js clients a thread makes for
 * it: Discord allows `max_concurrency` per 5 s and answers more with op 9.
 * discord.js paces identifies within one client only, and the adapter
 * replaces the client on every reconnect.
 */

/** Discord's identify rate-limit window, ms. */
export const IDENTIFY_WINDOW_MS = 5_000;

export class IdentifyPacer {
  readonly #windowMs: number;
  /** Identify slots per bot, oldest first (some may lie ahead). */
  readonly #slots = new Map<string, number[]>();

  constructor(windowMs = IDENTIFY_WINDOW_MS) {
    this.#windowMs = windowMs;
  }

  /** Reserves the bot's next identify slot at or after `now`; returns how long to wait for it, ms. */
  reserve(botKey: string, now: number, maxConcurrency: number): number {
    const slots = (this.#slots.get(botKey) ?? []).filter((at) => at > now - this.#windowMs);
    const at = slots.length < maxConcurrency ? now : Math.max(now, slots[slots.length - maxConcurrency]! + this.#windowMs);
    slots.push(at);
    this.#slots.set(botKey, slots);
    return at - now;
  }

  /**
   * A session of the bot started (READY) at `at`. Discord timed its IDENTIFY
   * on arrival, after the reserved slot, so the next one counts from here:
   * conservative (an extra slot) but never early.
   */
  started(botKey: string, at: number): void {
    const slots = this.#slots.get(botKey) ?? [];
    slots.push(at);
    slots.sort((a, b) => a - b);
    this.#slots.set(botKey, slots);
  }
}
