/**
 * API v10 JSON for the fake's records: the shapes discord.js parses
 * (users, channels, threads, guilds, messages, webhooks). Fields a client
 * could need are present with Discord's defaults, so unmodified clients build
 * their structures without surprises.
 */
import type { FakeAttachment, FakeBot, FakeChannel, FakeGuild, FakeMessage, FakeUser, FakeWebhook } from './model.ts';
import { ChannelType, PERMISSION_BITS } from './protocol.ts';
import type { FakeState } from './state.ts';

/** Every permission bit: the fake answers permission questions itself, clients see an all-powerful role. */
// Every permission but Administrator (1 << 3), which would override the channels' overwrites.
const ALL_PERMISSIONS = (((1n << 51n) - 1n) & ~(1n << 3n)).toString();

function iso(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString();
}

export function apiUser(user: FakeUser): Record<string, unknown> {
  return {
    id: user.id,
    username: user.username,
    global_name: user.globalName,
    discriminator: '0',
    avatar: user.avatar,
    public_flags: 0,
    flags: 0,
    ...(user.bot ? { bot: true } : {}),
  };
}

export function apiBotUser(bot: FakeBot): Record<string, unknown> {
  return { ...apiUser(bot.user), verified: true, mfa_enabled: false, email: null };
}

export function apiChannel(channel: FakeChannel): Record<string, unknown> {
  const base = {
    id: channel.id,
    type: channel.type,
    guild_id: channel.guildId,
    name: channel.name,
    last_message_id: channel.lastMessageId,
    rate_limit_per_user: channel.rateLimitPerUser,
    flags: 0,
  };
  if (channel.type === ChannelType.PublicThread) {
    return {
      ...base,
      parent_id: channel.parentId,
      owner_id: channel.ownerId,
      message_count: channel.messageIds.length,
      total_message_sent: channel.messageIds.length,
      member_count: 1,
      thread_metadata: {
        archived: false, auto_archive_duration: 1440, archive_timestamp: iso(channel.createdAt), locked: false, create_timestamp: iso(channel.createdAt),
      },
    };
  }
  return { ...base, parent_id: null, position: 0, permission_overwrites: overwrites(channel), topic: null, nsfw: false };
}

/** A member overwrite per bot denied something in the channel, as Discord shows them (type 1). */
function overwrites(channel: FakeChannel): Array<Record<string, unknown>> {
  return [...channel.denied].filter(([, denied]) => denied.size > 0).map(([userId, denied]) => ({
    id: userId, type: 1, allow: '0', deny: [...denied].reduce((bits, p) => bits | PERMISSION_BITS[p], 0n).toString(),
  }));
}

export function apiAttachment(a: FakeAttachment): Record<string, unknown> {
  return { id: a.id, filename: a.filename, size: a.size, url: a.url, proxy_url: a.url, content_type: a.contentType };
}

export function apiWebhook(webhook: FakeWebhook, state: FakeState): Record<string, unknown> {
  const creator = state.users.get(webhook.creatorId);
  return {
    id: webhook.id,
    type: 1,
    guild_id: webhook.guildId,
    channel_id: webhook.channelId,
    name: webhook.name,
    avatar: webhook.avatar,
    token: webhook.token,
    application_id: webhook.applicationId,
    ...(creator === undefined ? {} : { user: apiUser(creator) }),
  };
}

function messageAuthor(message: FakeMessage, state: FakeState): Record<string, unknown> {
  if (message.webhookId !== null) {
    return {
      id: message.webhookId,
      username: message.webhookName ?? 'webhook',
      avatar: null,
      discriminator: '0000',
      global_name: null,
      public_flags: 0,
      flags: 0,
      bot: true,
    };
  }
  const user = state.users.get(message.authorId);
  return user === undefined
    ? { id: message.authorId, username: 'Deleted User', global_name: null, avatar: null, discriminator: '0', public_flags: 0 }
    : apiUser(user);
}

/** The message object; `withReferenced` adds the replied-to message one level deep, as Discord does. */
export function apiMessage(message: FakeMessage, state: FakeState, withReferenced = true): Record<string, unknown> {
  const out: Record<string, unknown> = {
    id: message.id,
    type: message.type,
    channel_id: message.channelId,
    guild_id: message.guildId,
    author: messageAuthor(message, state),
    content: message.content,
    timestamp: iso(message.createdAt),
    edited_timestamp: iso(message.editedAt),
    tts: false,
    mention_everyone: false,
    mentions: [],
    mention_roles: [],
    mention_channels: [],
    attachments: message.attachments.map(apiAttachment),
    embeds: message.embeds,
    components: [],
    pinned: false,
    flags: message.flags,
  };
  if (message.nonce !== null) out.nonce = message.nonce;
  // The avatar a webhook execution chose is not echoed: Discord stores it as a hash (tests read it from the fake).
  if (message.webhookId !== null) out.webhook_id = message.webhookId;
  if (message.reference !== null) {
    out.message_reference = {
      type: 0, message_id: message.reference.messageId, channel_id: message.reference.channelId, guild_id: message.reference.guildId,
    };
    if (withReferenced) {
      const referenced = state.messages.get(message.reference.messageId);
      out.referenced_message = referenced === undefined ? null : apiMessage(referenced, state, false);
    }
  }
  return out;
}

/** The same message as a bot without the MESSAGE_CONTENT intent sees it. */
export function withoutContent(payload: Record<string, unknown>): Record<string, unknown> {
  return { ...payload, content: '', embeds: [], attachments: [], components: [] };
}

/** A GUILD_CREATE payload as `bot` sees the guild. */
export function apiGuildCreate(guild: FakeGuild, bot: FakeBot, state: FakeState): Record<string, unknown> {
  const channels: unknown[] = [];
  const threads: unknown[] = [];
  for (const id of guild.channelIds) {
    const channel = state.channels.get(id);
    if (channel === undefined || !state.can(bot.user.id, channel, 'view')) continue;
    (channel.parentId === null ? channels : threads).push(apiChannel(channel));
  }
  const joinedAt = iso(guild.createdAt);
  return {
    id: guild.id,
    name: guild.name,
    icon: null,
    splash: null,
    discovery_splash: null,
    banner: null,
    description: null,
    owner_id: guild.ownerId,
    afk_channel_id: null,
    afk_timeout: 300,
    verification_level: 0,
    default_message_notifications: 0,
    explicit_content_filter: 0,
    roles: [{
      id: guild.id, name: '@everyone', color: 0, colors: { primary_color: 0, secondary_color: null, tertiary_color: null },
      hoist: false, icon: null, unicode_emoji: null, position: 0, permissions: ALL_PERMISSIONS, managed: false, mentionable: false, flags: 0,
    }],
    emojis: [],
    stickers: [],
    features: [],
    mfa_level: 0,
    application_id: null,
    system_channel_id: null,
    system_channel_flags: 0,
    rules_channel_id: null,
    public_updates_channel_id: null,
    safety_alerts_channel_id: null,
    vanity_url_code: null,
    premium_tier: 0,
    premium_subscription_count: 0,
    premium_progress_bar_enabled: false,
    preferred_locale: 'en-US',
    nsfw_level: 0,
    max_members: 500000,
    joined_at: joinedAt,
    large: false,
    unavailable: false,
    member_count: guild.memberIds.size,
    members: [{ user: apiUser(bot.user), roles: [], joined_at: joinedAt, deaf: false, mute: false, flags: 0 }],
    voice_states: [],
    presences: [],
    channels,
    threads,
    stage_instances: [],
    guild_scheduled_events: [],
    soundboard_sounds: [],
  };
}

/** A partial guild of GET /users/@me/guilds. */
export function apiPartialGuild(guild: FakeGuild, bot: FakeBot): Record<string, unknown> {
  return {
    id: guild.id, name: guild.name, icon: null, banner: null, owner: guild.ownerId === bot.user.id, permissions: ALL_PERMISSIONS, features: [],
  };
}

/** The READY of a new session: the bot, its guilds (unavailable until their GUILD_CREATE), where to resume. */
export function apiReady(bot: FakeBot, sessionId: string, resumeUrl: string): Record<string, unknown> {
  return {
    v: 10,
    user: apiBotUser(bot),
    guilds: [...bot.guildIds].map((id) => ({ id, unavailable: true })),
    session_id: sessionId,
    session_type: 'normal',
    resume_gateway_url: resumeUrl,
    shard: [0, 1],
    application: { id: bot.applicationId, flags: 0 },
    private_channels: [],
    relationships: [],
    presences: [],
    guild_join_requests: [],
    geo_ordered_rtc_regions: [],
    user_settings: {},
  };
}
