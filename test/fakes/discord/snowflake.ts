/**
 * Discord snowflakes for the fake: ms since the Discord epoch in the top 42
 * bits, then worker, process and a 12-bit increment. Ids are strictly
 * increasing across the whole fake (messages, channels, users alike), so a
 * channel's messages sort by id exactly as on Discord, and every id has the
 * 17–19 digits @discordjs/rest needs to recognise a major parameter.
 */

/** 2015-01-01T00:00:00.000Z, the epoch of every Discord snowflake. */
export const DISCORD_EPOCH = 1_420_070_400_000;

export class SnowflakeGenerator {
  #lastMs = 0;
  #increment = 0;
  readonly #now: () => number;

  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  /** The next id; never equal to or below an id handed out before. */
  next(): string {
    let ms = this.#now() - DISCORD_EPOCH;
    if (ms <= this.#lastMs) {
      ms = this.#lastMs;
      this.#increment += 1;
      // 4 096 ids in one ms: borrow the next ms rather than repeat an id.
      if (this.#increment >= 4096) {
        ms += 1;
        this.#increment = 0;
      }
    } else {
      this.#increment = 0;
    }
    this.#lastMs = ms;
    return ((BigInt(ms) << 22n) | (1n << 17n) | (1n << 12n) | BigInt(this.#increment)).toString();
  }
}

/** ms since the Unix epoch at which `id` was made. */
export function snowflakeTime(id: string): number {
  return Number(BigInt(id) >> 22n) + DISCORD_EPOCH;
}

/** Compares two snowflakes numerically (ids of unequal length compare by length first). */
export function compareSnowflakes(a: string, b: string): number {
  if (a.length !== b.length) return a.length - b.length;
  return a < b ? -1 : a > b ? 1 : 0;
}
