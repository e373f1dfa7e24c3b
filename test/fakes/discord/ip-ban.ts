/**
 * Discord's Cloudflare ban: an IP that makes `after` invalid requests (401,
 * 403, and 429 but those of shared limits) within 10 minutes is refused
 * everything for a while, with a 429 that is not Discord's (an HTML page,
 * `error code: 1015`, no X-RateLimit headers). The fake serves one IP (every
 * client of a test is local), so its count is the whole fake's.
 */

export interface IpBanOptions {
  /** Invalid requests within the window that get the IP banned. Default 10 000, as Discord. */
  after?: number;
  /** Default 600 000. */
  windowMs?: number;
  /** How long a ban lasts, ms. Default 3 600 000. */
  banMs?: number;
}

export class IpBan {
  readonly #after: number;
  readonly #windowMs: number;
  readonly #banMs: number;
  /** Times of the invalid requests still within the window, oldest first. */
  #times: number[] = [];
  #until = 0;
  /** Bans so far, and requests refused by them. */
  bans = 0;
  refused = 0;

  constructor(o: IpBanOptions = {}) {
    this.#after = o.after ?? 10_000;
    this.#windowMs = o.windowMs ?? 600_000;
    this.#banMs = o.banMs ?? 3_600_000;
  }

  invalid(now = Date.now()): void {
    this.#times.push(now);
    const from = now - this.#windowMs;
    let drop = 0;
    while (drop < this.#times.length && this.#times[drop]! <= from) drop += 1;
    if (drop > 0) this.#times = this.#times.slice(drop);
    if (this.#times.length >= this.#after && now >= this.#until) {
      this.#until = now + this.#banMs;
      this.bans += 1;
    }
  }

  /** ms the ban still lasts; 0 when not banned. */
  bannedForMs(now = Date.now()): number {
    return Math.max(0, this.#until - now);
  }
}
