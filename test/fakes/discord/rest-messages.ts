/**
 * The checks and effects of creating and editing a message, shared by the
 * bot routes, webhook execution and interaction responses: Discord's limits
 * (2 000 characters, 10 embeds, 10 attachments, the upload limit, 25-character
 * nonces, components), replies, flags, `enforce_nonce` deduplication and
 * slowmode.
 */
import type { ParsedBody, UploadedFile } from './http-io.ts';
import { ApiError, formError, formErrorAt } from './http-io.ts';
import { readComponents } from './message-components.ts';
import type { FakeChannel, FakeMessage, FakeMessageInteraction, FakeMessageReference } from './model.ts';
import {
  ApiCode, InteractionType, MAX_ATTACHMENTS, MAX_CONTENT_LENGTH, MAX_NONCE_LENGTH, MessageFlag, MessageType, SETTABLE_INTERACTION_FLAGS,
  SETTABLE_MESSAGE_FLAGS,
} from './protocol.ts';
import type { FakeState, NewMessage } from './state.ts';

export interface MessageLimits {
  uploadLimitBytes: number;
}

/** Where the message fields sit in the body (`data` of an interaction callback) and which flags it may set. */
interface BodyRules {
  path: ReadonlyArray<string | number>;
  settableFlags: number;
}

const PLAIN: BodyRules = { path: [], settableFlags: SETTABLE_MESSAGE_FLAGS };

interface CommonFields {
  content: string | undefined;
  embeds: unknown[] | undefined;
  components: unknown[] | undefined;
  flags: number | undefined;
  files: Array<{ filename: string; content: Buffer; contentType: string }>;
}

function readCommon(body: ParsedBody, limits: MessageLimits, rules: BodyRules = PLAIN): CommonFields {
  const json = body.json ?? {};
  const at = (field: string): Array<string | number> => [...rules.path, field];
  const content = json.content;
  if (content !== undefined && content !== null && typeof content !== 'string') throw formErrorAt(at('content'), 'STRING_TYPE_CONVERT', 'Could not interpret value as string.');
  if (typeof content === 'string' && content.length > MAX_CONTENT_LENGTH) {
    throw formErrorAt(at('content'), 'BASE_TYPE_MAX_LENGTH', `Must be ${MAX_CONTENT_LENGTH} or fewer in length.`);
  }
  const embeds = json.embeds;
  if (embeds !== undefined && embeds !== null && (!Array.isArray(embeds) || embeds.length > 10)) {
    throw formErrorAt(at('embeds'), 'BASE_TYPE_MAX_LENGTH', 'Must be 10 or fewer in length.');
  }
  const components = readComponents(json.components, at('components'));
  const flags = json.flags;
  if (flags !== undefined && flags !== null && (typeof flags !== 'number' || (flags & ~rules.settableFlags) !== 0)) {
    throw formErrorAt(at('flags'), 'MESSAGE_FLAGS_INVALID', 'Invalid flags.');
  }
  if (body.files.length > MAX_ATTACHMENTS) throw formErrorAt(at('attachments'), 'BASE_TYPE_MAX_LENGTH', `Must be ${MAX_ATTACHMENTS} or fewer in length.`);
  for (const file of body.files) {
    if (file.content.length > limits.uploadLimitBytes) throw new ApiError(413, ApiCode.MaxPayloadTooLarge, 'Request entity too large');
  }
  return {
    content: typeof content === 'string' ? content : undefined,
    embeds: Array.isArray(embeds) ? embeds : undefined,
    components,
    flags: typeof flags === 'number' ? flags : undefined,
    files: body.files.map((f) => ({ filename: fileName(f, json.attachments), content: f.content, contentType: f.contentType })),
  };
}

/** The name the `attachments` entry for `files[n]` gives, else the uploaded one. */
function fileName(file: UploadedFile, attachments: unknown): string {
  const index = /^files\[(\d+)\]$/.exec(file.field)?.[1];
  if (index !== undefined && Array.isArray(attachments)) {
    const entry = attachments.find((a: { id?: unknown }) => String(a?.id) === index) as { filename?: unknown } | undefined;
    if (typeof entry?.filename === 'string' && entry.filename.length > 0) return entry.filename;
  }
  return file.filename;
}

function checkNotEmpty(content: string | undefined, embeds: unknown[] | undefined, attachmentCount: number): void {
  if ((content ?? '').trim() === '' && (embeds ?? []).length === 0 && attachmentCount === 0) {
    throw new ApiError(400, ApiCode.EmptyMessage, 'Cannot send an empty message');
  }
}

function readReference(state: FakeState, channel: FakeChannel, raw: unknown): FakeMessageReference | null {
  if (raw === undefined || raw === null) return null;
  const ref = raw as { message_id?: unknown; channel_id?: unknown; fail_if_not_exists?: unknown };
  const channelId = typeof ref.channel_id === 'string' ? ref.channel_id : channel.id;
  const target = typeof ref.message_id === 'string' ? state.message(channelId, ref.message_id) : undefined;
  if (target === undefined || target.guildId !== channel.guildId) {
    if (ref.fail_if_not_exists === false) return null;
    throw formError('message_reference', 'MESSAGE_REFERENCE_UNKNOWN_MESSAGE', 'Unknown message');
  }
  return { messageId: target.id, channelId: target.channelId, guildId: target.guildId };
}

function readNonce(raw: unknown): string | null {
  if (raw === undefined || raw === null) return null;
  if (typeof raw === 'number') return String(raw);
  if (typeof raw !== 'string' || raw.length > MAX_NONCE_LENGTH) {
    throw formError('nonce', 'BASE_TYPE_MAX_LENGTH', `Must be ${MAX_NONCE_LENGTH} or fewer in length.`);
  }
  return raw;
}

/**
 * Discord's answer to a post within the channel's slowmode: a 429 with its
 * own code and the seconds left, scoped to the user (no bucket headers: it
 * is no route limit).
 */
export function slowmodeError(waitMs: number): ApiError {
  const seconds = Math.ceil(waitMs) / 1000;
  return new ApiError(429, ApiCode.SlowmodeRateLimited, 'This action cannot be performed due to slowmode rate limit.', undefined, {
    fields: { retry_after: seconds, global: false },
    headers: { 'Retry-After': String(seconds), 'X-RateLimit-Scope': 'user' },
  });
}

/** POST /channels/:id/messages by a bot (subject to the channel's slowmode unless exempt): the new message, or with `enforce_nonce` the one the nonce already made. */
export function createBotMessage(
  state: FakeState, channel: FakeChannel, authorId: string, body: ParsedBody, limits: MessageLimits,
): { message: FakeMessage; created: boolean } {
  const common = readCommon(body, limits);
  const json = body.json ?? {};
  const nonce = readNonce(json.nonce);
  if (json.enforce_nonce === true && nonce !== null) {
    const existing = state.messageByNonce(authorId, nonce);
    if (existing !== undefined) return { message: existing, created: false };
  }
  checkNotEmpty(common.content, common.embeds, common.files.length);
  const waitMs = state.slowmodeWaitMs(channel, authorId);
  if (waitMs > 0) throw slowmodeError(waitMs);
  const input: NewMessage = {
    channelId: channel.id, authorId, ...common, reference: readReference(state, channel, json.message_reference), nonce,
  };
  return { message: state.createMessage(input), created: true };
}

/** What the first message of a forum or media post may carry (the body's `message`, its files in the form): checked as a message's fields, named under `message`. */
export type PostStarter = Omit<NewMessage, 'channelId' | 'authorId'>;

export function readPostStarter(body: ParsedBody, limits: MessageLimits): PostStarter {
  const message = body.json?.message;
  if (message === undefined || message === null) throw formErrorAt(['message'], 'BASE_TYPE_REQUIRED', 'This field is required');
  if (typeof message !== 'object' || Array.isArray(message)) throw formErrorAt(['message'], 'DICT_TYPE_CONVERT', 'Only dictionaries may be used in a DictType');
  const common = readCommon({ json: message as Record<string, unknown>, files: body.files }, limits, { path: ['message'], settableFlags: SETTABLE_MESSAGE_FLAGS });
  checkNotEmpty(common.content, common.embeds, common.files.length);
  return common;
}

/** POST /webhooks/:id/:token: a message under the webhook (replies and nonces are not part of webhook execution). */
export function createWebhookMessage(
  state: FakeState,
  channel: FakeChannel,
  webhook: { id: string; name: string; creatorId: string },
  body: ParsedBody,
  limits: MessageLimits,
): FakeMessage {
  const common = readCommon(body, limits);
  const json = body.json ?? {};
  const username = json.username === undefined || json.username === null ? webhook.name : json.username;
  checkWebhookName('username', username);
  const avatarUrl = typeof json.avatar_url === 'string' ? json.avatar_url : null;
  checkNotEmpty(common.content, common.embeds, common.files.length);
  return state.createMessage({
    channelId: channel.id, authorId: webhook.creatorId, webhook: { id: webhook.id, name: username as string, avatarUrl }, ...common,
  });
}

/** Discord's rule for webhook names and execution usernames. */
export function checkWebhookName(field: string, name: unknown): void {
  if (typeof name !== 'string' || name.length < 1 || name.length > 80) {
    throw formError(field, 'BASE_TYPE_BAD_LENGTH', 'Must be between 1 and 80 in length.');
  }
  for (const word of ['discord', 'clyde']) {
    if (name.toLowerCase().includes(word)) throw formError(field, 'USERNAME_INVALID_CONTAINS', `Username cannot contain "${word}"`);
  }
}

/**
 * PATCH of a message: content, embeds, components, flags, which attachments
 * stay, new files. An edit cannot make a message ephemeral or not (Discord
 * keeps the bit), and completes a deferred response (LOADING goes).
 */
export function editMessage(state: FakeState, message: FakeMessage, body: ParsedBody, limits: MessageLimits, rules: BodyRules = PLAIN): FakeMessage {
  const common = readCommon(body, limits, rules);
  const json = body.json ?? {};
  let keep: Set<string> | undefined;
  if (Array.isArray(json.attachments)) {
    keep = new Set(json.attachments.map((a: { id?: unknown }) => String(a?.id)));
  }
  const content = common.content ?? message.content;
  const embeds = common.embeds ?? message.embeds;
  const kept = keep === undefined ? message.attachments.length : message.attachments.filter((a) => keep.has(a.id)).length;
  checkNotEmpty(content, embeds, kept + common.files.length);
  const ephemeral = message.flags & MessageFlag.Ephemeral;
  const flags = common.flags === undefined
    ? ((message.flags & MessageFlag.Loading) === 0 ? undefined : message.flags & ~MessageFlag.Loading)
    : (common.flags & ~MessageFlag.Ephemeral) | ephemeral;
  return state.editMessage(message, {
    ...(common.content === undefined ? {} : { content: common.content }),
    ...(common.embeds === undefined ? {} : { embeds: common.embeds }),
    ...(common.components === undefined ? {} : { components: common.components }),
    ...(flags === undefined ? {} : { flags }),
    ...(keep === undefined ? {} : { keepAttachmentIds: keep }),
    files: common.files,
  });
}

/** The rules of a message body inside an interaction callback's `data`, or of a follow-up or edit by interaction token. */
export function interactionRules(path: ReadonlyArray<string | number>): BodyRules {
  return { path, settableFlags: SETTABLE_INTERACTION_FLAGS };
}

/**
 * A message an interaction makes (its response or a follow-up): posted by
 * the bot as its application's webhook, in the interaction's channel,
 * typed as Discord types a command's messages (CHAT_INPUT_COMMAND); a
 * component's are plain messages in the fake. Ephemeral ones stay out of
 * the channel (see FakeState.createMessage).
 */
export function createInteractionMessage(
  state: FakeState, channel: FakeChannel, botUserId: string, origin: FakeMessageInteraction, body: ParsedBody, limits: MessageLimits,
  rules: BodyRules,
): FakeMessage {
  const common = readCommon(body, limits, rules);
  checkNotEmpty(common.content, common.embeds, common.files.length);
  return state.createMessage({
    channelId: channel.id,
    authorId: botUserId,
    ...common,
    type: origin.type === InteractionType.ApplicationCommand ? MessageType.ChatInputCommand : MessageType.Default,
    interaction: origin,
  });
}
