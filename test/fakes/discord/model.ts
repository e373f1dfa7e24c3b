/**
 * Records the fake keeps, in its own shape (not the API's): payloads.ts turns
 * them into API JSON. Attachments keep their bytes so the fake can serve them
 * back and tests can check what was uploaded.
 */
import type { FakePermission } from './protocol.ts';
import type { SessionStartLimit, SessionStartOptions } from './session-start-limit.ts';

export interface FakeUser {
  id: string;
  username: string;
  globalName: string | null;
  avatar: string | null;
  bot: boolean;
}

export interface FakeBot {
  user: FakeUser;
  token: string;
  applicationId: string;
  /** Whether the privileged MESSAGE_CONTENT intent is enabled for the application. */
  messageContentIntent: boolean;
  revoked: boolean;
  guildIds: Set<string>;
  /** IDENTIFYs left today and how fast they may come. */
  sessionStarts: SessionStartLimit;
}

export interface FakeGuild {
  id: string;
  name: string;
  ownerId: string;
  createdAt: number;
  /** Text channels and threads, in creation order. */
  channelIds: string[];
  /** Users and bots in the guild. */
  memberIds: Set<string>;
}

export interface FakeChannel {
  id: string;
  guildId: string;
  type: number;
  name: string;
  /** The text channel a thread lives in; null for a text channel. */
  parentId: string | null;
  ownerId: string | null;
  createdAt: number;
  /** Ids of the channel's messages, ascending; deleted ones are dropped lazily (absent from the message map). */
  messageIds: string[];
  lastMessageId: string | null;
  /** Permissions taken away per bot user id. */
  denied: Map<string, Set<FakePermission>>;
  /** Slowmode: seconds a member waits between two messages here; 0 is off. */
  rateLimitPerUser: number;
  /** When each user or bot last posted here, ms (webhooks are not subject to slowmode). */
  lastPostAt: Map<string, number>;
}

export interface FakeAttachment {
  id: string;
  channelId: string;
  filename: string;
  size: number;
  contentType: string;
  content: Buffer;
  url: string;
}

export interface FakeMessageReference {
  messageId: string;
  channelId: string;
  guildId: string;
}

export interface FakeWebhook {
  id: string;
  token: string;
  channelId: string;
  guildId: string;
  name: string;
  avatar: string | null;
  /** The bot user that created it. */
  creatorId: string;
  applicationId: string | null;
}

export interface FakeMessage {
  id: string;
  channelId: string;
  guildId: string;
  /** The posting user or bot; for a webhook message, the webhook's id. */
  authorId: string;
  webhookId: string | null;
  /** Username and avatar URL a webhook execution chose (else the webhook's own). */
  webhookName: string | null;
  webhookAvatarUrl: string | null;
  content: string;
  embeds: unknown[];
  attachments: FakeAttachment[];
  flags: number;
  type: number;
  reference: FakeMessageReference | null;
  nonce: string | null;
  createdAt: number;
  editedAt: number | null;
}

/** A file a test user attaches to a message. */
export interface FakeFileInput {
  name: string;
  content: Buffer | string;
  contentType?: string;
}

export type FakeEvent =
  | { type: 'MESSAGE_CREATE' | 'MESSAGE_UPDATE' | 'MESSAGE_DELETE'; message: FakeMessage }
  | { type: 'MESSAGE_DELETE_BULK'; channel: FakeChannel; ids: string[] }
  | { type: 'CHANNEL_CREATE' | 'CHANNEL_UPDATE' | 'THREAD_CREATE'; channel: FakeChannel }
  | { type: 'GUILD_JOIN'; guild: FakeGuild; botUserId: string };

export interface NewMessage {
  channelId: string;
  authorId: string;
  webhook?: { id: string; name: string; avatarUrl: string | null };
  content?: string;
  embeds?: unknown[];
  files?: Array<{ filename: string; content: Buffer; contentType: string }>;
  flags?: number;
  reference?: FakeMessageReference | null;
  nonce?: string | null;
}

export interface ListQuery {
  before?: string;
  after?: string;
  limit: number;
}

export interface FakeStateOptions {
  /** Session starts each new bot gets (see session-start-limit.ts). */
  sessionStarts: SessionStartOptions;
  /** Messages kept per channel before the oldest are forgotten. */
  maxMessagesPerChannel: number;
  /** How long `enforce_nonce` remembers a nonce, ms. */
  nonceWindowMs: number;
}
