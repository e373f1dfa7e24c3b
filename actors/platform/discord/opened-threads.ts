/**
 * Finds the thread an earlier attempt of the same send opened. Starting a
 * thread or a forum post has no nonce (unlike a message), so when its
 * answer is lost (a 5xx after Discord did the work, a timeout, a crash
 * before the supervisor recorded it) the retry would open a second one. So
 * before opening, a send looks among the guild's active threads for one
 * this bot opened in the same channel under the same title since the
 * message was accepted (`SendTask.openTopic.since`), and uses it instead.
 * A forum post's first message is the message's own first part, so a post
 * is taken only when that part is what it starts with: two source chats
 * whose posts share a title in one forum stay apart.
 */
import { Routes } from 'discord.js';
import type { APIMessage, APIThreadChannel, REST } from 'discord.js';

const DISCORD_EPOCH_MS = 1_420_070_400_000n;
/** Clocks differ: a thread stamped by Discord up to this long before our acceptance time still counts. */
const CLOCK_SLACK_MS = 60_000;

/** When Discord made the object with this snowflake id, ms since the epoch. */
export function snowflakeTime(id: string): number {
  return Number((BigInt(id) >> 22n) + DISCORD_EPOCH_MS);
}

export interface EarlierOpening {
  guildId: string;
  /** The channel the thread was started in (a text, announcement, forum or media channel). */
  parentId: string;
  title: string;
  botUserId: string;
  /** When the message was accepted, ms since the epoch. */
  since: number;
}

/** The threads this bot opened in `parentId` under `title` since `since`, oldest first. */
async function candidates(rest: REST, q: EarlierOpening): Promise<APIThreadChannel[]> {
  const { threads } = await rest.get(Routes.guildActiveThreads(q.guildId)) as { threads: APIThreadChannel[] };
  return threads
    .filter((t) => t.parent_id === q.parentId && t.owner_id === q.botUserId && t.name === q.title && snowflakeTime(t.id) >= q.since - CLOCK_SLACK_MS)
    .sort((a, b) => (BigInt(a.id) < BigInt(b.id) ? -1 : 1));
}

/** A thread (not a post) an earlier attempt opened: the oldest match. Its parts carry nonces, so resending into it repeats none. */
export async function earlierThread(rest: REST, q: EarlierOpening): Promise<string | null> {
  return (await candidates(rest, q))[0]?.id ?? null;
}

/** A post an earlier attempt opened with this first part (`content`); its first message has the post's id. */
export async function earlierPost(rest: REST, q: EarlierOpening, content: string): Promise<string | null> {
  for (const thread of await candidates(rest, q)) {
    const starter = await rest.get(Routes.channelMessage(thread.id, thread.id)).catch(() => null) as APIMessage | null;
    if (starter !== null && starter.content === content) return thread.id;
  }
  return null;
}
