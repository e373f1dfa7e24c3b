/**
 * A pair that maps topics forwards a whole Telegram forum into a whole
 * destination chat, each source topic into a topic (Telegram forum) or a
 * thread (Discord channel) of its own; General goes to the chat itself.
 * The destination topic is opened with the source topic's title when the
 * topic's first message is sent, and remembered in `topic_links`.
 */
import type { NeutralPlatform } from '../message/neutral-message.ts';
import type { PairEnd } from './pair-view.ts';

/** Why these ends cannot map topics (a field path and a message for the API), or null when they can. */
export function topicMappingProblem(source: Omit<PairEnd, 'accountId'>, destination: Omit<PairEnd, 'accountId'>): { path: string; message: string } | null {
  if (source.platform !== 'telegram') return { path: 'source.platform', message: 'Topics are mapped from a Telegram forum: the source must be a Telegram chat' };
  if (source.topicId !== undefined) return { path: 'source.topicId', message: 'A pair that maps topics reads the whole forum: leave source.topicId out' };
  if (destination.topicId !== undefined) {
    return { path: 'destination.topicId', message: 'A pair that maps topics opens topics in the destination chat itself: leave destination.topicId out' };
  }
  return null;
}

/** Where a message of a mapped topic goes: the topic (Telegram) or thread (Discord) the link names. */
export function mappedDestination(platform: NeutralPlatform, chatId: string, linkedTopicId: string): { chatId: string; topicId?: string } {
  // A Discord thread is a channel of its own; a Telegram topic is a place inside the forum.
  return platform === 'discord' ? { chatId: linkedTopicId } : { chatId, topicId: linkedTopicId };
}

/**
 * The source "topic" of what names none, when the destination holds posts
 * only (a Discord forum or media channel): the source chat itself gets a
 * post. No Telegram topic has id 0 (ids are message ids); asked for its
 * title, an actor names the chat.
 */
export const CHAT_TOPIC = '0';

/** The title a destination topic gets when the source's cannot be read. */
export function fallbackTopicTitle(sourceTopicId: string): string {
  return sourceTopicId === CHAT_TOPIC ? 'Forwarded messages' : `Topic ${sourceTopicId}`;
}

/**
 * A title the destination takes: Discord thread names hold 1 to 100
 * characters, Telegram topic titles 1 to 128. Counted in UTF-16 units (the
 * stricter count) and cut at a whole character, never inside a surrogate pair.
 */
export function topicTitleFor(platform: NeutralPlatform, title: string): string {
  const max = platform === 'discord' ? 100 : 128;
  const trimmed = title.trim();
  if (trimmed === '') return '-';
  if (trimmed.length <= max) return trimmed;
  let out = '';
  for (const char of trimmed) {
    if (out.length + char.length > max - 1) break;
    out += char;
  }
  return `${out}…`;
}
