/**
 * The fake's world: users, bots, guilds, channels, threads, messages,
 * webhooks, attachments (their links signed by cdn-links.ts), application
 * commands, interactions and DM channels (made by dm-channels.ts), all in
 * memory. Messages are indexed per channel (ids ascending, so paging is a
 * binary search) and globally by id, never scanned; each change is reported
 * through `onEvent` for the gateway to dispatch. Ephemeral messages exist
 * for their interaction's user only: kept by id, never in the channel's
 * history nor dispatched. Validation of requests belongs to the REST
 * routes, not here.
 */
import { randomBytes } from 'node:crypto';
import type {
  FakeApplicationCommand, FakeAttachment, FakeBot, FakeChannel, FakeEvent, FakeGuild, FakeMessage, FakeStateOptions, FakeThreadMeta, FakeUser,
  FakeWebhook, ListQuery, NewChannelOptions, NewMessage, NewThreadOptions,
} from './model.ts';
import { CdnLinks } from './cdn-links.ts';
import { InteractionRegistry } from './interactions.ts';
import { ChannelFlag, ChannelType, DEFAULT_AUTO_ARCHIVE_DURATION, DM_PERMISSIONS, MessageFlag, MessageType, POST_ONLY_TYPES } from './protocol.ts';
import type { FakePermission } from './protocol.ts';
import { NonceIndex, page } from './history.ts';
export type { FakeEvent, NewChannelOptions, NewMessage, NewThreadOptions } from './model.ts';
import { SessionStartLimit } from './session-start-limit.ts';
import { SnowflakeGenerator } from './snowflake.ts';

export class FakeState {
  readonly ids = new SnowflakeGenerator();
  readonly users = new Map<string, FakeUser>();
  readonly bots = new Map<string, FakeBot>();
  readonly botsByToken = new Map<string, FakeBot>();
  /** Bots by their application's id (equal to the bot user's id, as for bots made today). */
  readonly botsByApplication = new Map<string, FakeBot>();
  readonly guilds = new Map<string, FakeGuild>();
  readonly channels = new Map<string, FakeChannel>();
  /** DM channel ids by `botUserId:userId`: Discord keeps one DM per pair. */
  readonly dmChannels = new Map<string, string>();
  readonly messages = new Map<string, FakeMessage>();
  readonly webhooks = new Map<string, FakeWebhook>();
  readonly attachments = new Map<string, FakeAttachment>();
  /** Registered commands per application and scope (see commandScope). */
  readonly commands = new Map<string, FakeApplicationCommand[]>();
  readonly interactions: InteractionRegistry;
  /** Signs attachment links and checks them on download, on its own clock. */
  readonly cdn: CdnLinks;
  onEvent: (event: FakeEvent) => void = () => {};
  /** Base of attachment URLs, set once the server listens. */
  baseUrl = 'http://127.0.0.1';
  readonly #options: FakeStateOptions;
  readonly #nonces: NonceIndex;

  constructor(options: FakeStateOptions) {
    this.#options = options;
    this.#nonces = new NonceIndex(options.nonceWindowMs);
    this.interactions = new InteractionRegistry(options.interactions);
    this.cdn = new CdnLinks(options.attachmentUrlTtlMs);
  }

  createUser(input: { username: string; globalName?: string | null; avatar?: string | null }): FakeUser {
    const user: FakeUser = {
      id: this.ids.next(), username: input.username, globalName: input.globalName ?? null, avatar: input.avatar ?? null, bot: false, dmsClosed: false,
    };
    this.users.set(user.id, user);
    return user;
  }

  createBot(input: { username: string; token?: string; messageContentIntent?: boolean }): FakeBot {
    const user: FakeUser = { id: this.ids.next(), username: input.username, globalName: null, avatar: null, bot: true, dmsClosed: false };
    const token = input.token ?? `${Buffer.from(user.id).toString('base64url')}.${randomBytes(4).toString('base64url')}.${randomBytes(20).toString('base64url')}`;
    if (this.botsByToken.has(token)) throw new Error(`a bot with token ${token} exists already`);
    const owner = this.createUser({ username: `${input.username}-owner` });
    const bot: FakeBot = {
      user, token, applicationId: user.id, ownerId: owner.id, messageContentIntent: input.messageContentIntent ?? true, revoked: false, guildIds: new Set(),
      sessionStarts: new SessionStartLimit(this.#options.sessionStarts),
    };
    this.users.set(user.id, user);
    this.bots.set(user.id, bot);
    this.botsByToken.set(token, bot);
    this.botsByApplication.set(bot.applicationId, bot);
    return bot;
  }

  /** The application's commands, global (`guildId` null) or of one guild, in registration order. */
  commandsOf(applicationId: string, guildId: string | null): FakeApplicationCommand[] {
    return this.commands.get(commandScope(applicationId, guildId)) ?? [];
  }

  setCommands(applicationId: string, guildId: string | null, commands: FakeApplicationCommand[]): void {
    this.commands.set(commandScope(applicationId, guildId), commands);
  }

  createGuild(input: { name: string; ownerId: string }): FakeGuild {
    const guild: FakeGuild = {
      id: this.ids.next(), name: input.name, ownerId: input.ownerId, createdAt: Date.now(), channelIds: [], memberIds: new Set([input.ownerId]),
    };
    this.guilds.set(guild.id, guild);
    return guild;
  }

  /** Adds a user or bot to a guild; a bot joining is told with a GUILD_CREATE. */
  addMember(guildId: string, userId: string): void {
    const guild = this.guild(guildId);
    if (!this.users.has(userId)) throw new Error(`no user ${userId}`);
    if (guild.memberIds.has(userId)) return;
    guild.memberIds.add(userId);
    const bot = this.bots.get(userId);
    if (bot !== undefined) {
      bot.guildIds.add(guildId);
      this.onEvent({ type: 'GUILD_JOIN', guild, botUserId: userId });
    }
  }

  /** A guild channel of any kind (text unless told; see NewChannelOptions), announced with a CHANNEL_CREATE. */
  createChannel(guildId: string, name: string, options: NewChannelOptions = {}): FakeChannel {
    const guild = this.guild(guildId);
    const type = options.type ?? ChannelType.GuildText;
    const channel = this.#newChannel(guild, type, name, null, null);
    if (POST_ONLY_TYPES.includes(type)) {
      channel.tags = (options.tags ?? []).map((tag) => ({ id: this.ids.next(), name: tag }));
      if (options.requireTag === true) channel.flags |= ChannelFlag.RequireTag;
    }
    this.onEvent({ type: 'CHANNEL_CREATE', channel });
    return channel;
  }

  /**
   * A thread of a text, announcement, forum or media channel (public unless
   * told; in an announcement channel an announcement thread), its creator its
   * first member, announced with a THREAD_CREATE to those who may see it.
   */
  createThread(parentId: string, name: string, ownerId: string | null, options: NewThreadOptions = {}): FakeChannel {
    const parent = this.guildChannel(parentId);
    if (parent.parentId !== null) throw new Error('threads live in channels, not in threads');
    const type = options.type ?? (parent.type === ChannelType.GuildAnnouncement ? ChannelType.AnnouncementThread : ChannelType.PublicThread);
    const now = Date.now();
    const thread = this.#newChannel(this.guildOf(parent), type, name, parentId, ownerId, {
      autoArchiveDuration: options.autoArchiveDuration ?? DEFAULT_AUTO_ARCHIVE_DURATION,
      invitable: options.invitable ?? true,
      archived: false,
      locked: false,
      archiveChangedAt: now,
      members: new Set(ownerId === null ? [] : [ownerId]),
      post: POST_ONLY_TYPES.includes(parent.type),
      appliedTags: options.appliedTags ?? [],
    });
    thread.rateLimitPerUser = options.rateLimitPerUser ?? 0;
    // A forum's last_message_id names its newest post, as on Discord.
    if (thread.thread?.post === true) parent.lastMessageId = thread.id;
    this.onEvent({ type: 'THREAD_CREATE', channel: thread });
    return thread;
  }

  /** Archives, unarchives, locks or unlocks a thread; those who see it get a THREAD_UPDATE. */
  setThreadState(threadId: string, change: { archived?: boolean; locked?: boolean }): void {
    const meta = this.channel(threadId).thread;
    if (meta === null) throw new Error(`channel ${threadId} is not a thread`);
    if (change.archived !== undefined && change.archived !== meta.archived) {
      meta.archived = change.archived;
      meta.archiveChangedAt = Date.now();
    }
    if (change.locked !== undefined) meta.locked = change.locked;
    this.onEvent({ type: 'THREAD_UPDATE', channel: this.channel(threadId) });
  }

  guild(id: string): FakeGuild {
    const guild = this.guilds.get(id);
    if (guild === undefined) throw new Error(`no guild ${id}`);
    return guild;
  }

  channel(id: string): FakeChannel {
    const channel = this.channels.get(id);
    if (channel === undefined) throw new Error(`no channel ${id}`);
    return channel;
  }

  /** A guild channel or thread: asking this of a DM channel (overwrites, slowmode, threads) is a test's mistake. */
  guildChannel(id: string): FakeChannel {
    const channel = this.channel(id);
    if (channel.dm !== null) throw new Error(`channel ${id} is a DM channel: guild channels only`);
    return channel;
  }

  /** The guild of a guild channel or thread (a DM channel has none). */
  guildOf(channel: FakeChannel): FakeGuild {
    if (channel.guildId === null) throw new Error(`channel ${channel.id} is a DM channel, in no guild`);
    return this.guild(channel.guildId);
  }

  setPermission(botUserId: string, channelId: string, permission: FakePermission, allowed: boolean): void {
    const channel = this.guildChannel(channelId);
    let denied = channel.denied.get(botUserId);
    if (denied === undefined) {
      denied = new Set();
      channel.denied.set(botUserId, denied);
    }
    if (allowed) denied.delete(permission);
    else denied.add(permission);
    // Connected bots see the change as Discord shows it: a CHANNEL_UPDATE with the overwrites.
    this.onEvent({ type: 'CHANNEL_UPDATE', channel });
  }

  /**
   * Whether `userId` may do `permission` in the channel: a member, not
   * denied there nor (for a thread) in its parent. A private thread is only
   * there for its members (its creator, those added) and those who may
   * manage threads. A DM channel has no overwrites: its two ends have
   * the DM permissions (whether the user accepts the bot's DMs is decided
   * per message, see dm-channels.ts).
   */
  can(userId: string, channel: FakeChannel, permission: FakePermission): boolean {
    if (channel.dm !== null) return (channel.dm.botUserId === userId || channel.dm.userId === userId) && DM_PERMISSIONS.has(permission);
    if (!this.guildOf(channel).memberIds.has(userId)) return false;
    const deniedHere = channel.denied.get(userId);
    if (deniedHere !== undefined && (deniedHere.has(permission) || deniedHere.has('view'))) return false;
    if (channel.parentId === null) return true;
    const parent = this.channel(channel.parentId);
    if (channel.type === ChannelType.PrivateThread && channel.thread?.members.has(userId) !== true && !this.can(userId, parent, 'manage_threads')) return false;
    return this.can(userId, parent, permission);
  }

  createMessage(input: NewMessage): FakeMessage {
    const channel = this.channel(input.channelId);
    const id = input.id ?? this.ids.next();
    const attachments = (input.files ?? []).map((file) => this.#storeAttachment(channel.id, file));
    const message: FakeMessage = {
      id,
      channelId: channel.id,
      guildId: channel.guildId,
      authorId: input.webhook?.id ?? input.authorId,
      webhookId: input.webhook?.id ?? input.interaction?.applicationId ?? null,
      webhookName: input.webhook?.name ?? null,
      webhookAvatarUrl: input.webhook?.avatarUrl ?? null,
      content: input.content ?? '',
      embeds: input.embeds ?? [],
      components: input.components ?? [],
      attachments,
      flags: input.flags ?? 0,
      type: input.type ?? (input.reference ? MessageType.Reply : MessageType.Default),
      reference: input.reference ?? null,
      nonce: input.nonce ?? null,
      createdAt: Date.now(),
      editedAt: null,
      interaction: input.interaction ?? null,
    };
    this.messages.set(id, message);
    if (isEphemeral(message)) return message;
    channel.messageIds.push(id);
    channel.lastMessageId = id;
    this.#trim(channel);
    if (message.nonce !== null) this.#nonces.remember(input.authorId, message.nonce, id);
    if (message.webhookId === null && channel.rateLimitPerUser > 0 && !this.#slowmodeExempt(channel, input.authorId)) {
      channel.lastPostAt.set(input.authorId, message.createdAt);
    }
    this.onEvent({ type: 'MESSAGE_CREATE', message });
    return message;
  }

  editMessage(message: FakeMessage, changes: {
    content?: string;
    embeds?: unknown[];
    components?: unknown[];
    keepAttachmentIds?: Set<string>;
    files?: Array<{ filename: string; content: Buffer; contentType: string }>;
    flags?: number;
  }): FakeMessage {
    if (changes.content !== undefined) message.content = changes.content;
    if (changes.embeds !== undefined) message.embeds = changes.embeds;
    if (changes.components !== undefined) message.components = changes.components;
    if (changes.flags !== undefined) message.flags = changes.flags;
    if (changes.keepAttachmentIds !== undefined) {
      const keep = changes.keepAttachmentIds;
      for (const a of message.attachments) if (!keep.has(a.id)) this.attachments.delete(a.id);
      message.attachments = message.attachments.filter((a) => keep.has(a.id));
    }
    for (const file of changes.files ?? []) message.attachments.push(this.#storeAttachment(message.channelId, file));
    message.editedAt = Date.now();
    if (!isEphemeral(message)) this.onEvent({ type: 'MESSAGE_UPDATE', message });
    return message;
  }

  deleteMessage(message: FakeMessage): void {
    if (!this.messages.delete(message.id)) return;
    for (const a of message.attachments) this.attachments.delete(a.id);
    if (!isEphemeral(message)) this.onEvent({ type: 'MESSAGE_DELETE', message });
  }

  /** Deletes the channel's messages among `ids` at once: one MESSAGE_DELETE_BULK naming those that were there. */
  deleteMessages(channel: FakeChannel, ids: readonly string[]): string[] {
    const deleted: string[] = [];
    for (const id of new Set(ids)) {
      const message = this.message(channel.id, id);
      if (message === undefined) continue;
      this.messages.delete(id);
      for (const a of message.attachments) this.attachments.delete(a.id);
      deleted.push(id);
    }
    if (deleted.length > 0) this.onEvent({ type: 'MESSAGE_DELETE_BULK', channel, ids: deleted });
    return deleted;
  }

  /** Sets the channel's slowmode (seconds, 0 = off); connected bots get a CHANNEL_UPDATE. */
  setSlowmode(channelId: string, seconds: number): void {
    const channel = this.guildChannel(channelId);
    channel.rateLimitPerUser = seconds;
    channel.lastPostAt.clear();
    this.onEvent({ type: 'CHANNEL_UPDATE', channel });
  }

  /**
   * How long `userId` must still wait before posting in the channel under
   * its slowmode, ms (0: may post). As on Discord, members who may manage
   * the channel's messages or the channel itself are exempt.
   */
  slowmodeWaitMs(channel: FakeChannel, userId: string, now = Date.now()): number {
    if (channel.rateLimitPerUser === 0 || this.#slowmodeExempt(channel, userId)) return 0;
    const last = channel.lastPostAt.get(userId);
    return last === undefined ? 0 : Math.max(0, last + channel.rateLimitPerUser * 1000 - now);
  }

  /** A live message of the channel, as everyone sees it (ephemeral messages are not). */
  message(channelId: string, messageId: string): FakeMessage | undefined {
    const message = this.messages.get(messageId);
    return message?.channelId === channelId && !isEphemeral(message) ? message : undefined;
  }

  /** As Discord pages: `limit` messages after `after` (the oldest ones), or before `before`, or the newest; newest first. */
  listMessages(channelId: string, query: ListQuery): FakeMessage[] {
    return page(this.channel(channelId).messageIds, (id) => this.messages.get(id), query);
  }

  /** Every live message of the channel, oldest first. */
  channelMessages(channelId: string): FakeMessage[] {
    const out: FakeMessage[] = [];
    for (const id of this.channel(channelId).messageIds) {
      const m = this.messages.get(id);
      if (m !== undefined) out.push(m);
    }
    return out;
  }

  /** The message `authorId` created with `nonce` within the nonce window, if still there. */
  messageByNonce(authorId: string, nonce: string): FakeMessage | undefined {
    const id = this.#nonces.find(authorId, nonce);
    return id === undefined ? undefined : this.messages.get(id);
  }

  createWebhook(channel: FakeChannel, creator: FakeBot, name: string, avatar: string | null): FakeWebhook {
    const webhook: FakeWebhook = {
      id: this.ids.next(),
      token: randomBytes(32).toString('base64url'),
      channelId: channel.id,
      guildId: this.guildOf(channel).id,
      name,
      avatar,
      creatorId: creator.user.id,
      applicationId: creator.applicationId,
    };
    this.webhooks.set(webhook.id, webhook);
    return webhook;
  }

  webhooksOf(channelId: string): FakeWebhook[] {
    return [...this.webhooks.values()].filter((w) => w.channelId === channelId);
  }

  #newChannel(guild: FakeGuild, type: number, name: string, parentId: string | null, ownerId: string | null, thread: FakeThreadMeta | null = null): FakeChannel {
    const channel: FakeChannel = {
      id: this.ids.next(), guildId: guild.id, type, name, parentId, ownerId, createdAt: Date.now(), messageIds: [], lastMessageId: null, denied: new Map(),
      rateLimitPerUser: 0, lastPostAt: new Map(), thread, dm: null, flags: 0, tags: [],
    };
    this.channels.set(channel.id, channel);
    guild.channelIds.push(channel.id);
    return channel;
  }

  /** Bots that may manage the channel's messages or the channel ignore slowmode; the fake's human users (test controls) always do. */
  #slowmodeExempt(channel: FakeChannel, userId: string): boolean {
    return !this.bots.has(userId) || this.can(userId, channel, 'manage_messages') || this.can(userId, channel, 'manage_channels');
  }

  #storeAttachment(channelId: string, file: { filename: string; content: Buffer; contentType: string }): FakeAttachment {
    const id = this.ids.next();
    const cdn = this.cdn;
    const unsignedUrl = `${this.baseUrl}/attachments/${channelId}/${id}/${encodeURIComponent(file.filename)}`;
    const attachment: FakeAttachment = {
      id,
      channelId,
      filename: file.filename,
      size: file.content.length,
      contentType: file.contentType,
      content: file.content,
      unsignedUrl,
      get url() {
        return cdn.sign(unsignedUrl);
      },
    };
    this.attachments.set(id, attachment);
    return attachment;
  }

  /** Forgets the oldest messages past the per-channel bound, a batch at a time so the array shifts rarely. */
  #trim(channel: FakeChannel): void {
    const max = this.#options.maxMessagesPerChannel;
    const slack = Math.max(64, max >> 2);
    if (channel.messageIds.length <= max + slack) return;
    const dropped = channel.messageIds.splice(0, channel.messageIds.length - max);
    for (const id of dropped) {
      const message = this.messages.get(id);
      if (message === undefined) continue;
      this.messages.delete(id);
      for (const a of message.attachments) this.attachments.delete(a.id);
    }
  }
}

function isEphemeral(message: FakeMessage): boolean {
  return (message.flags & MessageFlag.Ephemeral) !== 0;
}

function commandScope(applicationId: string, guildId: string | null): string {
  return `${applicationId}|${guildId ?? ''}`;
}
