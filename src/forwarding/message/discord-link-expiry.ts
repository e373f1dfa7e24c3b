/**
 * When a Discord attachment link stops working. Discord signs CDN links
 * with `ex` (the expiry, unix seconds in hex), `is` (issued) and `hm` (the
 * signature); past `ex` the CDN answers 404. Links without `ex` (older ones,
 * other hosts) are taken as not expiring. Pure.
 */

/** Expiry of `url` in ms since the epoch; null when it carries none. */
export function linkExpiresAt(url: string): number | null {
  let ex: string | null;
  try {
    ex = new URL(url).searchParams.get('ex');
  } catch {
    return null;
  }
  if (ex === null || !/^[0-9a-f]{1,12}$/i.test(ex)) return null;
  return Number.parseInt(ex, 16) * 1000;
}

/** The distinct links among `urls` that expire before `now + marginMs` (or have), oldest expiry first. */
export function linksToRenew(urls: readonly string[], now: number, marginMs: number): string[] {
  const due = new Map<string, number>();
  for (const url of urls) {
    const at = linkExpiresAt(url);
    if (at !== null && at < now + marginMs) due.set(url, at);
  }
  return [...due.entries()].sort((a, b) => a[1] - b[1]).map(([url]) => url);
}
