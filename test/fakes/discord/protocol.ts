/**
 * The slice of the Discord API v10 protocol the fake speaks: opcodes, close
 * codes, intents, message flags and JSON error codes, as documented at
 * discord.com/developers/docs. Kept apart from discord.js so the fake stays a
 * reference of the protocol, not a mirror of one client.
 */

export const GatewayOp = {
  Dispatch: 0,
  Heartbeat: 1,
  Identify: 2,
  Resume: 6,
  Reconnect: 7,
  InvalidSession: 9,
  Hello: 10,
  HeartbeatAck: 11,
} as const;

export const GatewayClose = {
  UnknownError: 4000,
  UnknownOpcode: 4001,
  DecodeError: 4002,
  NotAuthenticated: 4003,
  AuthenticationFailed: 4004,
  AlreadyAuthenticated: 4005,
  InvalidSeq: 4007,
  RateLimited: 4008,
  SessionTimedOut: 4009,
  InvalidIntents: 4013,
  DisallowedIntents: 4014,
} as const;

/** Gateway commands a connection may send per window before Discord closes it with 4008. */
export const GATEWAY_COMMANDS_PER_WINDOW = 120;
export const GATEWAY_COMMAND_WINDOW_MS = 60_000;

export const Intent = {
  Guilds: 1 << 0,
  GuildMessages: 1 << 9,
  /** MESSAGE_CREATE, MESSAGE_UPDATE and MESSAGE_DELETE of DM channels. */
  DirectMessages: 1 << 12,
  MessageContent: 1 << 15,
} as const;

/** Every intent bit Discord defines today (bits 0–25); others close with 4013. */
export const ALL_INTENTS = (1 << 26) - 1;

export const MessageFlag = {
  SuppressEmbeds: 1 << 2,
  /** Seen only by the user who invoked the interaction. */
  Ephemeral: 1 << 6,
  /** A deferred interaction response: the bot is "thinking". */
  Loading: 1 << 7,
  SuppressNotifications: 1 << 12,
} as const;

/** Flags a bot or webhook may set when it creates a message. */
export const SETTABLE_MESSAGE_FLAGS = MessageFlag.SuppressEmbeds | MessageFlag.SuppressNotifications;
/** Flags an interaction response or follow-up may set (IS_COMPONENTS_V2 is not modelled). */
export const SETTABLE_INTERACTION_FLAGS = SETTABLE_MESSAGE_FLAGS | MessageFlag.Ephemeral;

/** Channel types (docs: Channel Object, Channel Types; the OpenAPI spec's ChannelTypes, which does not list 16 yet). */
export const ChannelType = {
  GuildText: 0,
  DM: 1,
  GuildVoice: 2,
  GuildCategory: 4,
  GuildAnnouncement: 5,
  AnnouncementThread: 10,
  PublicThread: 11,
  PrivateThread: 12,
  GuildStageVoice: 13,
  GuildDirectory: 14,
  GuildForum: 15,
  GuildMedia: 16,
} as const;

/** Thread types: a thread is a channel of its own with a parent. */
export const THREAD_TYPES: readonly number[] = [ChannelType.AnnouncementThread, ChannelType.PublicThread, ChannelType.PrivateThread];
/** Forum and media channels hold posts (public threads) only: no messages of their own. */
export const POST_ONLY_TYPES: readonly number[] = [ChannelType.GuildForum, ChannelType.GuildMedia];

/** Channel flags (docs: Channel Flags). */
export const ChannelFlag = {
  /** A forum or media channel whose posts must carry a tag (40067 without one). */
  RequireTag: 1 << 4,
} as const;

export const MessageType = {
  Default: 0,
  Reply: 19,
  /** A response to, or follow-up of, a slash command. */
  ChatInputCommand: 20,
} as const;

export const InteractionType = {
  ApplicationCommand: 2,
  MessageComponent: 3,
} as const;

export const InteractionCallbackType = {
  Pong: 1,
  ChannelMessageWithSource: 4,
  DeferredChannelMessageWithSource: 5,
  DeferredUpdateMessage: 6,
  UpdateMessage: 7,
} as const;

export const ApplicationCommandType = {
  ChatInput: 1,
  User: 2,
  Message: 3,
} as const;

export const CommandOptionType = {
  Subcommand: 1,
  SubcommandGroup: 2,
  String: 3,
  Integer: 4,
  Boolean: 5,
  User: 6,
  Channel: 7,
  Role: 8,
  Mentionable: 9,
  Number: 10,
  Attachment: 11,
} as const;

export const ComponentType = {
  ActionRow: 1,
  Button: 2,
} as const;

export const ButtonStyle = {
  Primary: 1,
  Link: 5,
  Premium: 6,
} as const;

/** JSON error codes of REST answers. */
export const ApiCode = {
  General: 0,
  UnknownChannel: 10003,
  UnknownGuild: 10004,
  UnknownMessage: 10008,
  UnknownWebhook: 10015,
  UnknownInteraction: 10062,
  UnknownApplicationCommand: 10063,
  SlowmodeRateLimited: 20016,
  /** 400: POST /channels/{forum}/messages; a forum or media channel takes posts (threads) only. */
  CannotSendInForum: 40058,
  /** 400: a post without `applied_tags` in a forum with the REQUIRE_TAG flag. */
  TagRequired: 40067,
  /** 400: a message into a channel that holds none (a category, a directory). */
  CannotSendInNonText: 50008,
  /** 400: a send into an archived thread the sender may not unarchive (locked, without Manage Threads). */
  ThreadArchived: 50083,
  /** 403: a send into a locked (still open) thread without Manage Threads. */
  ThreadLocked: 160005,
  /** 400: a webhook execution into a forum or media channel naming no thread. */
  WebhookInForumNeedsThread: 220001,
  MaxApplicationCommands: 30032,
  MaxPayloadTooLarge: 40005,
  InteractionAlreadyAcknowledged: 40060,
  MissingAccess: 50001,
  CannotExecuteOnDm: 50003,
  CannotEditOtherUsersMessage: 50005,
  EmptyMessage: 50006,
  CannotSendToUser: 50007,
  InvalidWebhookToken: 50027,
  InvalidRecipients: 50033,
  BulkDeleteTooOld: 50034,
  MissingPermissions: 50013,
  CannotExecuteOnChannelType: 50024,
  InvalidFormBody: 50035,
} as const;

/** Channel permissions the fake models, per bot and channel (all granted unless denied). */
export type FakePermission =
  | 'view' | 'send' | 'manage_webhooks' | 'manage_messages' | 'manage_channels' | 'read_history'
  | 'manage_threads' | 'create_public_threads' | 'create_private_threads' | 'send_in_threads';

/** What either end may do in a DM channel: see it, post, read its history; no moderation, webhooks or threads. */
export const DM_PERMISSIONS: ReadonlySet<FakePermission> = new Set<FakePermission>(['view', 'send', 'read_history']);

/** Discord's bit of each permission the fake models (permission_overwrites carry them). */
export const PERMISSION_BITS: Record<FakePermission, bigint> = {
  view: 1n << 10n, send: 1n << 11n, manage_webhooks: 1n << 29n, manage_messages: 1n << 13n, manage_channels: 1n << 4n, read_history: 1n << 16n,
  manage_threads: 1n << 34n, create_public_threads: 1n << 35n, create_private_threads: 1n << 36n, send_in_threads: 1n << 38n,
};

/** Most attachments in one message. */
export const MAX_ATTACHMENTS = 10;
/** Longest message content, in UTF-16 code units as Discord counts. */
export const MAX_CONTENT_LENGTH = 2000;
/** Longest nonce. */
export const MAX_NONCE_LENGTH = 25;

/** Fewest and most message ids one bulk delete takes. */
export const BULK_DELETE_MIN = 2;
export const BULK_DELETE_MAX = 100;
/** Bulk delete refuses ids older than this (by their snowflake time). */
export const BULK_DELETE_MAX_AGE_MS = 14 * 24 * 3_600_000;
/** Longest slowmode (`rate_limit_per_user`), seconds. */
export const MAX_RATE_LIMIT_PER_USER = 21_600;
/** Longest thread name. */
export const MAX_THREAD_NAME_LENGTH = 100;
/** The inactivity, minutes, after which a thread may be archived: the only values Discord takes. */
export const THREAD_AUTO_ARCHIVE_DURATIONS: readonly number[] = [60, 1440, 4320, 10080];
/** A thread's archive duration when neither the request nor its channel names one. */
export const DEFAULT_AUTO_ARCHIVE_DURATION = 1440;

/** The initial response to an interaction must come within this, ms, or the interaction is gone (10062). */
export const INTERACTION_RESPONSE_WINDOW_MS = 3_000;
/** How long an interaction token serves follow-ups and edits, ms. */
export const INTERACTION_TOKEN_TTL_MS = 15 * 60_000;
/** How long a signed attachment link (`ex` after `is`) stays valid, ms: a day, as Discord's. */
export const ATTACHMENT_URL_TTL_MS = 24 * 60 * 60_000;
/** Most links one POST /attachments/refresh-urls takes (and fewest: 1). */
export const MAX_REFRESH_URLS = 50;
/** Commands per application and scope (global, or one guild), by command type. */
export const MAX_COMMANDS_BY_TYPE: Readonly<Record<number, number>> = { 1: 100, 2: 15, 3: 15 };
/** Most commands one bulk overwrite takes (100 + 15 + 15). */
export const MAX_COMMANDS_PER_OVERWRITE = 130;
/** Most options of a command or subcommand, and most choices of an option. */
export const MAX_COMMAND_OPTIONS = 25;
export const MAX_OPTION_CHOICES = 25;
/** Most characters of a command's names, descriptions and choice values together. */
export const MAX_COMMAND_SIZE = 8_000;
/** Most action rows of a message (without IS_COMPONENTS_V2), and most buttons in a row. */
export const MAX_ACTION_ROWS = 5;
export const MAX_ROW_COMPONENTS = 5;
