/**
 * The Discord platform's client: one bot (token = credential) through
 * discord.js. Inbound messages are read from raw gateway dispatches
 * (inbound-feed.ts), after the catch-up `connect` runs from the cursor; sends
 * go over REST (discord-sender.ts) and never sleep on a rate limit. discord.js
 * resumes dropped sessions itself (after a 4008 too, see
 * resume-after-rate-limit.ts); a watchdog starts over from the cursor when
 * the gateway stays silent. Each connect reads the bot's session starts left
 * first and paces its IDENTIFY (session-start-budget.ts, identify-pacer.ts). discord.js itself is loaded on the first
 * connect, so threads without Discord bots never pay for it.
 */
import type { Client, GatewayDispatchPayload } from 'discord.js';
import type { ResumeCursor, SendResult, SendTask } from '../../../src/runtime-contracts/actor-contract.ts';
import { DiscordIntentsDisallowedError } from '../../../src/errors/registry.ts';
import { CHAT_TOPIC } from '../../../src/forwarding/routing/topic-mapping.ts';
import type { PlatformCallbacks, PlatformClient, PlatformClientFactory } from '../platform-client.ts';
import type * as DiscordEngineModule from './discord-engine.ts';
import type { DiscordRuntime } from './discord-runtime.ts';
import type { DiscordSender } from './discord-sender.ts';
import { catchUpChat } from './chat-catch-up.ts';
import { GatewayWatchdog } from './gateway-watchdog.ts';
import { InboundFeed } from './inbound-feed.ts';
import { sessionStartVerdict } from './session-start-budget.ts';
import type { FeedSource } from './inbound-feed.ts';

type DiscordEngine = typeof DiscordEngineModule;
let engineLoading: Promise<DiscordEngine> | null = null;

/** discord.js and what uses it, imported on the first connect of the thread (see discord-engine.ts). */
function loadEngine(): Promise<DiscordEngine> {
  engineLoading ??= import('./discord-engine.ts');
  return engineLoading;
}

/**
 * Heap of one connected discord.js Client beyond its caches (REST manager,
 * WebSocket shard, managers): about 70 KiB measured against the fake.
 */
const CONNECTION_BYTES = 64 * 1024;

/** Gateway closes discord.js gives up on: a revoked token, and privileged intents the application does not allow. */
const AUTHENTICATION_FAILED = 4004;
const DISALLOWED_INTENTS = 4014;

type ClientState = 'new' | 'connecting' | 'connected' | 'disconnected' | 'revoked';

/** What one connection is made of; replaced whole on every connect. */
/** Gateway sessions this client started (READY) and resumed (RESUMED), and what Discord last said is left. */
export interface SessionStartCount {
  started: number;
  resumed: number;
  remaining: number | null;
  total: number | null;
}

interface Connection extends FeedSource {
  engine: DiscordEngine;
  client: Client;
  sender: DiscordSender;
}

export class DiscordClient implements PlatformClient {
  readonly #runtime: DiscordRuntime;
  readonly #callbacks: PlatformCallbacks;
  readonly #token: string;
  #state: ClientState = 'new';
  /** Why Discord refused the bot, once `revoked`: told to the actor and to later sends. */
  #rejectedReason = 'Discord rejected the bot token';
  #generation = 0;
  #connection: Connection | null = null;
  readonly #feed: InboundFeed;
  #lastDispatchAt = 0;
  #inFlightBytes = 0;
  readonly #watchdog: GatewayWatchdog;
  readonly #starts: SessionStartCount = { started: 0, resumed: 0, remaining: null, total: null };

  constructor(runtime: DiscordRuntime, credential: string, callbacks: PlatformCallbacks) {
    this.#runtime = runtime;
    this.#token = credential;
    this.#callbacks = callbacks;
    this.#feed = new InboundFeed((message) => callbacks.onMessage(message), (generation) => generation === this.#generation);
    this.#watchdog = new GatewayWatchdog(runtime.zombieTimeoutMs, () => this.#lastSignOfLife(), (silentMs) => {
      void this.#recover(`the Discord gateway was silent for ${silentMs} ms`);
    });
  }

  /**
   * Logs in and waits for READY; with a cursor, reports every message after
   * it (per chat, oldest first) before any live one. A rejected token, or
   * intents the bot's application does not allow (4014: no retry helps until
   * its owner enables them), calls `onCredentialsRejected` and resolves;
   * other failures reject.
   */
  async connect(cursor: ResumeCursor | null): Promise<void> {
    if (this.#state === 'connected' || this.#state === 'connecting') return;
    if (this.#state === 'revoked') {
      this.#callbacks.onCredentialsRejected(this.#rejectedReason);
      return;
    }
    if (cursor !== null) this.#feed.resumeFrom(cursor);
    this.#state = 'connecting';
    const generation = ++this.#generation;
    const openGate = this.#feed.hold();
    let engine: DiscordEngine;
    let client: Client;
    try {
      engine = await loadEngine();
      client = engine.makeDiscordClient(this.#runtime);
    } catch (error) {
      this.#state = 'disconnected';
      openGate();
      throw error;
    }
    client.on(engine.Events.Raw, (packet: GatewayDispatchPayload) => this.#onDispatch(packet, generation));
    client.on(engine.Events.ShardDisconnect, ({ code }) => this.#onFatalClose(code, generation));
    try {
      const limit = await engine.readSessionStarts(client, this.#token);
      this.#starts.remaining = limit.remaining;
      this.#starts.total = limit.total;
      if (sessionStartVerdict(limit) === 'low') this.#warnLowStarts(limit.remaining, limit.total);
      const waitMs = this.#runtime.identifyPacer.reserve(this.#botKey(), Date.now(), limit.max_concurrency);
      if (waitMs > 0) await new Promise((resolve) => setTimeout(resolve, waitMs));
      if (generation !== this.#generation) throw new Error('disconnected while connecting');
      await engine.loginAndWait(client, this.#token, this.#runtime.readyTimeoutMs);
      if (generation !== this.#generation) throw new Error('disconnected while connecting');
      engine.resumeAfterRateLimit(client);
      const botUserId = client.user!.id;
      const channels = new engine.ChannelDirectory(client);
      const webhooks = new engine.WebhookDirectory(client.rest, botUserId, this.#runtime.webhookName);
      const sender = new engine.DiscordSender({
        rest: client.rest, channels, webhooks, runtime: this.#runtime, botUserId, track: (bytes) => { this.#inFlightBytes += bytes; },
      });
      this.#connection = { engine, generation, client, botUserId, channels, webhooks, sender };
      const watched = this.#feed.watched();
      await this.#startAtNewest(watched.filter((c) => this.#feed.position(c) === undefined));
      for (const chatId of watched) await this.#catchUp(chatId, generation);
    } catch (error) {
      if (generation === this.#generation) this.#connection = null;
      await client.destroy().catch(() => {});
      openGate();
      if (generation !== this.#generation) return;
      if (error instanceof engine.TokenRejectedError || error instanceof engine.DiscordIntentsDisallowedError
        || error instanceof engine.DiscordSessionStartsExhaustedError) {
        this.#reject(error.message);
        return;
      }
      this.#state = 'disconnected';
      throw error;
    }
    this.#state = 'connected';
    this.#lastDispatchAt = Date.now();
    this.#watchdog.start();
    openGate();
  }

  async disconnect(): Promise<void> {
    this.#generation += 1;
    this.#watchdog.stop();
    if (this.#state !== 'revoked' && this.#state !== 'new') this.#state = 'disconnected';
    const connection = this.#connection;
    this.#connection = null;
    await connection?.client.destroy().catch(() => {});
  }

  dropCaches(): void {
    // discord.js keeps only guilds, channels and threads, which it needs (its sweepers bound threads).
    this.#connection?.channels.clear();
  }

  async send(task: SendTask): Promise<SendResult> {
    if (this.#state === 'revoked') return { ok: false, kind: 'revoked', message: this.#rejectedReason };
    const connection = this.#connection;
    if (this.#state !== 'connected' || connection === null) return { ok: false, kind: 'transient', message: 'not connected to Discord' };
    const blockedMs = this.#runtime.invalidRequests.blockedForMs();
    if (blockedMs > 0) {
      return {
        ok: false,
        kind: 'flood_wait',
        message: `${this.#runtime.invalidRequests.limit} invalid Discord requests within 10 minutes; sending paused`,
        retryAfterMs: blockedMs,
      };
    }
    const { sender } = connection;
    const result = task.op === 'send' ? await sender.send(task) : task.op === 'edit' ? await sender.edit(task) : await sender.delete(task);
    if (!result.ok && result.kind === 'revoked') this.#state = 'revoked';
    return result;
  }

  /**
   * The title a post opened for a source chat of this bot takes: the
   * channel's name, for CHAT_TOPIC (Discord has no topics of its own: a
   * thread is a chat); null otherwise. Rejects unless connected.
   */
  async topicTitle(chatId: string, topicId: string): Promise<string | null> {
    const connection = this.#connection;
    if (this.#state !== 'connected' || connection === null) throw new Error('not connected to Discord');
    if (topicId !== CHAT_TOPIC) return null;
    const cached = connection.client.channels.cache.get(chatId);
    if (cached !== undefined) return 'name' in cached && typeof cached.name === 'string' ? cached.name : null;
    return connection.channels.name(chatId);
  }

  /** Fresh links for Discord CDN attachment links (attachment-links.ts); rejects unless connected. */
  async refreshLinks(urls: readonly string[]): Promise<Record<string, string>> {
    const connection = this.#connection;
    if (this.#state !== 'connected' || connection === null) throw new Error('not connected to Discord');
    return connection.engine.refreshAttachmentLinks(connection.client.rest, urls);
  }

  /** Sets the chats to report (channel or thread ids); a newly watched chat starts at its newest message. */
  async watch(chatIds: readonly string[]): Promise<void> {
    const added = this.#feed.watch(chatIds);
    if (this.#state === 'connected' && added.length > 0) await this.#startAtNewest(added);
  }

  trackedBytes(): number {
    const client = this.#connection?.client;
    const cached = client === undefined ? 0 : CONNECTION_BYTES + client.channels.cache.size * 1_024 + client.guilds.cache.size * 2_048;
    const directories = (this.#connection?.channels.size ?? 0) * 256 + (this.#connection?.webhooks.size ?? 0) * 128;
    return cached + directories + this.#feed.size * 96 + this.#inFlightBytes;
  }

  cursor(): ResumeCursor {
    return this.#feed.cursor();
  }

  async ping(): Promise<boolean> {
    const client = this.#connection?.client;
    return this.#state === 'connected' && client !== undefined && client.ws.status === this.#connection!.engine.Status.Ready
      && Date.now() - this.#lastSignOfLife() < this.#runtime.zombieTimeoutMs;
  }

  /** Session starts and resumes of this bot so far; `remaining`/`total` as of the last connect. */
  sessionStarts(): SessionStartCount {
    return { ...this.#starts };
  }

  #onDispatch(packet: GatewayDispatchPayload, generation: number): void {
    if (generation !== this.#generation) return;
    this.#lastDispatchAt = Date.now();
    if (packet.t === 'READY') {
      this.#runtime.identifyPacer.started(this.#botKey(), Date.now());
      this.#starts.started += 1;
      if (this.#starts.remaining !== null) this.#starts.remaining -= 1;
    } else if (packet.t === 'RESUMED') this.#starts.resumed += 1;
    const connection = this.#connection;
    if (connection !== null && connection.generation === generation) this.#feed.push(packet, connection);
  }

  // --- positions and catch-up ------------------------------------------------

  async #startAtNewest(chatIds: readonly string[]): Promise<void> {
    const connection = this.#connection;
    if (connection === null) return;
    for (const chatId of chatIds) {
      try {
        const { lastMessageId } = await connection.channels.info(chatId, true);
        // "0": an empty channel; catching up from it later reads everything it received since.
        const start = lastMessageId ?? '0';
        // Made durable at once: a supervisor killed before the chat's first message would otherwise
        // leave no cursor, and the next one would start at the newest, past what came meanwhile.
        if (this.#feed.startAt(chatId, start)) this.#callbacks.onPositions?.({ [chatId]: start });
      } catch (error) {
        // A chat the bot cannot see has no position; it reports nothing until it can.
        const status = connection.engine.restStatus(error);
        if (status !== 403 && status !== 404) throw error;
      }
    }
  }

  async #catchUp(chatId: string, generation: number): Promise<void> {
    await catchUpChat({
      connection: this.#connection!, feed: this.#feed, current: () => generation === this.#generation, notice: (n) => this.#callbacks.onNotice?.(n),
    }, chatId);
  }

  // --- connection health ----------------------------------------------------

  #lastSignOfLife(): number {
    const shard = this.#connection?.client.ws.shards.first();
    return Math.max(this.#lastDispatchAt, shard?.lastPingTimestamp ?? 0);
  }

  /** A close discord.js will not recover from: a revoked token, or intents Discord refuses. */
  #onFatalClose(code: number, generation: number): void {
    if (generation !== this.#generation || this.#state !== 'connected') return;
    void this.disconnect().then(() => {
      if (code === AUTHENTICATION_FAILED) this.#reject('Discord closed the gateway with 4004 (authentication failed)');
      else if (code === DISALLOWED_INTENTS) this.#reject(new DiscordIntentsDisallowedError({}).message);
      else this.#callbacks.onDisconnect(`the Discord gateway closed with ${code}`);
    });
  }

  /** The token's first part, the bot's id in base64: a pacing key that is not the secret. */
  #botKey(): string {
    return this.#token.split('.')[0]!;
  }

  /** Tells the pairs of the watched chats that the bot is close to its daily session starts. */
  #warnLowStarts(remaining: number, total: number): void {
    this.#callbacks.onNotice?.({
      code: 'discord_session_starts_low',
      message: `Discord allows this bot only ${remaining} more gateway session starts of ${total} today; it stops before the last ones`,
      chatIds: this.#feed.watched(),
    });
  }

  /** Discord refused the bot for good: no reconnect, every send answers `revoked` with the reason. */
  #reject(reason: string): void {
    this.#state = 'revoked';
    this.#rejectedReason = reason;
    this.#callbacks.onCredentialsRejected(reason);
  }

  /** Starts over from the cursor after a silent gateway; tells the actor only if that fails. */
  async #recover(reason: string): Promise<void> {
    if (this.#state !== 'connected') return;
    await this.disconnect();
    try {
      await this.connect(this.cursor());
    } catch (error) {
      this.#callbacks.onDisconnect(`${reason}; reconnecting failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}

/** A client factory bound to `runtime`. */
export function discordClientFactory(runtime: DiscordRuntime): PlatformClientFactory {
  return (spec, callbacks) => new DiscordClient(runtime, spec.credential, callbacks);
}
