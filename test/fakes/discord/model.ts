/**
 * Records the fake keeps, in its own shape (not the API's): payloads.ts turns
 * them into API JSON. Attachments keep their bytes so the fake can serve them
 * back and tests can check what was uploaded. A DM channel is a FakeChannel
 * with no guild and its two ends in `dm`, so history, paging, nonces and
 * message events serve both kinds alike.
 */
import type { FakePermission } from './protocol.ts';
import type { SessionStartLimit, SessionStartOptions } from './session-start-limit.ts';

export interface FakeUser {
  id: string;
  username: string;
  globalName: string | null;
  avatar: string | null;
  bot: boolean;
  /** The user turned off DMs from server members (Discord's privacy setting): bots posting to them get 50007. */
  dmsClosed: boolean;
}

export interface FakeBot {
  user: FakeUser;
  token: string;
  /** Equal to the bot user's id, as for every bot made today. */
  applicationId: string;
  /** The user who owns the application (GET /applications/@me). */
  ownerId: string;
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
  /** null for a DM channel. */
  guildId: string | null;
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
  /** What only a thread has; null for a text channel. */
  thread: FakeThreadMeta | null;
  /** What only a DM channel has; null for a guild channel or thread. */
  dm: FakeDmMeta | null;
  /** Channel flags (ChannelFlag: REQUIRE_TAG on a forum or media channel). */
  flags: number;
  /** A forum or media channel's tags, which its posts may carry (`available_tags`); empty elsewhere. */
  tags: FakeForumTag[];
}

/** A tag of a forum or media channel (ForumTagResponse). */
export interface FakeForumTag {
  id: string;
  name: string;
}

/**
 * The two ends of a DM channel: the fake's DMs are a bot's with one user
 * (opened by the bot's Create DM, or by the test for the user), one channel
 * per pair.
 */
export interface FakeDmMeta {
  botUserId: string;
  userId: string;
}

/** A DM channel, as `isDmChannel` narrows it. */
export type FakeDmChannel = FakeChannel & { guildId: null; dm: FakeDmMeta };

export interface FakeThreadMeta {
  /** Minutes of inactivity before Discord would archive it (the fake archives only when told: `setThreadState`). */
  autoArchiveDuration: number;
  /** Private threads: whether non-moderators may add others. */
  invitable: boolean;
  /** Archived: out of the active list; a post by a member who may send in threads unarchives it, unless locked. */
  archived: boolean;
  /** Locked: only members with Manage Threads may post in it or unarchive it. */
  locked: boolean;
  /** When `archived` last changed (ms), Discord's `archive_timestamp`. */
  archiveChangedAt: number;
  /** Who joined the thread: its creator, and those the test adds. A private thread is visible to them and to moderators only. */
  members: Set<string>;
  /** A post of a forum or media channel (it shows `applied_tags`). */
  post: boolean;
  /** A forum or media post's tags (ids of its parent's `tags`). */
  appliedTags: string[];
}

export interface FakeAttachment {
  id: string;
  channelId: string;
  filename: string;
  size: number;
  contentType: string;
  content: Buffer;
  /** The link without its signature (origin and path): downloading it as such answers 404, as on Discord. */
  unsignedUrl: string;
  /**
   * A link signed afresh at each read, valid for the fake's
   * `attachmentUrlTtlMs` from then (cdn-links.ts): Discord signs its links
   * whenever it serves them, and reading the record is the test's fetch.
   */
  readonly url: string;
}

export interface FakeMessageReference {
  messageId: string;
  channelId: string;
  guildId: string | null;
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
  /** null in a DM channel. */
  guildId: string | null;
  /** The posting user or bot; for a webhook message, the webhook's id. */
  authorId: string;
  /** A webhook's id, or for an interaction's message its application's id (Discord's `webhook_id`). */
  webhookId: string | null;
  /** Username and avatar URL a webhook execution chose (else the webhook's own). */
  webhookName: string | null;
  webhookAvatarUrl: string | null;
  content: string;
  embeds: unknown[];
  /** Action rows as Discord echoes them (each component with its `id`). */
  components: unknown[];
  attachments: FakeAttachment[];
  flags: number;
  type: number;
  reference: FakeMessageReference | null;
  nonce: string | null;
  createdAt: number;
  editedAt: number | null;
  /** For a response to or follow-up of an interaction: which one. */
  interaction: FakeMessageInteraction | null;
}

/** What a message made by an interaction says about it (`interaction_metadata`). */
export interface FakeMessageInteraction {
  id: string;
  type: number;
  applicationId: string;
  userId: string;
  /** The full command name (`pairs pause`); null for a component interaction. */
  commandName: string | null;
  /** The message whose component was used. */
  interactedMessageId: string | null;
  /** On a follow-up: the interaction's original response. */
  originalResponseMessageId: string | null;
}

/** A registered application command, global (`guildId` null) or of one guild. */
export interface FakeApplicationCommand {
  id: string;
  applicationId: string;
  guildId: string | null;
  /** Changes when a bulk overwrite changes the command. */
  version: string;
  type: number;
  name: string;
  description: string;
  /** The options as Discord echoes them (validated request shape, defaults dropped). */
  options: FakeCommandOption[];
  defaultMemberPermissions: string | null;
  /** Interaction contexts (0 guild, 1 bot DM, 2 private channel); null: all. */
  contexts: number[] | null;
  integrationTypes: number[];
  nsfw: boolean;
  nameLocalizations: Record<string, string> | null;
  descriptionLocalizations: Record<string, string> | null;
}

export interface FakeCommandOption {
  type: number;
  name: string;
  description: string;
  required?: boolean;
  choices?: Array<{ name: string; value: string | number }>;
  options?: FakeCommandOption[];
  channel_types?: number[];
  min_value?: number;
  max_value?: number;
  min_length?: number;
  max_length?: number;
  autocomplete?: boolean;
  name_localizations?: Record<string, string> | null;
  description_localizations?: Record<string, string> | null;
}

/** A user's use of a command or component, as the fake tracks it for the bot's answer. */
export interface FakeInteraction {
  id: string;
  token: string;
  type: number;
  applicationId: string;
  botUserId: string;
  userId: string;
  guildId: string;
  channelId: string;
  /** The gateway payload's `data`. */
  data: Record<string, unknown>;
  /** The full command name (`pairs pause`); null for a component. */
  commandName: string | null;
  /** The message whose component was used. */
  messageId: string | null;
  /** What the interaction tells the bot about uploads, bytes. */
  attachmentSizeLimit: number;
  /** On the interaction clock (see InteractionRegistry). */
  createdAt: number;
  /** The initial response's callback type, once given. */
  responseType: number | null;
  /** What `@original` names: the response message, or for an update the component's message. */
  originalMessageId: string | null;
  followupIds: string[];
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
  | { type: 'CHANNEL_CREATE' | 'CHANNEL_UPDATE' | 'THREAD_CREATE' | 'THREAD_UPDATE'; channel: FakeChannel }
  | { type: 'GUILD_JOIN'; guild: FakeGuild; botUserId: string }
  | { type: 'INTERACTION_CREATE'; interaction: FakeInteraction };

export interface NewMessage {
  /** The message's id; default a new snowflake (a forum post's first message takes its thread's id, as on Discord). */
  id?: string;
  channelId: string;
  authorId: string;
  webhook?: { id: string; name: string; avatarUrl: string | null };
  content?: string;
  embeds?: unknown[];
  components?: unknown[];
  files?: Array<{ filename: string; content: Buffer; contentType: string }>;
  flags?: number;
  reference?: FakeMessageReference | null;
  nonce?: string | null;
  /** Made by an interaction: posted by the bot as its application's webhook. */
  interaction?: FakeMessageInteraction;
  /** Default: a reply when `reference` is set, else a plain message. */
  type?: number;
}

/** What a new thread may set besides its name; unset: public (the REST route applies Discord's own default), a day, invitable, no slowmode, no tags. */
export interface NewThreadOptions {
  type?: number;
  autoArchiveDuration?: number;
  invitable?: boolean;
  rateLimitPerUser?: number;
  appliedTags?: string[];
}

/** A guild channel of any kind (default text); forum and media channels may require tags and offer some. */
export interface NewChannelOptions {
  type?: number;
  requireTag?: boolean;
  /** Names of the tags a forum or media channel offers. */
  tags?: string[];
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
  /** Interactions: the initial response window and the token lifetime, ms. */
  interactions: { responseWindowMs: number; tokenTtlMs: number };
  /** How long a served attachment link stays valid, ms. */
  attachmentUrlTtlMs: number;
}
