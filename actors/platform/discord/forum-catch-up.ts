/**
 * Catching up a forum or media source: it holds posts, not messages, so
 * what came while the bot was away is read from each of its active posts
 * (List Active Guild Threads, then each post's messages after the forum's
 * position: message ids are snowflakes, ordered across channels). Posts
 * whose newest message is older than the position are not read at all.
 * Posts archived meanwhile are not listed, so what they received while the
 * bot was away is not read.
 */
import { Routes } from 'discord.js';
import type { APIMessage, APIThreadChannel, REST } from 'discord.js';
import { compareMessageIds } from '../../../src/forwarding/routing/message-id-order.ts';
import { CATCH_UP_PAGE, messagesAfter } from './catch-up.ts';

/** Every message of the forum's active posts after `after`, oldest first. */
export async function forumMessagesAfter(rest: REST, guildId: string, forumId: string, after: string): Promise<APIMessage[]> {
  const { threads } = await rest.get(Routes.guildActiveThreads(guildId)) as { threads: APIThreadChannel[] };
  const posts = threads.filter((t) => t.parent_id === forumId && compareMessageIds(t.last_message_id ?? '0', after) > 0);
  const out: APIMessage[] = [];
  for (const post of posts) {
    for (let from = after; ;) {
      const page = await messagesAfter(rest, post.id, from);
      out.push(...page);
      if (page.length < CATCH_UP_PAGE) break;
      from = page.at(-1)!.id;
    }
  }
  return out.sort((a, b) => compareMessageIds(a.id, b.id));
}
