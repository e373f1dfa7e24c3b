/**
 * The fake's gateway: HELLO, IDENTIFY → READY + GUILD_CREATE, heartbeats,
 * RESUME with replay of every missed dispatch, RECONNECT, INVALID_SESSION,
 * MESSAGE_DELETE_BULK for a purge, CHANNEL_UPDATE for a slowmode change,
 * THREAD_CREATE and THREAD_UPDATE (archived, locked, a member added),
 * INTERACTION_CREATE for a command or button used (whatever the intents),
 * the close codes discord.js reacts to, and Discord's limits: the daily
 * session starts and identify concurrency (op 9 when too fast; at zero
 * starts left Discord resets the token: 4004), 120 commands per 60 s (4008),
 * and a heartbeat overdue (4009, resumable). Each session keeps its recent
 * dispatch frames (already serialised, sequence numbers included) so a resume
 * replays exactly what the client missed. A message event is serialised once
 * and sent to the sessions of the guild's bots only; a DM's go to its bot's
 * sessions with the DIRECT_MESSAGES intent, content included whatever
 * MESSAGE_CONTENT says (gateway docs: apps get "Content in DMs with the
 * app"). Bots get no CHANNEL_CREATE for a DM, as on Discord since v8:
 * MESSAGE_CREATE's `channel_type` is how clients tell a DM.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { randomBytes } from 'node:crypto';
import { WebSocket, WebSocketServer } from 'ws';
import { LazyPayload, recordDispatch } from './gateway-session.ts';
import type { Connection, Session } from './gateway-session.ts';
import type { FakeChannel, FakeMessage } from './model.ts';
import { apiChannel, apiGuildCreate, apiInteraction, apiMessage, apiReady } from './payloads.ts';
import { ALL_INTENTS, GatewayClose, GatewayOp, Intent } from './protocol.ts';
import type { FakeEvent, FakeState } from './state.ts';

export interface GatewayOptions {
  heartbeatIntervalMs: number;
  /** How long a disconnected session stays resumable, ms. */
  resumeWindowMs: number;
  /** Dispatches a session keeps for replay; a resume from further back is refused. */
  resumeBufferEvents: number;
  /** A connection that sends no heartbeat for this long is closed with 4009. */
  heartbeatTimeoutMs: number;
  /** Commands a connection may send per `commandWindowMs` before a 4008 close. */
  commandsPerWindow: number;
  commandWindowMs: number;
  /** URL clients connect and resume to. */
  url: () => string;
}

export interface GatewayStats {
  connections: number;
  identifies: number;
  resumes: number;
  invalidSessions: number;
  heartbeats: number;
  /** IDENTIFYs refused: too fast for `max_concurrency`, or no session starts left. */
  identifiesTooFast: number;
  identifiesExhausted: number;
  /** Connections closed with 4008 and 4009. */
  rateLimitedCloses: number;
  timedOutCloses: number;
}

export class FakeGateway {
  readonly #state: FakeState;
  readonly #options: GatewayOptions;
  readonly #wss = new WebSocketServer({ noServer: true, maxPayload: 4096 * 1024 });
  readonly #sessions = new Map<string, Session>();
  readonly #sessionsByBot = new Map<string, Set<Session>>();
  readonly #sessionsByGuild = new Map<string, Set<Session>>();
  readonly #connections = new Set<Connection>();
  readonly stats: GatewayStats = {
    connections: 0, identifies: 0, resumes: 0, invalidSessions: 0, heartbeats: 0,
    identifiesTooFast: 0, identifiesExhausted: 0, rateLimitedCloses: 0, timedOutCloses: 0,
  };

  constructor(state: FakeState, options: GatewayOptions) {
    this.#state = state;
    this.#options = options;
  }

  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    this.#wss.handleUpgrade(request, socket, head, (ws) => this.#accept(ws));
  }

  /** Turns a state change into dispatches for every session that may see it. */
  onEvent(event: FakeEvent): void {
    switch (event.type) {
      case 'MESSAGE_CREATE':
      case 'MESSAGE_UPDATE': {
        // The gateway adds `channel_type` (gateway-events docs, Message Create extra fields): discord.js needs it to build an uncached DM channel.
        const channelType = this.#state.channels.get(event.message.channelId)?.type;
        this.#dispatchMessage(event.type, event.message, new LazyPayload(() => ({ ...apiMessage(event.message, this.#state), channel_type: channelType })));
        return;
      }
      case 'MESSAGE_DELETE': {
        const m = event.message;
        this.#dispatchMessage(event.type, m, new LazyPayload(() => ({ id: m.id, channel_id: m.channelId, ...(m.guildId === null ? {} : { guild_id: m.guildId }) })));
        return;
      }
      case 'MESSAGE_DELETE_BULK': {
        const { channel, ids } = event;
        this.#dispatchToReaders('MESSAGE_DELETE_BULK', channel, JSON.stringify({ ids, channel_id: channel.id, guild_id: channel.guildId }));
        return;
      }
      case 'CHANNEL_CREATE':
      case 'CHANNEL_UPDATE':
      case 'THREAD_CREATE':
      case 'THREAD_UPDATE':
        this.#dispatchChannel(event.type, event.channel);
        return;
      case 'GUILD_JOIN':
        for (const session of this.#sessionsByBot.get(event.botUserId) ?? []) {
          this.#joinGuild(session, event.guild.id);
          this.#dispatch(session, 'GUILD_CREATE', JSON.stringify(apiGuildCreate(event.guild, session.bot, this.#state)));
        }
        return;
      case 'INTERACTION_CREATE': {
        // Interactions need no intent; every session of the application's bot gets them (held for a resume like any dispatch).
        const json = JSON.stringify(apiInteraction(event.interaction, this.#state));
        for (const session of this.#sessionsByBot.get(event.interaction.botUserId) ?? []) this.#dispatch(session, 'INTERACTION_CREATE', json);
      }
    }
  }

  /** Closes the bot's connections (code 4000 by default, so clients resume) or cuts them without a close frame. */
  drop(botUserId: string, options: { code?: number; abrupt?: boolean } = {}): number {
    let dropped = 0;
    for (const connection of this.#connectionsOf(botUserId)) {
      dropped += 1;
      if (options.abrupt === true) connection.ws.terminate();
      else connection.ws.close(options.code ?? GatewayClose.UnknownError, 'dropped by the fake');
    }
    return dropped;
  }

  /** The bot's current connections go silent: no heartbeat ACK, no dispatch; a resume later replays what they held back. */
  zombie(botUserId: string): number {
    const connections = this.#connectionsOf(botUserId);
    for (const connection of connections) connection.zombie = true;
    return connections.length;
  }

  /** Sends op 7 RECONNECT to the bot's connections. */
  requestReconnect(botUserId: string): void {
    for (const connection of this.#connectionsOf(botUserId)) this.#send(connection, { op: GatewayOp.Reconnect, d: null });
  }

  /** Sends op 9 INVALID_SESSION; unless resumable, the sessions are gone. */
  invalidateSession(botUserId: string, resumable: boolean): void {
    for (const session of [...(this.#sessionsByBot.get(botUserId) ?? [])]) {
      if (session.connection !== null) this.#send(session.connection, { op: GatewayOp.InvalidSession, d: resumable });
      if (!resumable) this.#endSession(session);
    }
  }

  /** The bot's token no longer works: its connections close with 4004 and its sessions end. */
  revoke(botUserId: string): void {
    for (const session of [...(this.#sessionsByBot.get(botUserId) ?? [])]) {
      session.connection?.ws.close(GatewayClose.AuthenticationFailed, 'Authentication failed.');
      this.#endSession(session);
    }
  }

  /** Open connections of a bot (all bots without an id) that completed IDENTIFY or RESUME. */
  connectedCount(botUserId?: string): number {
    let n = 0;
    for (const c of this.#connections) {
      if (c.session !== null && c.ws.readyState === WebSocket.OPEN && (botUserId === undefined || c.session.bot.user.id === botUserId)) n += 1;
    }
    return n;
  }

  async close(): Promise<void> {
    for (const connection of this.#connections) connection.ws.terminate();
    for (const session of this.#sessions.values()) if (session.expiry !== null) clearTimeout(session.expiry);
    this.#sessions.clear();
    await new Promise<void>((resolve) => this.#wss.close(() => resolve()));
  }

  // --- connection handling ----------------------------------------------

  #accept(ws: WebSocket): void {
    const connection: Connection = { ws, session: null, zombie: false, commands: [], heartbeatDeadline: null };
    this.#connections.add(connection);
    this.stats.connections += 1;
    this.#awaitHeartbeat(connection);
    ws.on('message', (data, isBinary) => this.#onFrame(connection, data as Buffer, isBinary));
    ws.on('close', () => this.#onClose(connection));
    ws.on('error', () => {});
    this.#send(connection, { op: GatewayOp.Hello, d: { heartbeat_interval: this.#options.heartbeatIntervalMs }, s: null, t: null });
  }

  /** (Re)arms the connection's heartbeat deadline. */
  #awaitHeartbeat(connection: Connection): void {
    if (connection.heartbeatDeadline !== null) clearTimeout(connection.heartbeatDeadline);
    connection.heartbeatDeadline = setTimeout(() => {
      this.stats.timedOutCloses += 1;
      connection.ws.close(GatewayClose.SessionTimedOut, 'Session timed out.');
    }, this.#options.heartbeatTimeoutMs);
    connection.heartbeatDeadline.unref();
  }

  /** Counts a command; false (and a 4008 close) past the window's allowance. */
  #withinRate(connection: Connection): boolean {
    const now = Date.now();
    const { commands } = connection;
    while (commands.length > 0 && commands[0]! <= now - this.#options.commandWindowMs) commands.shift();
    commands.push(now);
    if (commands.length <= this.#options.commandsPerWindow) return true;
    this.stats.rateLimitedCloses += 1;
    connection.ws.close(GatewayClose.RateLimited, 'You are being rate limited.');
    return false;
  }

  #onFrame(connection: Connection, data: Buffer, isBinary: boolean): void {
    if (!this.#withinRate(connection)) return;
    let payload: { op?: unknown; d?: unknown };
    try {
      if (isBinary) throw new Error('binary');
      payload = JSON.parse(data.toString('utf8')) as { op?: unknown; d?: unknown };
    } catch {
      connection.ws.close(GatewayClose.DecodeError, 'Error while decoding payload.');
      return;
    }
    switch (payload.op) {
      case GatewayOp.Heartbeat:
        this.stats.heartbeats += 1;
        this.#awaitHeartbeat(connection);
        if (!connection.zombie) this.#send(connection, { op: GatewayOp.HeartbeatAck, d: null });
        return;
      case GatewayOp.Identify:
        this.#identify(connection, payload.d as Record<string, unknown> | null);
        return;
      case GatewayOp.Resume:
        this.#resume(connection, payload.d as Record<string, unknown> | null);
        return;
      case 3: // presence update
      case 4: // voice state update
      case 8: // request guild members
        if (connection.session === null) connection.ws.close(GatewayClose.NotAuthenticated, 'Not authenticated.');
        return;
      default:
        connection.ws.close(GatewayClose.UnknownOpcode, 'Unknown opcode.');
    }
  }

  #identify(connection: Connection, d: Record<string, unknown> | null): void {
    if (connection.session !== null) {
      connection.ws.close(GatewayClose.AlreadyAuthenticated, 'Already authenticated.');
      return;
    }
    const bot = typeof d?.token === 'string' ? this.#state.botsByToken.get(d.token) : undefined;
    if (bot === undefined || bot.revoked) {
      connection.ws.close(GatewayClose.AuthenticationFailed, 'Authentication failed.');
      return;
    }
    const intents = d?.intents;
    if (typeof intents !== 'number' || !Number.isInteger(intents) || intents < 0 || (intents & ~ALL_INTENTS) !== 0) {
      connection.ws.close(GatewayClose.InvalidIntents, 'Invalid intent(s).');
      return;
    }
    if ((intents & Intent.MessageContent) !== 0 && !bot.messageContentIntent) {
      connection.ws.close(GatewayClose.DisallowedIntents, 'Disallowed intent(s).');
      return;
    }
    const verdict = bot.sessionStarts.start(Date.now());
    if (verdict === 'too_fast') {
      this.stats.identifiesTooFast += 1;
      this.#send(connection, { op: GatewayOp.InvalidSession, d: false });
      return;
    }
    if (verdict === 'exhausted') {
      // Discord resets the token of a bot past its daily session starts and ends its sessions.
      this.stats.identifiesExhausted += 1;
      bot.revoked = true;
      this.revoke(bot.user.id);
      connection.ws.close(GatewayClose.AuthenticationFailed, 'Authentication failed.');
      return;
    }
    this.stats.identifies += 1;
    const session: Session = {
      id: randomBytes(16).toString('hex'), bot, intents, seq: 0, frames: [], firstSeq: 1, connection, resumable: true, expiry: null,
    };
    connection.session = session;
    this.#sessions.set(session.id, session);
    let mine = this.#sessionsByBot.get(bot.user.id);
    if (mine === undefined) this.#sessionsByBot.set(bot.user.id, (mine = new Set()));
    mine.add(session);
    for (const guildId of bot.guildIds) this.#joinGuild(session, guildId);
    this.#dispatch(session, 'READY', JSON.stringify(apiReady(bot, session.id, this.#options.url())));
    if ((intents & Intent.Guilds) === 0) return;
    for (const guildId of bot.guildIds) {
      this.#dispatch(session, 'GUILD_CREATE', JSON.stringify(apiGuildCreate(this.#state.guild(guildId), bot, this.#state)));
    }
  }

  #resume(connection: Connection, d: Record<string, unknown> | null): void {
    const session = typeof d?.session_id === 'string' ? this.#sessions.get(d.session_id) : undefined;
    const seq = d?.seq;
    const valid = session !== undefined && session.resumable && !session.bot.revoked && d?.token === session.bot.token
      && typeof seq === 'number' && seq >= session.firstSeq - 1 && seq <= session.seq;
    if (!valid) {
      this.stats.invalidSessions += 1;
      this.#send(connection, { op: GatewayOp.InvalidSession, d: false });
      return;
    }
    this.stats.resumes += 1;
    if (session.expiry !== null) clearTimeout(session.expiry);
    session.expiry = null;
    const previous = session.connection;
    if (previous !== null && previous !== connection) {
      previous.session = null;
      previous.ws.close(GatewayClose.UnknownError, 'Session resumed elsewhere.');
    }
    session.connection = connection;
    connection.session = session;
    for (let i = seq + 1 - session.firstSeq; i < session.frames.length; i += 1) connection.ws.send(session.frames[i]!);
    this.#dispatch(session, 'RESUMED', '{}');
  }

  #onClose(connection: Connection): void {
    this.#connections.delete(connection);
    if (connection.heartbeatDeadline !== null) clearTimeout(connection.heartbeatDeadline);
    const session = connection.session;
    if (session === null || session.connection !== connection) return;
    session.connection = null;
    session.expiry = setTimeout(() => this.#endSession(session), this.#options.resumeWindowMs);
    session.expiry.unref();
  }

  #endSession(session: Session): void {
    if (session.expiry !== null) clearTimeout(session.expiry);
    this.#sessions.delete(session.id);
    this.#sessionsByBot.get(session.bot.user.id)?.delete(session);
    for (const guildId of session.bot.guildIds) this.#sessionsByGuild.get(guildId)?.delete(session);
    session.resumable = false;
    session.frames = [];
  }

  #joinGuild(session: Session, guildId: string): void {
    let set = this.#sessionsByGuild.get(guildId);
    if (set === undefined) this.#sessionsByGuild.set(guildId, (set = new Set()));
    set.add(session);
  }

  // --- dispatching -------------------------------------------------------

  #dispatchMessage(type: string, message: FakeMessage, payload: LazyPayload): void {
    const channel = this.#state.channels.get(message.channelId);
    if (channel !== undefined && channel.dm !== null) {
      for (const session of this.#sessionsByBot.get(channel.dm.botUserId) ?? []) {
        if ((session.intents & Intent.DirectMessages) !== 0) this.#dispatch(session, type, payload.json(true));
      }
      return;
    }
    const sessions = message.guildId === null ? undefined : this.#sessionsByGuild.get(message.guildId);
    if (channel === undefined || sessions === undefined || sessions.size === 0) return;
    for (const session of sessions) {
      if ((session.intents & Intent.GuildMessages) === 0) continue;
      if (!this.#state.can(session.bot.user.id, channel, 'view')) continue;
      const withContent = type === 'MESSAGE_DELETE' || (session.intents & Intent.MessageContent) !== 0 || message.authorId === session.bot.user.id;
      this.#dispatch(session, type, payload.json(withContent));
    }
  }

  /** A dispatch without content (no MESSAGE_CONTENT rule applies) to the sessions that read the channel's messages. */
  #dispatchToReaders(type: string, channel: FakeChannel, dJson: string): void {
    for (const session of this.#sessionsOfGuild(channel)) {
      if ((session.intents & Intent.GuildMessages) === 0 || !this.#state.can(session.bot.user.id, channel, 'view')) continue;
      this.#dispatch(session, type, dJson);
    }
  }

  #dispatchChannel(type: string, channel: FakeChannel): void {
    const json = JSON.stringify(type === 'THREAD_CREATE' ? { ...apiChannel(channel), newly_created: true } : apiChannel(channel));
    for (const session of this.#sessionsOfGuild(channel)) {
      if ((session.intents & Intent.Guilds) === 0 || !this.#state.can(session.bot.user.id, channel, 'view')) continue;
      this.#dispatch(session, type, json);
    }
  }

  /** The sessions in the channel's guild (none for a DM channel: the events these serve are guild-only). */
  #sessionsOfGuild(channel: FakeChannel): Iterable<Session> {
    return (channel.guildId === null ? undefined : this.#sessionsByGuild.get(channel.guildId)) ?? [];
  }

  #dispatch(session: Session, type: string, dJson: string): void {
    const frame = recordDispatch(session, type, dJson, this.#options.resumeBufferEvents);
    const connection = session.connection;
    if (connection !== null && !connection.zombie && connection.ws.readyState === WebSocket.OPEN) connection.ws.send(frame);
  }

  #send(connection: Connection, payload: unknown): void {
    if (connection.ws.readyState === WebSocket.OPEN) connection.ws.send(JSON.stringify(payload));
  }

  #connectionsOf(botUserId: string): Connection[] {
    const out: Connection[] = [];
    for (const session of this.#sessionsByBot.get(botUserId) ?? []) if (session.connection !== null) out.push(session.connection);
    return out;
  }
}
