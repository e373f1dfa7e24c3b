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
  MessageContent: 1 << 15,
} as const;

/** Every intent bit Discord defines today (bits 0–25); others close with 4013. */
export const ALL_INTENTS = (1 << 26) - 1;

export const MessageFlag = {
  SuppressEmbeds: 1 << 2,
  SuppressNotifications: 1 << 12,
} as const;

/** Flags a bot or webhook may set when it creates a message. */
export const SETTABLE_MESSAGE_FLAGS = MessageFlag.SuppressEmbeds | MessageFlag.SuppressNotifications;

export const ChannelType = {
  GuildText: 0,
  PublicThread: 11,
} as const;

export const MessageType = {
  Default: 0,
  Reply: 19,
} as const;

/** JSON error codes of REST answers. */
export const ApiCode = {
  General: 0,
  UnknownChannel: 10003,
  UnknownGuild: 10004,
  UnknownMessage: 10008,
  UnknownWebhook: 10015,
  SlowmodeRateLimited: 20016,
  MaxPayloadTooLarge: 40005,
  MissingAccess: 50001,
  CannotEditOtherUsersMessage: 50005,
  EmptyMessage: 50006,
  InvalidWebhookToken: 50027,
  BulkDeleteTooOld: 50034,
  MissingPermissions: 50013,
  InvalidFormBody: 50035,
} as const;

/** Channel permissions the fake models, per bot and channel (all granted unless denied). */
export type FakePermission = 'view' | 'send' | 'manage_webhooks' | 'manage_messages' | 'manage_channels' | 'read_history';

/** Discord's bit of each permission the fake models (permission_overwrites carry them). */
export const PERMISSION_BITS: Record<FakePermission, bigint> = {
  view: 1n << 10n, send: 1n << 11n, manage_webhooks: 1n << 29n, manage_messages: 1n << 13n, manage_channels: 1n << 4n, read_history: 1n << 16n,
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
