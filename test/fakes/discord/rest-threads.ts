/**
 * POST /channels/:id/threads, Discord's "Start Thread without Message": a
 * public or private thread of a text channel. As on Discord, `type` defaults
 * to a private thread (discord.js always sends one, public unless told), a
 * bad body names every bad field in one 50035, and the permission needed
 * depends on the type asked for, so it is checked once the body is read.
 */
import type { ParsedBody } from './http-io.ts';
import { ApiError, formErrors, wrongChannelType } from './http-io.ts';
import type { FakeBot, FakeChannel } from './model.ts';
import { ApiCode, ChannelType, MAX_RATE_LIMIT_PER_USER, MAX_THREAD_NAME_LENGTH, THREAD_AUTO_ARCHIVE_DURATIONS } from './protocol.ts';
import type { FakePermission } from './protocol.ts';
import type { FakeState } from './state.ts';

const THREAD_TYPES: readonly number[] = [ChannelType.AnnouncementThread, ChannelType.PublicThread, ChannelType.PrivateThread];

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

/** The new thread of `parent`, owned by `creator`, who must be able to see the parent already. */
export function startThread(state: FakeState, parent: FakeChannel, creator: FakeBot, body: ParsedBody): FakeChannel {
  // The fake's only other channels are threads, and a thread cannot hold one.
  if (parent.type !== ChannelType.GuildText) throw wrongChannelType();
  const { name, type, ...options } = readRequest(body);
  // Announcement threads live in announcement channels, which the fake does not model.
  if (type === ChannelType.AnnouncementThread) throw wrongChannelType();
  const permission: FakePermission = type === ChannelType.PrivateThread ? 'create_private_threads' : 'create_public_threads';
  if (!state.can(creator.user.id, parent, permission)) throw new ApiError(403, ApiCode.MissingPermissions, 'Missing Permissions');
  return state.createThread(parent.id, name, creator.user.id, { type, ...options });
}
