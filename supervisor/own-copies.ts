/**
 * Messages this supervisor posted lately, so that when another of the owner's
 * accounts reads a destination chat it does not take our own copy for a new
 * source message and send it round again (two pairs facing each other would
 * ping-pong forever). Chains run from the delivery itself instead.
 * Bounded by count: old entries fall out first.
 */
export class OwnCopies {
  readonly #max: number;
  readonly #keys = new Set<string>();

  /** `max`: entries kept. Default 100,000. */
  constructor(max = 100_000) {
    this.#max = max;
  }

  add(platform: string, chatId: string, messageId: string): void {
    const key = `${platform}:${chatId}:${messageId}`;
    this.#keys.delete(key);
    this.#keys.add(key);
    if (this.#keys.size > this.#max) {
      const oldest = this.#keys.values().next().value;
      if (oldest !== undefined) this.#keys.delete(oldest);
    }
  }

  has(platform: string, chatId: string, messageId: string): boolean {
    return this.#keys.has(`${platform}:${chatId}:${messageId}`);
  }
}
