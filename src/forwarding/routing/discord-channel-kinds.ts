/**
 * Which kinds of Discord channel a pair may read and post into, by Discord's
 * channel type (docs: Channel Object, Channel Types). Text and announcement
 * channels and threads take messages as they are; a forum or media channel
 * holds posts only, so a pair posting there opens a post per source topic
 * (`mapTopics`) or per source chat and keeps using it, which every pair
 * can do; a category or directory holds no messages at all; voice and stage
 * channels have a chat beside the call, which Switchboard does not post
 * into (it lives with the call, not as a channel people read). A kind
 * Discord adds later is let through: the runtime's notices catch what it
 * refuses.
 */

export type DiscordChannelKind =
  | 'text' | 'announcement' | 'thread' | 'forum' | 'media' | 'voice' | 'category' | 'stage' | 'directory' | 'dm' | 'unknown';

const KINDS: Readonly<Record<number, DiscordChannelKind>> = {
  0: 'text', 1: 'dm', 2: 'voice', 3: 'dm', 4: 'category', 5: 'announcement', 10: 'thread', 11: 'thread', 12: 'thread',
  13: 'stage', 14: 'directory', 15: 'forum', 16: 'media',
};

/** The kind of a channel of Discord type `type`. */
export function discordChannelKind(type: number): DiscordChannelKind {
  return KINDS[type] ?? 'unknown';
}

/** What each kind is called in a refusal. */
const NAMES: Readonly<Record<DiscordChannelKind, string>> = {
  text: 'a text channel', announcement: 'an announcement channel', thread: 'a thread', forum: 'a forum channel', media: 'a media channel',
  voice: 'a voice channel', category: 'a category', stage: 'a stage channel', directory: 'a directory channel', dm: 'a direct message',
  unknown: 'a channel',
};

export function kindName(kind: DiscordChannelKind): string {
  return NAMES[kind];
}

/** Whether messages forwarded to a channel of this kind go into posts the pair opens (a forum or media channel). */
export function holdsPostsOnly(kind: DiscordChannelKind): boolean {
  return kind === 'forum' || kind === 'media';
}

/** Why a channel of this kind cannot be a pair's destination, or null when it can. */
export function destinationKindProblem(kind: DiscordChannelKind): string | null {
  switch (kind) {
    case 'category':
    case 'directory':
      return `The destination is ${kindName(kind)}, which holds no messages: pick a text, announcement, forum or media channel, or a thread`;
    case 'voice':
    case 'stage':
      return `The destination is ${kindName(kind)}: messages are not forwarded into a call's chat; pick a text, announcement, forum or media channel, or a thread`;
    default:
      return null;
  }
}

/** Why a channel of this kind cannot be a pair's source, or null when it can (a forum's posts are read as its messages). */
export function sourceKindProblem(kind: DiscordChannelKind): string | null {
  if (kind === 'category' || kind === 'directory') return `The source is ${kindName(kind)}, which holds no messages: pick a channel or thread people post in`;
  return null;
}
