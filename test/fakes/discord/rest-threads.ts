/**
 * POST /channels/:id/threads. In a text channel, Discord's "Start Thread
 * without Message": a public or private thread. As on Discord, `type`
 * defaults to a private thread (discord.js always sends one, public unless
 * told), a bad body names every bad field in one 50035, and the permission
 * needed depends on the type asked for, so it is checked once the body is
 * read. In an announcement channel, an announcement thread (type 10, the
 * only kind it holds). In a forum or media channel, "Start Thread in Forum
 * or Media Channel" (the spec's CreateForumThreadRequest): a post, a public
 * thread whose first message (`message`, required) takes the thread's id,
 * made with Send Messages in the channel; `applied_tags` (up to 5 of the
 * channel's tags) are required when it has the REQUIRE_TAG flag (400 40067);
 * a media channel's post must carry a file (Discord's rule for media
 * channels; the fake answers it as a missing `message.attachments`). The
 * answer is the thread with its first message nested (`message`).
 */
import type { ParsedBody } from './http-io.ts';
import { ApiError, formErrorAt, formErrors, wrongChannelType } from './http-io.ts';
import type { FakeBot, FakeChannel, FakeMessage } from './model.ts';
import {
  ApiCode, ChannelFlag, ChannelType, MAX_RATE_LIMIT_PER_USER, MAX_THREAD_NAME_LENGTH, POST_ONLY_TYPES, THREAD_AUTO_ARCHIVE_DURATIONS, THREAD_TYPES,
} from './protocol.ts';
import type { FakePermission } from './protocol.ts';
import { readPostStarter } from './rest-messages.ts';
import type { MessageLimits } from './rest-messages.ts';
import type { FakeState } from './state.ts';

/** Most tags one post carries. */
const MAX_APPLIED_TAGS = 5;

type FieldErrors = Record<string, { code: string; message: string }>;

interface ThreadRequest {
  name: string;
  type: number;
  autoArchiveDuration?: number;
  invitable?: boolean;
  rateLimitPerUser?: number;
}

/** Discord's check of an integer field that takes one of a few values (null or absent: the default). */
function checkChoice(errors: FieldErrors, field: string, value: unknown, choices: readonly number[]): void {
  if (value === undefined || value === null) return;
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    errors[field] = { code: 'NUMBER_TYPE_COERCE', message: `Value "${String(value)}" is not int.` };
  } else if (!choices.includes(value)) {
    errors[field] = { code: 'BASE_TYPE_CHOICES', message: `Value must be one of {${choices.join(', ')}}.` };
  }
}

function checkName(errors: FieldErrors, name: unknown): void {
  if (name === undefined || name === null) errors.name = { code: 'BASE_TYPE_REQUIRED', message: 'This field is required' };
  else if (typeof name !== 'string') errors.name = { code: 'STRING_TYPE_CONVERT', message: 'Could not interpret value as string.' };
  else if (name.length < 1 || name.length > MAX_THREAD_NAME_LENGTH) {
    errors.name = { code: 'BASE_TYPE_BAD_LENGTH', message: `Must be between 1 and ${MAX_THREAD_NAME_LENGTH} in length.` };
  }
}

function checkSlowmode(errors: FieldErrors, value: unknown): void {
  if (value === undefined || value === null) return;
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    errors.rate_limit_per_user = { code: 'NUMBER_TYPE_COERCE', message: `Value "${String(value)}" is not int.` };
  } else if (value < 0) {
    errors.rate_limit_per_user = { code: 'NUMBER_TYPE_MIN', message: 'int value should be greater than or equal to 0.' };
  } else if (value > MAX_RATE_LIMIT_PER_USER) {
    errors.rate_limit_per_user = { code: 'NUMBER_TYPE_MAX', message: `int value should be less than or equal to ${MAX_RATE_LIMIT_PER_USER}.` };
  }
}

function readRequest(body: ParsedBody): ThreadRequest {
  const json = body.json ?? {};
  const errors: FieldErrors = {};
  checkName(errors, json.name);
  checkChoice(errors, 'type', json.type, THREAD_TYPES);
  checkChoice(errors, 'auto_archive_duration', json.auto_archive_duration, THREAD_AUTO_ARCHIVE_DURATIONS);
  checkSlowmode(errors, json.rate_limit_per_user);
  if (json.invitable !== undefined && json.invitable !== null && typeof json.invitable !== 'boolean') {
    errors.invitable = { code: 'BOOLEAN_TYPE_CONVERT', message: 'Must be either true or false.' };
  }
  if (Object.keys(errors).length > 0) throw formErrors(errors);
  return {
    name: json.name as string,
    type: typeof json.type === 'number' ? json.type : ChannelType.PrivateThread,
    ...(typeof json.auto_archive_duration === 'number' ? { autoArchiveDuration: json.auto_archive_duration } : {}),
    ...(typeof json.invitable === 'boolean' ? { invitable: json.invitable } : {}),
    ...(typeof json.rate_limit_per_user === 'number' ? { rateLimitPerUser: json.rate_limit_per_user } : {}),
  };
}

/** The tags a post asks for: ids of the forum's own tags, at most five; required under REQUIRE_TAG. */
function readTags(parent: FakeChannel, raw: unknown): string[] {
  if (raw !== undefined && raw !== null && (!Array.isArray(raw) || raw.length > MAX_APPLIED_TAGS)) {
    throw formErrorAt(['applied_tags'], 'BASE_TYPE_MAX_LENGTH', `Must be ${MAX_APPLIED_TAGS} or fewer in length.`);
  }
  const tags = ((raw ?? []) as unknown[]).map(String);
  for (const [i, id] of tags.entries()) {
    if (!parent.tags.some((t) => t.id === id)) throw formErrorAt(['applied_tags', i], 'TAG_INVALID', 'Unknown tag.');
  }
  if (tags.length === 0 && (parent.flags & ChannelFlag.RequireTag) !== 0) {
    throw new ApiError(400, ApiCode.TagRequired, 'A tag is required to create a forum post in this channel');
  }
  return tags;
}

/** A post in a forum or media channel: the thread and its first message, posted by `creator`. */
export function startPost(
  state: FakeState, parent: FakeChannel, creator: FakeBot, body: ParsedBody, limits: MessageLimits,
): { thread: FakeChannel; message: FakeMessage } {
  const json = body.json ?? {};
  const errors: Record<string, { code: string; message: string }> = {};
  checkName(errors, json.name);
  checkChoice(errors, 'auto_archive_duration', json.auto_archive_duration, THREAD_AUTO_ARCHIVE_DURATIONS);
  checkSlowmode(errors, json.rate_limit_per_user);
  if (Object.keys(errors).length > 0) throw formErrors(errors);
  const starter = readPostStarter(body, limits);
  if (parent.type === ChannelType.GuildMedia && (starter.files ?? []).length === 0) {
    throw formErrorAt(['message', 'attachments'], 'BASE_TYPE_REQUIRED', 'A post in a media channel must have an attachment.');
  }
  const appliedTags = readTags(parent, json.applied_tags);
  // Creating a post is Send Messages in a forum ("Create Posts" in Discord's client).
  if (!state.can(creator.user.id, parent, 'send')) throw new ApiError(403, ApiCode.MissingPermissions, 'Missing Permissions');
  const thread = state.createThread(parent.id, json.name as string, creator.user.id, {
    type: ChannelType.PublicThread,
    appliedTags,
    ...(typeof json.auto_archive_duration === 'number' ? { autoArchiveDuration: json.auto_archive_duration } : {}),
    ...(typeof json.rate_limit_per_user === 'number' ? { rateLimitPerUser: json.rate_limit_per_user } : {}),
  });
  const message = state.createMessage({ ...starter, id: thread.id, channelId: thread.id, authorId: creator.user.id });
  return { thread, message };
}

/** The new thread of `parent`, owned by `creator`, who must be able to see the parent already. */
export function startThread(state: FakeState, parent: FakeChannel, creator: FakeBot, body: ParsedBody): FakeChannel {
  // A thread cannot hold one, nor can voice channels, categories and directories.
  if (parent.type !== ChannelType.GuildText && parent.type !== ChannelType.GuildAnnouncement) throw wrongChannelType();
  const { name, type: asked, ...options } = readRequest(body);
  const unset = body.json?.type === undefined || body.json.type === null;
  const type = unset && parent.type === ChannelType.GuildAnnouncement ? ChannelType.AnnouncementThread : asked;
  // Announcement threads live in announcement channels, and those hold no other kind.
  if ((type === ChannelType.AnnouncementThread) !== (parent.type === ChannelType.GuildAnnouncement)) throw wrongChannelType();
  const permission: FakePermission = type === ChannelType.PrivateThread ? 'create_private_threads' : 'create_public_threads';
  if (!state.can(creator.user.id, parent, permission)) throw new ApiError(403, ApiCode.MissingPermissions, 'Missing Permissions');
  return state.createThread(parent.id, name, creator.user.id, { type, ...options });
}

/** Whether POST /channels/:id/threads on `parent` starts a forum or media post. */
export function startsPost(parent: FakeChannel): boolean {
  return POST_ONLY_TYPES.includes(parent.type);
}
