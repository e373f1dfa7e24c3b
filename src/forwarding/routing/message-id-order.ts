/**
 * Source message ids are ordered per chat: Discord snowflakes and Telegram
 * message ids are both increasing integers, compared as big integers because
 * snowflakes exceed 2^53. Ids that are not integers compare as strings.
 */
const INTEGER = /^\d+$/;

/** Negative when `a` came before `b`, 0 when equal, positive after. */
export function compareMessageIds(a: string, b: string): number {
  if (INTEGER.test(a) && INTEGER.test(b)) {
    if (a.length !== b.length) return a.length - b.length;
  }
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The later of two ids; `a` when `b` is absent. */
export function laterMessageId(a: string, b: string | undefined): string {
  return b === undefined || compareMessageIds(a, b) >= 0 ? a : b;
}
