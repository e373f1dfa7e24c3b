/**
 * API v10 JSON for the fake's records: the shapes discord.js parses
 * (users, channels, threads, guilds, messages, webhooks, applications,
 * application commands, interactions). Fields a client could need are
 * present with Discord's defaults, so unmodified clients build their
 * structures without surprises.
 */
import type {
  FakeApplicationCommand, FakeAttachment, FakeBot, FakeChannel, FakeGuild, FakeInteraction, FakeMessage, FakeMessageInteraction, FakeThreadMeta, FakeUser,
  FakeWebhook,
} from './model.ts';
import { ApplicationCommandType, ChannelType, DEFAULT_AUTO_ARCHIVE_DURATION, InteractionType, PERMISSION_BITS, POST_ONLY_TYPES } from './protocol.ts';
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

/** A thread's `thread_metadata` (ThreadMetadataResponse); Discord shows `invitable` on private threads only. */
export function apiThreadMetadata(channel: FakeChannel & { thread: FakeThreadMeta }): Record<string, unknown> {
  const meta = channel.thread;
  return {
    archived: meta.archived,
    auto_archive_duration: meta.autoArchiveDuration,
    archive_timestamp: iso(meta.archiveChangedAt),
    locked: meta.locked,
    create_timestamp: iso(channel.createdAt),
    ...(channel.type === ChannelType.PrivateThread ? { invitable: meta.invitable } : {}),
  };
}

/**
 * A guild channel or thread of any kind, with what its kind adds
 * (GuildChannelResponse, ThreadResponse): a thread's metadata and tags, a
 * forum or media channel's `available_tags` and post defaults, a voice
 * channel's bitrate.
 */
export function apiChannel(channel: FakeChannel): Record<string, unknown> {
  const base = {
    id: channel.id,
    type: channel.type,
    guild_id: channel.guildId,
    name: channel.name,
    last_message_id: channel.lastMessageId,
    rate_limit_per_user: channel.rateLimitPerUser,
    flags: channel.flags,
  };
  if (channel.thread !== null) {
    return {
      ...base,
      parent_id: channel.parentId,
      owner_id: channel.ownerId,
      message_count: channel.messageIds.length,
      total_message_sent: channel.messageIds.length,
      member_count: channel.thread.members.size,
      thread_metadata: apiThreadMetadata(channel as FakeChannel & { thread: FakeThreadMeta }),
      ...(channel.thread.post ? { applied_tags: channel.thread.appliedTags } : {}),
    };
  }
  const guildChannel = { ...base, parent_id: null, position: 0, permission_overwrites: overwrites(channel), topic: null, nsfw: false };
  if (POST_ONLY_TYPES.includes(channel.type)) {
    return {
      ...guildChannel,
      available_tags: channel.tags.map((t) => ({ id: t.id, name: t.name, moderated: false, emoji_id: null, emoji_name: null })),
      default_reaction_emoji: null,
      default_sort_order: null,
      default_thread_rate_limit_per_user: 0,
      default_auto_archive_duration: DEFAULT_AUTO_ARCHIVE_DURATION,
      ...(channel.type === ChannelType.GuildForum ? { default_forum_layout: 0 } : {}),
      default_tag_setting: 'match_some',
    };
  }
  if (channel.type === ChannelType.GuildVoice || channel.type === ChannelType.GuildStageVoice) {
    return { ...guildChannel, bitrate: 64_000, user_limit: 0, rtc_region: null };
  }
  return guildChannel;
}

/** The answer to creating a thread: the thread, with the creator as its first member (Discord adds them). */
export function apiCreatedThread(thread: FakeChannel, creator: FakeUser): Record<string, unknown> {
  return { ...apiChannel(thread), member: { id: thread.id, user_id: creator.id, join_timestamp: iso(thread.createdAt), flags: 0 } };
}

/** A member overwrite per bot denied something in the channel, as Discord shows them (type 1). */
function overwrites(channel: FakeChannel): Array<Record<string, unknown>> {
  return [...channel.denied].filter(([, denied]) => denied.size > 0).map(([userId, denied]) => ({
    id: userId, type: 1, allow: '0', deny: [...denied].reduce((bits, p) => bits | PERMISSION_BITS[p], 0n).toString(),
  }));
}

/** Its links signed now (one read of `url`): `proxy_url` is the same signed link, the fake having one host. */
export function apiAttachment(a: FakeAttachment): Record<string, unknown> {
  const url = a.url;
  return { id: a.id, filename: a.filename, size: a.size, url, proxy_url: url, content_type: a.contentType };
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
  // An interaction's messages carry the application's id as `webhook_id` but are the bot's own.
  if (message.webhookId !== null && message.interaction === null) {
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
    // A DM's messages carry no guild_id (gateway-events docs, Message Create).
    ...(message.guildId === null ? {} : { guild_id: message.guildId }),
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
    components: message.components,
    pinned: false,
    flags: message.flags,
  };
  if (message.interaction !== null) Object.assign(out, interactionFields(message.interaction, message.guildId, state));
  if (message.nonce !== null) out.nonce = message.nonce;
  // The avatar a webhook execution chose is not echoed: Discord stores it as a hash (tests read it from the fake).
  if (message.webhookId !== null) out.webhook_id = message.webhookId;
  if (message.reference !== null) {
    const { messageId, channelId, guildId } = message.reference;
    out.message_reference = { type: 0, message_id: messageId, channel_id: channelId, ...(guildId === null ? {} : { guild_id: guildId }) };
    if (withReferenced) {
      const referenced = state.messages.get(message.reference.messageId);
      out.referenced_message = referenced === undefined ? null : apiMessage(referenced, state, false);
    }
  }
  return out;
}

/**
 * What a message made by an interaction says about it: `application_id`,
 * `interaction_metadata` and, for a command, the deprecated `interaction`
 * (still sent by Discord; its `name` is the full command name).
 */
function interactionFields(i: FakeMessageInteraction, guildId: string | null, state: FakeState): Record<string, unknown> {
  const user = state.users.get(i.userId);
  const apiInvoker = user === undefined ? { id: i.userId, username: 'Deleted User', global_name: null, avatar: null, discriminator: '0' } : apiUser(user);
  const metadata: Record<string, unknown> = {
    id: i.id, type: i.type, user: apiInvoker, authorizing_integration_owners: guildId === null ? {} : { '0': guildId },
  };
  if (i.originalResponseMessageId !== null) metadata.original_response_message_id = i.originalResponseMessageId;
  if (i.interactedMessageId !== null) metadata.interacted_message_id = i.interactedMessageId;
  const out: Record<string, unknown> = { application_id: i.applicationId, interaction_metadata: metadata };
  if (i.commandName !== null) out.interaction = { id: i.id, type: i.type, name: i.commandName, user: apiInvoker };
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
    // GUILD_CREATE lists active threads only, as Discord does: archived ones are fetched when needed.
    if (channel.thread?.archived === true) continue;
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

/** The permissions `userId` has in the channel: every bit the fake's @everyone role grants, less the overwrites denying them there or in the parent. */
export function permissionsIn(state: FakeState, userId: string, channel: FakeChannel): string {
  let bits = BigInt(ALL_PERMISSIONS);
  for (const c of channel.parentId === null ? [channel] : [channel, state.channel(channel.parentId)]) {
    for (const p of c.denied.get(userId) ?? []) bits &= ~PERMISSION_BITS[p];
  }
  return bits.toString();
}

/** The application of GET /applications/@me (PrivateApplicationResponse): the bot's, owned by `owner`. */
export function apiApplication(bot: FakeBot, owner: FakeUser): Record<string, unknown> {
  return {
    id: bot.applicationId,
    name: bot.user.username,
    icon: null,
    description: '',
    type: null,
    bot: apiUser(bot.user),
    bot_public: true,
    bot_require_code_grant: false,
    verify_key: '0'.repeat(64),
    flags: 0,
    flags_new: '0',
    redirect_uris: [],
    interactions_endpoint_url: null,
    role_connections_verification_url: null,
    owner: apiUser(owner),
    approximate_guild_count: bot.guildIds.size,
    approximate_user_install_count: 0,
    approximate_user_authorization_count: 0,
    explicit_content_filter: 0,
    team: null,
    eligible_oauth2_scopes: ['bot', 'applications.commands'],
    integration_types_config: { 0: { oauth2_install_params: { scopes: ['bot', 'applications.commands'], permissions: '0' } } },
  };
}

/** An application command as the command routes answer it (ApplicationCommandResponse). */
export function apiApplicationCommand(command: FakeApplicationCommand): Record<string, unknown> {
  const out: Record<string, unknown> = {
    id: command.id,
    application_id: command.applicationId,
    version: command.version,
    default_member_permissions: command.defaultMemberPermissions,
    type: command.type,
    name: command.name,
    name_localizations: command.nameLocalizations,
    description: command.description,
    description_localizations: command.descriptionLocalizations,
    nsfw: command.nsfw,
    integration_types: command.integrationTypes,
    contexts: command.contexts,
  };
  if (command.guildId !== null) out.guild_id = command.guildId;
  else out.dm_permission = command.contexts === null || command.contexts.includes(1);
  if (command.type === ApplicationCommandType.ChatInput) out.options = command.options;
  return out;
}

/**
 * The INTERACTION_CREATE payload (APIChatInputApplicationCommandGuildInteraction,
 * APIMessageComponentGuildInteraction): who used what where, with the
 * token the bot answers with. The fake's channels are all in guilds.
 */
export function apiInteraction(interaction: FakeInteraction, state: FakeState): Record<string, unknown> {
  const channel = state.channel(interaction.channelId);
  const guild = state.guild(interaction.guildId);
  const user = state.users.get(interaction.userId);
  const permissions = permissionsIn(state, interaction.userId, channel);
  const out: Record<string, unknown> = {
    id: interaction.id,
    application_id: interaction.applicationId,
    type: interaction.type,
    data: interaction.data,
    guild: { id: guild.id, features: [], locale: 'en-US' },
    guild_id: guild.id,
    channel: { ...apiChannel(channel), permissions },
    channel_id: channel.id,
    member: {
      user: user === undefined ? { id: interaction.userId, username: 'Deleted User', discriminator: '0', global_name: null, avatar: null } : apiUser(user),
      roles: [],
      joined_at: iso(guild.createdAt),
      deaf: false,
      mute: false,
      flags: 0,
      pending: false,
      nick: null,
      avatar: null,
      premium_since: null,
      communication_disabled_until: null,
      permissions,
    },
    token: interaction.token,
    version: 1,
    app_permissions: permissionsIn(state, interaction.botUserId, channel),
    locale: 'en-US',
    guild_locale: 'en-US',
    entitlements: [],
    authorizing_integration_owners: { '0': guild.id },
    context: 0,
    attachment_size_limit: interaction.attachmentSizeLimit,
  };
  if (interaction.type === InteractionType.MessageComponent && interaction.messageId !== null) {
    const message = state.messages.get(interaction.messageId);
    if (message !== undefined) out.message = apiMessage(message, state);
  }
  return out;
}
