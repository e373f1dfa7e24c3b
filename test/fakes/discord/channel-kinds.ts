/**
 * What each kind of channel takes, as Discord answers a message into it
 * (codes from Discord's JSON error codes, as discord-api-types lists them):
 * text and announcement channels and threads take messages (voice and stage
 * channels too: their text chat); a category or directory holds none
 * (400 50008); a forum or media channel holds posts only (400 40058: a
 * post is started with POST /channels/{id}/threads). In a thread, a locked
 * one refuses everyone without Manage Threads (403 160005 while open, 400
 * 50083 "Operation was attempted on an archived thread" once archived), and
 * an archived, unlocked one is unarchived by the post, as Discord does for
 * a member who may Send Messages in Threads (checked by the route).
 */
import { ApiError } from './http-io.ts';
import type { FakeChannel } from './model.ts';
import { ApiCode, ChannelType, POST_ONLY_TYPES } from './protocol.ts';
import type { FakePermission } from './protocol.ts';
import type { FakeState } from './state.ts';

const NO_MESSAGES: readonly number[] = [ChannelType.GuildCategory, ChannelType.GuildDirectory];

/** The permission a post needs here: Send Messages in Threads in a thread (not Send Messages, as on Discord), else Send Messages. */
export function sendPermission(channel: FakeChannel): FakePermission {
  return channel.thread === null ? 'send' : 'send_in_threads';
}

/**
 * Lets a post into `channel` by `userId` through (a webhook's: `userId`
 * null, no moderator) or throws Discord's refusal; an archived thread it may
 * post in is unarchived first (THREAD_UPDATE).
 */
export function admitPost(state: FakeState, channel: FakeChannel, userId: string | null): void {
  if (POST_ONLY_TYPES.includes(channel.type)) throw new ApiError(400, ApiCode.CannotSendInForum, 'Cannot send a message in a forum channel');
  if (NO_MESSAGES.includes(channel.type)) throw new ApiError(400, ApiCode.CannotSendInNonText, 'Cannot send messages in a non-text channel');
  const meta = channel.thread;
  if (meta === null) return;
  if (meta.locked && (userId === null || !state.can(userId, channel, 'manage_threads'))) {
    if (meta.archived) throw new ApiError(400, ApiCode.ThreadArchived, 'Operation was attempted on an archived thread');
    throw new ApiError(403, ApiCode.ThreadLocked, 'Thread is locked');
  }
  if (meta.archived) state.setThreadState(channel.id, { archived: false });
}
