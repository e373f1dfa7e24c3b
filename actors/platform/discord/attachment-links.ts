/**
 * Renewing Discord's expiring attachment links. Since 2024 Discord signs
 * every CDN link with an expiry (`ex`, about a day); a task that waits past
 * it (a Free account paused under memory pressure, a long backoff, a pair
 * catching up) would hand its destination a dead link, and the file would
 * be lost to a "name and size" line. The source account renews them with
 * `POST /attachments/refresh-urls`, 50 links a call as Discord allows.
 */
import type { REST } from 'discord.js';

/** Links per refresh call: Discord's maximum. */
export const REFRESH_BATCH = 50;

interface RefreshAnswer {
  refreshed_urls?: Array<{ original?: string; refreshed?: string }>;
}

/** Fresh links by original; a link Discord did not renew is left out. */
export async function refreshAttachmentLinks(rest: REST, urls: readonly string[]): Promise<Record<string, string>> {
  const fresh: Record<string, string> = {};
  for (let i = 0; i < urls.length; i += REFRESH_BATCH) {
    const batch = urls.slice(i, i + REFRESH_BATCH);
    const answer = await rest.post('/attachments/refresh-urls', { body: { attachment_urls: batch } }) as RefreshAnswer;
    for (const { original, refreshed } of answer.refreshed_urls ?? []) {
      if (typeof original === 'string' && typeof refreshed === 'string' && refreshed !== original) fresh[original] = refreshed;
    }
  }
  return fresh;
}
