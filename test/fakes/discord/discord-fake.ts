/**
 * A local Discord (API v10 over HTTP + gateway over WebSocket) that
 * unmodified discord.js talks to: point it at `rest: { api: fake.apiUrl }`
 * and it fetches the gateway URL from `GET /gateway/bot` like on Discord.
 * Tests and the demo mode build the world with the control methods below,
 * post, edit, delete and purge as human users, use the bots' slash commands
 * and buttons, read what bots and webhooks posted (ephemeral answers
 * included) and what bots sent users by DM, and script faults (429s,
 * slowmode, dropped and zombie connections, revoked tokens, a Message
 * Content intent turned off, attachment links expiring).
 *
 *   const fake = await DiscordFake.start();
 *   const bot = fake.createBot({ username: 'relay' });
 *   const guild = fake.createGuild({ name: 'g', bots: [bot.id] });
 *   const channel = fake.createChannel(guild.id, 'general');
 *   fake.postAsUser(channel.id, { content: 'hi' });
 *   // once the bot registered /plan:
 *   const { interactionId } = fake.invokeCommand({ channelId: channel.id, name: 'plan' });
 *   fake.interactionReplies(interactionId);
 *   // once the bot ran client.users.send(userId, 'hi'):
 *   fake.dmMessages(bot.id, userId);
 *   await fake.close();
 */
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { findDm, isDmChannel, openDm } from './dm-channels.ts';
import { FakeGateway } from './gateway.ts';
import { IpBan, type IpBanOptions } from './ip-ban.ts';
import type { GatewayStats } from './gateway.ts';
import type { FakeFileInput, FakeMessage, FakeWebhook, NewChannelOptions } from './model.ts';
import { apiApplicationCommand } from './payloads.ts';
import type { FakePermission } from './protocol.ts';
import {
  ATTACHMENT_URL_TTL_MS, GATEWAY_COMMAND_WINDOW_MS, GATEWAY_COMMANDS_PER_WINDOW, INTERACTION_RESPONSE_WINDOW_MS, INTERACTION_TOKEN_TTL_MS,
  MAX_RATE_LIMIT_PER_USER, POST_ONLY_TYPES,
} from './protocol.ts';
import { bulkDelete } from './rest-bulk-delete.ts';
import { RouteBuckets } from './rest-buckets.ts';
import type { RouteLimits } from './rest-buckets.ts';
import { RestFaults } from './rest-faults.ts';
import type { RateLimitRule, RestStats, ServerErrorRule } from './rest-faults.ts';
import { handleHttp } from './rest-server.ts';
import { DEFAULT_SESSION_STARTS } from './session-start-limit.ts';
import type { SessionStartOptions } from './session-start-limit.ts';
import { FakeState } from './state.ts';
import { repliesTo, useButton, useCommand } from './user-interactions.ts';
import type { CommandOptionValue, FakeInteractionReply, UsedInteraction } from './user-interactions.ts';

export type { FakeAttachment, FakeFileInput, FakeMessage, FakeWebhook } from './model.ts';
export type { CommandOptionValue, FakeInteractionReply, UsedInteraction } from './user-interactions.ts';
export type { RateLimitRule, ServerErrorRule } from './rest-faults.ts';
export type { BucketLimit, RouteLimits } from './rest-buckets.ts';
export type { FakePermission } from './protocol.ts';
export { ChannelType } from './protocol.ts';
export type { NewChannelOptions } from './model.ts';

export interface DiscordFakeOptions {
  /** Port to listen on; 0 (default) picks a free one. */
  port?: number;
  /** Address to bind. Default 127.0.0.1. */
  host?: string;
  /** `heartbeat_interval` of HELLO, ms. Default 41 250, as Discord. */
  heartbeatIntervalMs?: number;
  /** How long a dropped session may resume, ms. Default 120 000. */
  resumeWindowMs?: number;
  /** Dispatches kept per session for replay on resume. Default 10 000. */
  resumeBufferEvents?: number;
  /** Largest file accepted per attachment, bytes. Default 10 MiB (Discord's limit for bots). */
  uploadLimitBytes?: number;
  /** A connection with no heartbeat for this long is closed with 4009. Default max(2 × heartbeat interval, interval + 5 000). */
  heartbeatTimeoutMs?: number;
  /**
   * Gateway commands a connection may send per `commandWindowMs` before a
   * 4008 close. Default 120 per 60 000, as Discord, plus the heartbeats a
   * heartbeat interval shorter than Discord's adds (tests use 400 ms).
   */
  commandsPerWindow?: number;
  commandWindowMs?: number;
  /**
   * Session starts of each bot: `total` per `resetAfterMs`, `maxConcurrency`
   * IDENTIFYs per `windowMs`. Default 1000 a day and no identify window:
   * Discord's is 5 000 ms, which the adapter suites turn on (the adapter
   * paces its identifies); suites that start the same bot from several
   * threads or supervisors at once would otherwise wait 5 s per start.
   */
  sessionStarts?: Partial<SessionStartOptions>;
  /** Messages kept per channel. Default 10 000. */
  maxMessagesPerChannel?: number;
  /** How long `enforce_nonce` remembers a nonce, ms. Default 300 000. */
  nonceWindowMs?: number;
  /**
   * Discord's REST rate limits (per-route buckets with `X-RateLimit-*`
   * headers, 50 requests/s per bot): the defaults of RouteLimits, these
   * numbers, or `false` for none (suites that need raw speed). Default on.
   */
  rateLimits?: RouteLimits | false;
  /** The Cloudflare ban after too many invalid requests (ip-ban.ts). Default: Discord's, 10 000 in 10 minutes, for an hour. */
  ipBan?: IpBanOptions;
  /** How long a bot has for the initial response to an interaction (later: 404 10062), ms. Default 3 000, as Discord. */
  interactionResponseWindowMs?: number;
  /** How long an interaction token serves follow-ups and edits (later: 401 50027), ms. Default 15 minutes, as Discord. */
  interactionTokenTtlMs?: number;
  /**
   * How long an attachment link stays valid after the fake served it, ms
   * (later: 404 "This content is no longer available."). Links are signed
   * (`ex`, `is`, `hm`) afresh in every payload and on every read of
   * `FakeAttachment.url`, and by POST /attachments/refresh-urls; see
   * cdn-links.ts. Default 24 hours, as Discord's.
   */
  attachmentUrlTtlMs?: number;
}

export interface FakeStats extends RestStats {
  /** Cloudflare bans so far, and requests they refused. */
  ipBans: number;
  ipBanRefused: number;
  gateway: GatewayStats & { connected: number };
}

/** A test user's files as the fake stores them. */
function fileInputs(attachments: FakeFileInput[] | undefined): Array<{ filename: string; content: Buffer; contentType: string }> {
  return (attachments ?? []).map((a) => ({
    filename: a.name,
    content: typeof a.content === 'string' ? Buffer.from(a.content) : a.content,
    contentType: a.contentType ?? 'application/octet-stream',
  }));
}

export class DiscordFake {
  /** REST base to give discord.js as `rest.api`, e.g. `http://127.0.0.1:PORT/api`. */
  readonly apiUrl: string;
  readonly gatewayUrl: string;
  readonly #server: Server;
  readonly #state: FakeState;
  readonly #gateway: FakeGateway;
  readonly #faults: RestFaults;
  readonly #uploadLimitBytes: number;
  #defaultUserId: string | null = null;

  private constructor(server: Server, state: FakeState, gateway: FakeGateway, faults: RestFaults, origin: string, uploadLimitBytes: number) {
    this.#server = server;
    this.#state = state;
    this.#gateway = gateway;
    this.#faults = faults;
    this.#uploadLimitBytes = uploadLimitBytes;
    this.apiUrl = `${origin}/api`;
    this.gatewayUrl = `${origin.replace(/^http/, 'ws')}/gateway`;
  }

  static async start(options: DiscordFakeOptions = {}): Promise<DiscordFake> {
    const state = new FakeState({
      sessionStarts: { ...DEFAULT_SESSION_STARTS, windowMs: 0, ...options.sessionStarts },
      maxMessagesPerChannel: options.maxMessagesPerChannel ?? 10_000,
      nonceWindowMs: options.nonceWindowMs ?? 300_000,
      interactions: {
        responseWindowMs: options.interactionResponseWindowMs ?? INTERACTION_RESPONSE_WINDOW_MS,
        tokenTtlMs: options.interactionTokenTtlMs ?? INTERACTION_TOKEN_TTL_MS,
      },
      attachmentUrlTtlMs: options.attachmentUrlTtlMs ?? ATTACHMENT_URL_TTL_MS,
    });
    const faults = new RestFaults(new IpBan(options.ipBan));
    const buckets = options.rateLimits === false ? null : new RouteBuckets(options.rateLimits ?? {});
    let gatewayUrl = '';
    const heartbeatIntervalMs = options.heartbeatIntervalMs ?? 41_250;
    const gateway = new FakeGateway(state, {
      heartbeatIntervalMs,
      heartbeatTimeoutMs: options.heartbeatTimeoutMs ?? Math.max(2 * heartbeatIntervalMs, heartbeatIntervalMs + 5_000),
      commandsPerWindow: options.commandsPerWindow
        ?? GATEWAY_COMMANDS_PER_WINDOW + Math.max(0, Math.ceil((options.commandWindowMs ?? GATEWAY_COMMAND_WINDOW_MS) / heartbeatIntervalMs) - 2),
      commandWindowMs: options.commandWindowMs ?? GATEWAY_COMMAND_WINDOW_MS,
      resumeWindowMs: options.resumeWindowMs ?? 120_000,
      resumeBufferEvents: options.resumeBufferEvents ?? 10_000,
      url: () => gatewayUrl,
    });
    state.onEvent = (event) => gateway.onEvent(event);
    const limits = { uploadLimitBytes: options.uploadLimitBytes ?? 10 * 1024 * 1024 };
    const server = createServer((request, response) => {
      handleHttp({ state, faults, buckets, limits, gatewayUrl: () => gatewayUrl }, request, response).catch((error: unknown) => {
        if (!response.headersSent) response.writeHead(500, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ message: `500: ${error instanceof Error ? error.message : String(error)}`, code: 0 }));
      });
    });
    server.keepAliveTimeout = 30_000;
    server.on('upgrade', (request, socket, head) => {
      if ((request.url ?? '').startsWith('/gateway')) gateway.handleUpgrade(request, socket, head);
      else socket.destroy();
    });
    const host = options.host ?? '127.0.0.1';
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, host, () => resolve());
    });
    const { port } = server.address() as AddressInfo;
    const origin = `http://${host}:${port}`;
    gatewayUrl = `ws://${host}:${port}/gateway`;
    state.baseUrl = origin;
    return new DiscordFake(server, state, gateway, faults, origin, limits.uploadLimitBytes);
  }

  async close(): Promise<void> {
    await this.#gateway.close();
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  // --- the world ----------------------------------------------------------

  /** A bot and its application; `applicationId` equals `id`, as for every bot made today (READY's `application.id`). */
  createBot(input: { username?: string; token?: string; messageContentIntent?: boolean } = {}): {
    id: string; token: string; username: string; applicationId: string;
  } {
    const bot = this.#state.createBot({ username: input.username ?? `bot${this.#state.bots.size + 1}`, ...input });
    return { id: bot.user.id, token: bot.token, username: bot.user.username, applicationId: bot.applicationId };
  }

  createUser(input: { username: string; globalName?: string; avatar?: string }): { id: string; username: string } {
    const user = this.#state.createUser(input);
    return { id: user.id, username: user.username };
  }

  /** A guild owned by its first member (else a fresh user), with `bots` and `users` as members. */
  createGuild(input: { name: string; bots?: string[]; users?: string[] }): { id: string } {
    const ownerId = input.users?.[0] ?? this.#defaultUser();
    const guild = this.#state.createGuild({ name: input.name, ownerId });
    for (const id of [...(input.users ?? []), ...(input.bots ?? [])]) this.#state.addMember(guild.id, id);
    return { id: guild.id };
  }

  /** Adds a user or bot; a connected bot gets a GUILD_CREATE. */
  addMember(guildId: string, userId: string): void {
    this.#state.addMember(guildId, userId);
  }

  /**
   * A guild channel: text unless `type` says (ChannelType: announcement 5,
   * forum 15, media 16, voice 2, category 4, stage 13, directory 14); a forum
   * or media channel may offer tags (their ids come back) and require one on
   * every post.
   */
  createChannel(guildId: string, name: string, options: NewChannelOptions = {}): { id: string; tags: Array<{ id: string; name: string }> } {
    const channel = this.#state.createChannel(guildId, name, options);
    return { id: channel.id, tags: channel.tags.map((t) => ({ ...t })) };
  }

  /** A thread of a text or announcement channel made by the test (public unless `type` says; a private one's members are `members`). */
  createThread(channelId: string, name: string, options: { type?: number; members?: string[] } = {}): { id: string } {
    const thread = this.#state.createThread(channelId, name, null, options.type === undefined ? {} : { type: options.type });
    for (const id of options.members ?? []) thread.thread!.members.add(id);
    return { id: thread.id };
  }

  /**
   * A user starts a post in a forum or media channel: a public thread and
   * its first message (which takes the thread's id), announced as
   * THREAD_CREATE then MESSAGE_CREATE.
   */
  startPostAsUser(channelId: string, input: { name: string; content?: string; attachments?: FakeFileInput[]; userId?: string; appliedTags?: string[] }): {
    threadId: string; message: FakeMessage;
  } {
    const forum = this.#state.guildChannel(channelId);
    if (!POST_ONLY_TYPES.includes(forum.type)) throw new Error(`channel ${channelId} is no forum or media channel`);
    const authorId = input.userId ?? this.#defaultUser();
    this.#state.addMember(this.#state.guildOf(forum).id, authorId);
    const thread = this.#state.createThread(channelId, input.name, authorId, { appliedTags: input.appliedTags ?? [] });
    const message = this.#state.createMessage({
      id: thread.id, channelId: thread.id, authorId, content: input.content ?? '', files: fileInputs(input.attachments),
    });
    return { threadId: thread.id, message };
  }

  /** Archives or unarchives, locks or unlocks a thread (THREAD_UPDATE to those who see it). */
  setThreadState(threadId: string, change: { archived?: boolean; locked?: boolean }): void {
    this.#state.setThreadState(threadId, change);
  }

  /** Adds a user or bot to a thread's members (a private thread becomes visible to it: THREAD_UPDATE). */
  addThreadMember(threadId: string, userId: string): void {
    const thread = this.#state.guildChannel(threadId);
    if (thread.thread === null) throw new Error(`channel ${threadId} is not a thread`);
    thread.thread.members.add(userId);
    this.#state.onEvent({ type: 'THREAD_UPDATE', channel: thread });
  }

  /** The threads (posts, in a forum or media channel) of a channel, oldest first, with who started them (null: made by the test) and their state. */
  threads(channelId: string): Array<{ id: string; name: string; ownerId: string | null; type: number; archived: boolean; locked: boolean; appliedTags: string[] }> {
    return [...this.#state.channels.values()].filter((c) => c.parentId === channelId).map((c) => ({
      id: c.id, name: c.name, ownerId: c.ownerId, type: c.type,
      archived: c.thread?.archived ?? false, locked: c.thread?.locked ?? false, appliedTags: [...(c.thread?.appliedTags ?? [])],
    }));
  }

  /**
   * Sets the channel's slowmode (`rate_limit_per_user`, seconds; 0 = off):
   * a bot posting again within it gets 429 code 20016, unless it may manage
   * the channel's messages or the channel (deny both to subject it).
   */
  setSlowmode(channelId: string, seconds: number): void {
    if (!Number.isInteger(seconds) || seconds < 0 || seconds > MAX_RATE_LIMIT_PER_USER) throw new Error(`slowmode must be 0 to ${MAX_RATE_LIMIT_PER_USER} s`);
    this.#state.setSlowmode(channelId, seconds);
  }

  /** Turns the bot's privileged Message Content intent on or off: asking for it while off closes the gateway with 4014 at IDENTIFY. */
  setMessageContentIntent(botId: string, enabled: boolean): void {
    const bot = this.#state.bots.get(botId);
    if (bot === undefined) throw new Error(`no bot ${botId}`);
    bot.messageContentIntent = enabled;
  }

  /** Grants or denies a bot a permission in a channel (threads inherit their channel's denials). */
  setPermission(botId: string, channelId: string, permission: FakePermission, allowed: boolean): void {
    this.#state.setPermission(botId, channelId, permission, allowed);
  }

  /**
   * The user turns DMs from server members off (or back on): the bots'
   * messages to them fail with 403 50007, as on Discord. Opening the DM
   * still works.
   */
  closeDms(userId: string, closed = true): void {
    const user = this.#state.users.get(userId);
    if (user === undefined) throw new Error(`no user ${userId}`);
    user.dmsClosed = closed;
  }

  /**
   * The id of the bot's DM channel with the user, the one the bot's Create
   * DM answers; opened here if the bot has not yet (the user opening the
   * DM), e.g. for `postAsUser` into it.
   */
  dmChannelId(botId: string, userId: string): string {
    return openDm(this.#state, botId, userId).id;
  }

  // --- human users --------------------------------------------------------

  /**
   * A human posts (default: a user made on first use); every connected bot
   * of the guild gets MESSAGE_CREATE. In a DM channel the author is its
   * user, and the bot gets it only with the DIRECT_MESSAGES intent.
   */
  postAsUser(channelId: string, input: {
    content?: string;
    attachments?: FakeFileInput[];
    replyTo?: string;
    userId?: string;
    embeds?: unknown[];
  }): FakeMessage {
    const channel = this.#state.channel(channelId);
    let authorId: string;
    if (isDmChannel(channel)) {
      authorId = input.userId ?? channel.dm.userId;
      if (authorId !== channel.dm.userId) throw new Error(`user ${authorId} is not in DM channel ${channelId}`);
    } else {
      authorId = input.userId ?? this.#defaultUser();
      this.#state.addMember(this.#state.guildOf(channel).id, authorId);
      // A member's message unarchives an archived thread (THREAD_UPDATE first), as on Discord; the fake's users may post in locked ones too.
      if (channel.thread?.archived === true && !channel.thread.locked) this.#state.setThreadState(channelId, { archived: false });
    }
    const files = fileInputs(input.attachments);
    const reference = input.replyTo === undefined ? null : { messageId: input.replyTo, channelId, guildId: channel.guildId };
    return this.#state.createMessage({
      channelId, authorId, content: input.content ?? '', embeds: input.embeds ?? [], files, reference,
    });
  }

  editAsUser(channelId: string, messageId: string, content: string): FakeMessage {
    return this.#state.editMessage(this.#message(channelId, messageId), { content });
  }

  deleteAsUser(channelId: string, messageId: string): void {
    this.#state.deleteMessage(this.#message(channelId, messageId));
  }

  /**
   * A user (default: a user made on first use) uses a bot's slash command
   * in the channel: `name` is the command with its subcommand path
   * (`pairs pause`), `options` its values by option name (a user or channel
   * option takes the id). The command must be registered for a bot in the
   * guild (`applicationId` picks one when several have it) and the values
   * fit its options, as Discord's client insists; otherwise this throws.
   * The bot's sessions get INTERACTION_CREATE; the answer must come within
   * the response window.
   */
  invokeCommand(input: {
    channelId: string;
    name: string;
    options?: Readonly<Record<string, CommandOptionValue>>;
    userId?: string;
    applicationId?: string;
  }): UsedInteraction {
    const userId = this.#member(input.channelId, input.userId);
    return useCommand(this.#state, { ...input, userId, attachmentSizeLimit: this.#uploadLimitBytes });
  }

  /** A user clicks a button (by its custom id) of a bot's message; the bot gets a MESSAGE_COMPONENT interaction. Throws for a button Discord would not offer. */
  clickButton(input: { channelId: string; messageId: string; customId: string; userId?: string }): UsedInteraction {
    const userId = this.#member(input.channelId, input.userId);
    return useButton(this.#state, { ...input, userId, attachmentSizeLimit: this.#uploadLimitBytes });
  }

  /**
   * Moves the interaction clock forward: the response window and token
   * lifetime run out as if `ms` had passed (nothing else in the fake moves).
   */
  advanceInteractionClock(ms: number): void {
    this.#state.interactions.advance(ms);
  }

  /**
   * Moves the CDN clock forward: attachment links run out as if `ms` had
   * passed (nothing else in the fake moves); links served afterwards are
   * signed on the moved clock, valid for the TTL from then.
   */
  advanceCdnClock(ms: number): void {
    this.#state.cdn.advance(ms);
  }

  /**
   * Every attachment link served so far expires (the CDN clock moves to the
   * latest expiry handed out): downloads answer 404 "This content is no
   * longer available." until the client gets fresh links, by fetching the
   * message again or through POST /attachments/refresh-urls.
   */
  expireAttachmentUrls(): void {
    this.#state.cdn.expireAll();
  }

  /**
   * A moderator purges messages (a bulk delete, with its limits: 2–100 ids,
   * none older than 14 days); connected bots get one MESSAGE_DELETE_BULK.
   * Returns the ids that were there.
   */
  purgeAsModerator(channelId: string, messageIds: readonly string[]): string[] {
    return bulkDelete(this.#state, this.#state.guildChannel(channelId), { json: { messages: [...messageIds] }, files: [] });
  }

  // --- reading ------------------------------------------------------------

  /** The channel's live messages, oldest first (bots', webhooks' and users'). */
  messages(channelId: string): FakeMessage[] {
    return this.#state.channelMessages(channelId);
  }

  message(messageId: string): FakeMessage | undefined {
    return this.#state.messages.get(messageId);
  }

  /** What the bot and the user wrote each other by DM (components and embeds included), oldest first; none before the DM was opened. */
  dmMessages(botId: string, userId: string): FakeMessage[] {
    const dm = findDm(this.#state, botId, userId);
    return dm === undefined ? [] : this.#state.channelMessages(dm.id);
  }

  /**
   * What the user of an interaction saw of the bot's answer: the original
   * response (or, for a button answered with an update, the updated
   * message) and the follow-ups, ephemeral ones included and flagged.
   */
  interactionReplies(interactionId: string): FakeInteractionReply[] {
    return repliesTo(this.#state, interactionId);
  }

  /** Where an interaction stands: the callback type of its initial response (null: none yet). */
  interaction(interactionId: string): { id: string; token: string; type: number; responseType: number | null; originalMessageId: string | null } {
    const i = this.#state.interactions.get(interactionId);
    if (i === undefined) throw new Error(`no interaction ${interactionId}`);
    return { id: i.id, token: i.token, type: i.type, responseType: i.responseType, originalMessageId: i.originalMessageId };
  }

  /** The application's registered commands as Discord lists them: global ones, or those of a guild. */
  commands(applicationId: string, guildId?: string): Array<Record<string, unknown>> {
    return this.#state.commandsOf(applicationId, guildId ?? null).map(apiApplicationCommand);
  }

  webhooks(channelId: string): FakeWebhook[] {
    return this.#state.webhooksOf(channelId);
  }

  deleteWebhook(webhookId: string): void {
    this.#state.webhooks.delete(webhookId);
  }

  stats(): FakeStats {
    const rest = this.#faults.stats;
    return {
      requests: { ...rest.requests },
      invalid: { ...rest.invalid },
      invalidByBot: { ...rest.invalidByBot },
      rateLimited: { ...rest.rateLimited },
      ipBans: this.#faults.ipBan.bans,
      ipBanRefused: this.#faults.ipBan.refused,
      gateway: { ...this.#gateway.stats, connected: this.#gateway.connectedCount() },
    };
  }

  resetStats(): void {
    const rest = this.#faults.stats;
    rest.requests = {};
    rest.invalid = { 401: 0, 403: 0, 429: 0 };
    rest.invalidByBot = {};
    rest.rateLimited = { user: 0, global: 0, shared: 0 };
    Object.assign(this.#gateway.stats, { connections: 0, identifies: 0, resumes: 0, invalidSessions: 0, heartbeats: 0 });
  }

  /** Open, authenticated gateway connections of a bot (of every bot without an id). */
  connectedCount(botId?: string): number {
    return this.#gateway.connectedCount(botId);
  }

  // --- faults -------------------------------------------------------------

  /** Answers matching requests with 429 (see RateLimitRule); returns a function that removes the rule. */
  rateLimit(rule: RateLimitRule): () => void {
    return this.#faults.rateLimit(rule);
  }

  /** Answers matching requests with a 5xx (see ServerErrorRule); returns a function that removes the rule. */
  serverError(rule: ServerErrorRule): () => void {
    return this.#faults.serverError(rule);
  }

  /** Removes every 429 and 5xx rule. */
  clearRateLimits(): void {
    this.#faults.clear();
  }

  /** Closes the bot's gateway connections with `code` (default 4000: clients resume), or cuts them (`abrupt`). */
  dropGateway(botId: string, options: { code?: number; abrupt?: boolean } = {}): number {
    return this.#gateway.drop(botId, options);
  }

  /** The bot's current connections stop acking heartbeats and delivering dispatches (held for a resume). */
  zombieGateway(botId: string): number {
    return this.#gateway.zombie(botId);
  }

  requestReconnect(botId: string): void {
    this.#gateway.requestReconnect(botId);
  }

  invalidateSession(botId: string, resumable: boolean): void {
    this.#gateway.invalidateSession(botId, resumable);
  }

  /** Sets the bot's session starts: what `GET /gateway/bot` reports and IDENTIFY obeys. */
  setSessionStarts(botId: string, limit: { remaining?: number; total?: number; maxConcurrency?: number }): void {
    const bot = this.#state.bots.get(botId);
    if (bot === undefined) throw new Error(`no bot ${botId}`);
    const starts = bot.sessionStarts;
    if (limit.total !== undefined) starts.total = limit.total;
    if (limit.remaining !== undefined) starts.remaining = limit.remaining;
    if (limit.maxConcurrency !== undefined) starts.maxConcurrency = limit.maxConcurrency;
  }

  /** The bot's token stops working: REST answers 401, the gateway closes with 4004. */
  revokeToken(botId: string): void {
    const bot = this.#state.bots.get(botId);
    if (bot === undefined) throw new Error(`no bot ${botId}`);
    bot.revoked = true;
    this.#gateway.revoke(botId);
  }

  #message(channelId: string, messageId: string): FakeMessage {
    const message = this.#state.message(channelId, messageId);
    if (message === undefined) throw new Error(`no message ${messageId} in channel ${channelId}`);
    return message;
  }

  /** The acting user (default: the one made on first use), made a member of the channel's guild. Interactions in DMs are not modelled. */
  #member(channelId: string, userId: string | undefined): string {
    const channel = this.#state.channel(channelId);
    if (isDmChannel(channel)) throw new Error(`channel ${channelId} is a DM channel: commands and buttons there are not modelled`);
    const id = userId ?? this.#defaultUser();
    this.#state.addMember(this.#state.guildOf(channel).id, id);
    return id;
  }

  #defaultUser(): string {
    this.#defaultUserId ??= this.#state.createUser({ username: 'alice', globalName: 'Alice' }).id;
    return this.#defaultUserId;
  }
}
