/**
 * What a watched chat received while the bot was away, read after a
 * (re)connect from the chat's position, through the inbound feed: a channel
 * or thread page by page from its history; a forum or media channel from
 * its active posts (forum-catch-up.ts). A chat whose history the bot may
 * not read is not caught up: Discord would answer empty pages, so the
 * pairs are told instead. A chat gone or hidden (403, 404) is skipped.
 * Only types come from discord.js here: the engine brings the code.
 */
import type { APIMessage, Client } from 'discord.js';
import type { SourceNotice } from '../../../src/runtime-contracts/inbound-message.ts';
import type * as DiscordEngineModule from './discord-engine.ts';
import type { FeedSource, InboundFeed } from './inbound-feed.ts';

/** Discord's Read Message History bit. */
const READ_MESSAGE_HISTORY = 1n << 16n;

export interface CatchUpDeps {
  connection: FeedSource & { engine: typeof DiscordEngineModule; client: Client };
  feed: InboundFeed;
  /** Whether the connection is still the client's current one. */
  current: () => boolean;
  notice: (notice: SourceNotice) => void;
}

/** Whether the bot may read `chatId`'s history, as its cached overwrites and roles say; true when the cache cannot tell. */
function historyReadable(client: Client, chatId: string): boolean {
  const channel = client.channels.cache.get(chatId);
  if (channel === undefined || client.user === null || !('permissionsFor' in channel)) return true;
  return channel.permissionsFor(client.user)?.has(READ_MESSAGE_HISTORY) ?? true;
}

/** Runs `read` unless the chat turned out gone or hidden (null then). */
async function unlessGone<T>(d: CatchUpDeps, read: () => Promise<T>): Promise<T | null> {
  try {
    return await read();
  } catch (error) {
    const status = d.connection.engine.restStatus(error);
    if (status === 403 || status === 404) return null;
    throw error;
  }
}

export async function catchUpChat(d: CatchUpDeps, chatId: string): Promise<void> {
  const { engine, client } = d.connection;
  const info = await d.connection.channels.info(chatId).catch(() => null);
  if (!historyReadable(client, chatId)) {
    // Discord would answer an empty page: what came while the bot was away would be lost without a word.
    d.notice({
      code: 'source_history_unreadable',
      message: 'The bot may not read this channel\'s history (Read Message History): messages sent while it was not connected were not forwarded',
      chatIds: [chatId],
    });
    return;
  }
  if (info !== null && info.guildId !== null && engine.isPostsOnly(info.type)) {
    const after = d.feed.position(chatId);
    if (after === undefined || !d.current()) return;
    const messages = await unlessGone(d, () => engine.forumMessagesAfter(client.rest, info.guildId!, chatId, after));
    for (const raw of messages ?? []) await d.feed.message('new', raw, d.connection, chatId);
    return;
  }
  for (;;) {
    const after = d.feed.position(chatId);
    if (after === undefined || !d.current()) return;
    const page: APIMessage[] | null = await unlessGone(d, () => engine.messagesAfter(client.rest, chatId, after));
    if (page === null) return;
    for (const raw of page) await d.feed.message('new', raw, d.connection);
    if (page.length < engine.CATCH_UP_PAGE) return;
  }
}
