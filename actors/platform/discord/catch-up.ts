/**
 * Reading what a channel received after a message id, oldest first, for the
 * catch-up after a restart or reconnect. Discord pages at most 100 messages
 * and answers newest first; the pages are re-sorted. Unlike a send, a
 * catch-up may wait out a short 429: it runs while connecting, not on the
 * forwarding queue's clock.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { makeURLSearchParams, RateLimitError, Routes } from 'discord.js';
import type { APIMessage, REST } from 'discord.js';
import { compareMessageIds } from '../../../src/forwarding/routing/message-id-order.ts';

/** Messages per page: Discord's maximum. */
export const CATCH_UP_PAGE = 100;
/** Longest 429 a catch-up page waits out before giving up, ms. */
const MAX_WAIT_MS = 5_000;
const MAX_ATTEMPTS = 3;

/** Up to `CATCH_UP_PAGE` messages of `chatId` after `after`, oldest first. */
export async function messagesAfter(rest: REST, chatId: string, after: string): Promise<APIMessage[]> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      const page = await rest.get(Routes.channelMessages(chatId), { query: makeURLSearchParams({ after, limit: CATCH_UP_PAGE }) }) as APIMessage[];
      return page.sort((a, b) => compareMessageIds(a.id, b.id));
    } catch (error) {
      if (!(error instanceof RateLimitError) || attempt >= MAX_ATTEMPTS || error.retryAfter > MAX_WAIT_MS) throw error;
      await sleep(error.retryAfter);
    }
  }
}
