/**
 * Forum and media channels as a destination: they hold posts (public
 * threads) only, so a message goes into a post, opened by
 * POST /channels/{id}/threads with the message as its first one (Discord's
 * "Start Thread in Forum or Media Channel"), then kept for the messages
 * after it. A post carries a tag when the channel requires one (the first
 * anyone may apply); a media channel's post must start with a file. The
 * message opening a post is the bot's even in copy mode: webhooks could
 * open one with `thread_name`, which is not used yet.
 */
import { Routes } from 'discord.js';
import type { APIChannel, REST } from 'discord.js';
import type { SendNotice, SendResult } from '../../../src/runtime-contracts/actor-contract.ts';
import type { ChannelInfo } from './channel-directory.ts';
import { NoticeError, restCode } from './discord-rest.ts';
import { earlierPost, type EarlierOpening } from './opened-threads.ts';
import type { PostOpener } from './discord-sender.ts';
import type { Delivery } from './message-routes.ts';

/** GUILD_FORUM and GUILD_MEDIA. */
const MISSING_PERMISSIONS = 50013;
const FORUM = 15;
const MEDIA = 16;
/** A post stays open a week without messages (Discord's longest), then unarchives on the next message. */
const POST_ARCHIVE_MINUTES = 10_080;

export function isPostsOnly(channelType: number): boolean {
  return channelType === FORUM || channelType === MEDIA;
}

export function isMedia(channelType: number): boolean {
  return channelType === MEDIA;
}

/** The answer to a send straight into a forum: nothing sent, the supervisor places it in a post (SendTask.openTopic) and sends again. */
export const NEEDS_POST: SendResult = {
  ok: false,
  kind: 'transient',
  needsTopic: true,
  message: 'the destination is a Discord forum or media channel: its messages go into a post, which the send must open',
};

export const POST_FORBIDDEN: SendNotice = {
  code: 'destination_forbidden',
  message: 'The bot may not start posts in the destination forum (Discord: Missing Permissions): it needs Send Messages (Create Posts) and Send Messages in Threads there',
};

export const POST_NEEDS_FILE: SendNotice = {
  code: 'destination_post_needs_file',
  message: 'A Discord media channel\'s post must start with a file: this message has none, so it was not forwarded; the next message with a file opens the post',
};

/** A message without files cannot open a post in a media channel. */
export class PostNeedsFileError extends Error {
  constructor() {
    super(POST_NEEDS_FILE.message);
    this.name = 'PostNeedsFileError';
  }
}

/** The body of POST /channels/{forum}/threads opening a post titled `title` with `message` (a message create body) as its first. */
export function postBody(title: string, message: Record<string, unknown>, requiredTagId: string | null): Record<string, unknown> {
  return {
    name: title,
    auto_archive_duration: POST_ARCHIVE_MINUTES,
    message,
    ...(requiredTagId === null ? {} : { applied_tags: [requiredTagId] }),
  };
}

/**
 * The opener of a post titled `title` in `forum`: its first part composed
 * and posted as the bot's, the post a bot delivery of its own; `opened`
 * names the post once made (null before), failed send or not. With
 * `earlier`, a post an earlier attempt opened with the same first part is
 * used instead of a second one.
 */
export function forumPostOpener(
  rest: REST, forum: string, title: string, info: ChannelInfo, earlier: EarlierOpening | null = null,
): { opener: PostOpener; opened: () => string | null } {
  let opened: string | null = null;
  const bot = (chatId: string, threadId: string | null): Delivery => ({ as: 'bot', chatId, guildId: info.guildId, webhook: null, parentId: forum, threadId });
  const opener: PostOpener = {
    start: bot(forum, null),
    open: async (body, files) => {
      if (isMedia(info.type) && files.length === 0) throw new PostNeedsFileError();
      let id: string;
      try {
        const found = earlier === null ? null : await earlierPost(rest, earlier, typeof body.content === 'string' ? body.content : '');
        id = found ?? (await rest.post(Routes.threads(forum), { body: postBody(title, body, info.requiredTagId), files }) as APIChannel).id;
      } catch (error) {
        throw restCode(error) === MISSING_PERMISSIONS ? new NoticeError(error, POST_FORBIDDEN) : error;
      }
      opened = id;
      return { id, delivery: bot(id, id) };
    },
  };
  return { opener, opened: () => opened };
}
