/**
 * A local Telegram (MTProto 2.0 over the "full" TCP transport) that the
 * real, unmodified gramjs `TelegramClient` talks to. It speaks through
 * gramjs's own TL layer, so the wire format is Telegram's by construction.
 * Tests and benchmarks build the world with the control methods below, post
 * as human users, read what clients posted, and script faults (FLOOD_WAIT,
 * any rpc error, revoked authorizations, AUTH_KEY_DUPLICATED, dropped and
 * zombie connections).
 *
 *   const fake = await TelegramFake.start();
 *   const alice = fake.createUser({ phone: '+15550000001', firstName: 'Alice' });
 *   fake.sendAsUser(alice.id, group, { text: 'hi' });
 *   const bot = fake.createBot({ username: 'switchboard_bot', firstName: 'Switchboard' });
 *   // client.start({ botAuthToken: bot.token }); alice writes to it; it answers:
 *   fake.sendAsUser(alice.id, bot, { text: '/start' });
 *   fake.botMessages(bot, alice.id)[0].buttons; fake.pressButton(alice.id, message, { text: 'Next' });
 *   await fake.close();
 *
 * A client must (see test/integration/telegram/telegram-test-kit.ts): trust
 * `publicKeyPem` (add it to gramjs's RSA._serverKeys, e.g. with
 * src/telegram/server-keys.ts); pass as `connection` a ConnectionTCPFull
 * subclass that dials `host:port` (gramjs dials port 80 whatever the session
 * says); `session.setDC(dcId, host, port)` before connecting.
 *
 * What it serves and where it differs from Telegram is documented in the
 * modules: connection.ts (transport, salts, acks), router.ts (unknown
 * methods, login checks), methods-login.ts, code-leak.ts (a login code
 * sent in a message expires), methods-messages.ts, methods-updates.ts,
 * methods-forum.ts (forum topics), peers.ts (access
 * rules), update-builders.ts (update forms, seq), model.ts (message boxes,
 * service messages), handshake.ts (pq); bots: bots.ts (tokens, who a bot
 * may write to), reply-markup.ts, callback-queries.ts, bot-commands.ts,
 * methods-bots.ts.
 */
import { randomBytes } from 'node:crypto';
// The package entry first: gramjs's modules import each other in a cycle that only its index resolves.
import { sessions } from 'telegram';
import { AuthKey } from 'telegram/crypto/AuthKey.js';
import type { Conversation, FakeChannel, FakeMedia, FakeGroup, FakeMessage, FakePeerRef, FakeUser, NewMessageInput, PeerKind } from './model.ts';
import { readCommands } from './bot-commands.ts';
import type { FakeBotCommand, FakeCommandScope } from './bot-commands.ts';
import { checkBotUsername, mintToken } from './bots.ts';
import type { BotState, FakeBot } from './bots.ts';
import { press } from './callback-queries.ts';
import type { ButtonChoice, FakeCallbackQuery } from './callback-queries.ts';
import { FakeServer } from './fake-server.ts';
import type { FaultOptions } from './faults.ts';
import { TELEGRAM_FLOOD_LIMITS } from './flood-limiter.ts';
import type { FloodLimits } from './flood-limiter.ts';
import { storedEntities } from './methods-messages.ts';
import { serverRsaKey } from './rsa-key.ts';
import { Api } from './tl-io.ts';

export type { FakeButton, FakeChannel, FakeGroup, FakeMedia, FakeMessage, FakePeerRef, FakeUser, NewMessageInput, PeerKind } from './model.ts';
export type { FakeBot } from './bots.ts';
export type { FakeBotCommand, FakeCommandScope } from './bot-commands.ts';
export type { ButtonChoice, FakeCallbackAnswer, FakeCallbackQuery } from './callback-queries.ts';
export type { FaultOptions } from './faults.ts';
export type { BucketLimit, FloodLimits } from './flood-limiter.ts';
export { TELEGRAM_FLOOD_LIMITS } from './flood-limiter.ts';

export interface TelegramFakeOptions {
  /** Port to listen on. Default: a free one in 20000–32767 (StringSession keeps ports as int16). */
  port?: number;
  /** Address to bind and to announce in help.getConfig. Default 127.0.0.1. */
  host?: string;
  /** Data centre the fake claims to be (every DC of help.getConfig points at it). Default 2. */
  dcId?: number;
  /** How long a login code stays valid, ms. Default 300 000. */
  codeTtlMs?: number;
  /** How long a bot may answer a callback query, ms (later: QUERY_ID_INVALID). Default 15 000. */
  callbackQueryTtlMs?: number;
  /** Answer a second simultaneous connection on one auth key with 406 AUTH_KEY_DUPLICATED and forget the key. Default true. */
  enforceSingleConnection?: boolean;
  /** Push plain text of private chats and basic groups as updateShortMessage / updateShortChatMessage, as Telegram does; false sends `updates` with updateNewMessage. Default true. */
  shortUpdates?: boolean;
  /** Most updates in one updates.getDifference answer before it becomes a differenceSlice. Default 1000. */
  differenceLimit?: number;
  /** Updates kept per pts sequence (user or channel) for getDifference; older ones answer "too long". Default 10 000. */
  maxUpdatesKept?: number;
  /** PEM private RSA key to sign the handshake with. Default: a 2048-bit key made once per process. */
  privateKeyPem?: string;
  /**
   * Telegram's send pacing per account and chat (flood-limiter.ts): past it,
   * sends and edits answer 420 FLOOD_WAIT_X; `false` switches it off.
   * Default {@link TELEGRAM_FLOOD_LIMITS} (3 at once and 1/s per chat, 20/min per group, 30/s per account).
   */
  floodLimits?: FloodLimits | false;
}

export type RevokeReason = 'AUTH_KEY_UNREGISTERED' | 'SESSION_REVOKED' | 'USER_DEACTIVATED_BAN';

export interface TelegramFakeStats {
  /** Open TCP connections. */
  connections: number;
  /** Auth keys created (a client resuming a saved session makes none). */
  handshakes: number;
  /** Auth keys the fake knows. */
  liveKeys: number;
  /** Times a connection used an auth key another open connection was using. */
  duplicateKeyViolations: number;
  /** RPC calls by TL method name ('messages.sendMessage'), after unwrapping invokeWithLayer/initConnection. */
  calls: Record<string, number>;
  /** Open connections per logged-in user id. */
  connectionsByUser: Record<string, number>;
  /** FLOOD_WAIT answers of the send pacing (not the scripted `floodWait` faults). */
  floodWaits: number;
}

export class TelegramFake {
  readonly #server: FakeServer;

  private constructor(server: FakeServer) {
    this.#server = server;
  }

  static async start(options: TelegramFakeOptions = {}): Promise<TelegramFake> {
    const server = new FakeServer({
      host: options.host ?? '127.0.0.1',
      dcId: options.dcId ?? 2,
      codeTtlMs: options.codeTtlMs ?? 300_000,
      callbackQueryTtlMs: options.callbackQueryTtlMs ?? 15_000,
      enforceSingleConnection: options.enforceSingleConnection ?? true,
      shortUpdates: options.shortUpdates ?? true,
      differenceLimit: options.differenceLimit ?? 1000,
      maxUpdatesKept: options.maxUpdatesKept ?? 10_000,
      rsa: serverRsaKey(options.privateKeyPem),
      floodLimits: options.floodLimits === false ? null : options.floodLimits ?? TELEGRAM_FLOOD_LIMITS,
    });
    await server.listen(options.port);
    return new TelegramFake(server);
  }

  get host(): string {
    return this.#server.endpoint.host;
  }

  get port(): number {
    return this.#server.endpoint.port;
  }

  get dcId(): number {
    return this.#server.endpoint.dcId;
  }

  /** The RSA public key (PKCS#1 PEM) clients must trust, e.g. via src/telegram/server-keys.ts. */
  get publicKeyPem(): string {
    return this.#server.rsa.publicKeyPem;
  }

  async close(): Promise<void> {
    await this.#server.close();
  }

  // --- the world ----------------------------------------------------------

  /** A registered account; `password` turns on 2FA. */
  createUser(input: { phone: string; firstName: string; lastName?: string; username?: string; password?: string }): FakeUser {
    const { kind, id, accessHash, phone, firstName, lastName, username } = this.#server.world.createUser(input);
    return { kind, id, accessHash, phone, firstName, lastName, username };
  }

  /** A basic group; the creator is a member. */
  createGroup(input: { title: string; members: readonly string[]; creatorId: string }): FakeGroup {
    const { group, change } = this.#server.world.createGroup(input);
    this.#server.deliver(change, null);
    return { kind: group.kind, id: group.id, title: group.title };
  }

  /**
   * A supergroup (`megagroup: true`) or broadcast channel, where only the
   * creator and `admins` may post; `forum: true` makes a supergroup a forum
   * (topics: createForumTopic).
   */
  createChannel(input: {
    title: string; megagroup: boolean; members: readonly string[]; creatorId: string; admins?: readonly string[]; noforwards?: boolean; forum?: boolean;
  }): FakeChannel {
    const { channel, change } = this.#server.world.createChannel(input);
    this.#server.deliver(change, null);
    return { kind: channel.kind, id: channel.id, accessHash: channel.accessHash, title: channel.title, megagroup: channel.megagroup, forum: channel.forum };
  }

  /** `fromUserId` opens a topic in a forum; its id (the id of the service message that opened it). Post in it with `sendAsUser(..., { topicId })`. */
  createForumTopic(fromUserId: string, forum: FakeChannel, title: string): number {
    const channel = this.#server.world.channels.get(forum.id);
    if (channel === undefined || !channel.forum) throw new Error(`${forum.id} is not a forum`);
    const change = this.#server.world.openTopic(fromUserId, channel, { title }, null);
    this.#server.deliver(change, null);
    return change.message.id;
  }

  /** The forum's topics, oldest first (General, id 1, is not one of them). */
  forumTopics(forum: FakeChannel): Array<{ id: number; title: string; fromId: string; deleted: boolean }> {
    const topics = this.#server.world.channels.get(forum.id)?.topics;
    if (topics === undefined) throw new Error(`${forum.id} is not a channel`);
    return [...topics.values()].map((t) => ({ id: t.id, title: t.title, fromId: t.fromId, deleted: t.deleted }));
  }

  /** Closes (only admins may post) or deletes a topic; posts into a deleted one answer TOPIC_DELETED. */
  setForumTopic(forum: FakeChannel, topicId: number, state: 'closed' | 'deleted' | 'open'): void {
    const topic = this.#server.world.channels.get(forum.id)?.topics.get(topicId);
    if (topic === undefined) throw new Error(`no topic ${topicId} in ${forum.id}`);
    topic.closed = state === 'closed';
    topic.deleted = state === 'deleted';
  }

  /** Bot-API style id: user 'N', basic group '-N', channel '-100N'. */
  markedId(peer: FakePeerRef): string {
    const { kind, id } = parsePeer(peer);
    return kind === 'user' ? id : kind === 'group' ? `-${id}` : `-100${id}`;
  }

  /**
   * A saved StringSession already logged in as `userId`, on an auth key the
   * fake made itself: what a client has after a login, without its
   * Diffie-Hellman handshake (benchmarks set up a thousand of them).
   */
  async issueSession(userId: string): Promise<string> {
    this.#server.world.user(userId);
    const record = this.#server.keys.add(randomBytes(256));
    this.#server.keys.bind(record, userId);
    const key = new AuthKey();
    await key.setKey(record.key);
    const session = new sessions.StringSession('');
    session.setDC(this.dcId, this.host, this.port);
    session.setAuthKey(key);
    return session.save();
  }

  // --- bots ---------------------------------------------------------------

  /**
   * A bot as BotFather makes it (bots.ts): `username` 5-32 characters ending
   * in "bot"; `token` logs it in (gramjs: client.start({ botAuthToken })).
   * People reach it with sendAsUser(userId, bot, ...).
   */
  createBot(input: { username: string; firstName: string }): FakeBot {
    const world = this.#server.world;
    checkBotUsername(world, input.username);
    const { kind, id, accessHash, phone, firstName, lastName, username, bot } = world.createUser({ ...input, phone: '', bot: true });
    return { kind, id, accessHash, phone, firstName, lastName, username, token: bot!.token };
  }

  /** BotFather's /revoke: the new token; the old one answers ACCESS_TOKEN_EXPIRED and the bot's sessions are logged out. */
  revokeBotToken(bot: FakeUser): string {
    const state = this.#botState(bot);
    state.revokedTokens.add(state.token);
    state.token = mintToken(bot.id);
    this.revoke(bot.id, 'AUTH_KEY_UNREGISTERED');
    return state.token;
  }

  /** `userId` blocks the bot (`blocked: false` unblocks): its sends to the user answer 403 USER_IS_BLOCKED. */
  blockBot(userId: string, bot: FakeUser, blocked = true): void {
    const state = this.#botState(bot);
    this.#server.world.user(userId);
    if (blocked) state.blockedBy.add(userId);
    else state.blockedBy.delete(userId);
  }

  /** What the bot has said to `userId`: its live messages in their private chat, oldest first, with their `buttons`. */
  botMessages(bot: FakeUser, userId: string): FakeMessage[] {
    return this.messages(bot.id, userId).filter((m) => m.fromId === bot.id);
  }

  /**
   * `userId` presses a callback button of a bot's message (named by its
   * data or its text): the bot is pushed updateBotCallbackQuery. The
   * query's `answer` fills in once the bot answers.
   */
  pressButton(userId: string, message: FakeMessage, button: ButtonChoice): FakeCallbackQuery {
    const world = this.#server.world;
    const live = message.peerKind === 'channel'
      ? world.channels.get(message.chatId)?.byId.get(message.id)
      : world.user(userId).box.get(message.ids[userId] ?? 0);
    if (live !== message) throw new Error(`${userId} does not see message ${message.id}`);
    const { query, update } = press(world, userId, live, button);
    this.#server.push(query.botId, update);
    return query;
  }

  /** The callback queries the bot was sent, oldest first, with the answers it gave. */
  callbackQueries(bot: FakeUser): FakeCallbackQuery[] {
    return [...this.#botState(bot).queries.values()];
  }

  /** The bot's commands for a scope and language (default: botCommandScopeDefault, ''), as bots.setBotCommands left them. */
  botCommands(bot: FakeUser, options: { scope?: FakeCommandScope | `peer:${string}`; langCode?: string } = {}): FakeBotCommand[] {
    return readCommands(this.#botState(bot), options.scope ?? 'default', options.langCode ?? '');
  }

  // --- human users --------------------------------------------------------

  /** `fromUserId` posts (from "another device"): every connected session concerned is pushed the update. */
  sendAsUser(fromUserId: string, peer: FakePeerRef, input: NewMessageInput): FakeMessage {
    const conversation = this.#conversation(fromUserId, peer);
    if (conversation.kind !== 'private' && !conversation.members.has(fromUserId)) throw new Error(`${fromUserId} is not a member of ${conversation.id}`);
    const entities = storedEntities(this.#server.world, fromUserId, input.text, input.entities);
    const change = this.#server.world.post(fromUserId, conversation, { ...input, entities }, null);
    this.#server.deliver(change, null);
    return change.message;
  }

  /**
   * `fromUserId` posts an album (from "another device"): the parts share a
   * new grouped_id and, as Telegram delivers them, each comes as its own
   * update. The caption goes on the part that has text (Telegram's apps put
   * it on the first). An album holds 2 to 10 parts.
   */
  sendAlbumAsUser(fromUserId: string, peer: FakePeerRef, parts: readonly { text?: string; media: FakeMedia }[]): FakeMessage[] {
    if (parts.length < 2 || parts.length > 10) throw new Error(`an album holds 2 to 10 parts, not ${parts.length}`);
    const groupedId = randomBytes(8).readBigInt64LE(0).toString();
    return parts.map((part) => this.sendAsUser(fromUserId, peer, { text: part.text ?? '', media: part.media, groupedId }));
  }

  /**
   * A photo or document as if a user had just uploaded it, to post with
   * `sendAsUser(..., { text, media })`. A photo must start like a JPEG,
   * PNG or WebP file (media-store.ts).
   */
  storeMedia(input: { kind: 'photo' | 'document'; data: Buffer; mimeType?: string; fileName?: string; attributes?: Api.TypeDocumentAttribute[] }): FakeMedia {
    const files = this.#server.world.files;
    if (input.kind === 'photo') return files.photo(input.data);
    const attributes = [...(input.attributes ?? [])];
    if (input.fileName !== undefined) attributes.push(new Api.DocumentAttributeFilename({ fileName: input.fileName }));
    return files.document(input.data, input.mimeType ?? 'application/octet-stream', attributes);
  }

  /** Ages `media`'s file reference out (media-store.ts renewReference): a client must read a message again for the new one. */
  expireFileReference(media: FakeMedia): void {
    this.#server.world.files.renewReference(media.id);
  }

  /** The author edits a message, named by its id in the author's view. */
  editAsUser(fromUserId: string, peer: FakePeerRef, msgId: number, input: { text: string; entities?: Api.TypeMessageEntity[] }): FakeMessage {
    const world = this.#server.world;
    const message = world.viewMessage(fromUserId, this.#conversation(fromUserId, peer), msgId);
    if (message === undefined || message.service !== null) throw new Error(`no text message ${msgId} for ${fromUserId}`);
    if (message.fromId !== fromUserId) throw new Error(`${fromUserId} did not write message ${msgId}`);
    const change = world.edit(message, input.text, storedEntities(world, fromUserId, input.text, input.entities));
    this.#server.deliver(change, null);
    return message;
  }

  /** Deletes messages (ids in `fromUserId`'s view) for everyone. */
  deleteAsUser(fromUserId: string, peer: FakePeerRef, msgIds: readonly number[]): void {
    const world = this.#server.world;
    const conversation = this.#conversation(fromUserId, peer);
    const change = conversation.kind === 'channel'
      ? world.deleteFromChannel(conversation, msgIds)
      : world.deleteFromBoxes(fromUserId, msgIds.filter((id) => world.viewMessage(fromUserId, conversation, id) !== undefined), () => true);
    this.#server.deliver(change, null);
  }

  // --- reading ------------------------------------------------------------

  /**
   * The live text messages of a chat, oldest first (not the service message
   * a chat starts with). A private chat is named by one user as `peer` and
   * the other as `withUserId`.
   */
  messages(peer: FakePeerRef, withUserId?: string): FakeMessage[] {
    const { kind } = parsePeer(peer);
    if (kind === 'user' && withUserId === undefined) throw new Error('messages of a private chat need withUserId');
    return this.#conversation(withUserId ?? '', peer).messages.filter((m) => m.service === null);
  }

  /** The last login code "sent to the app" for a phone. */
  lastCode(phone: string): string | undefined {
    return this.#server.codes.last(phone);
  }

  stats(): TelegramFakeStats {
    const connectionsByUser: Record<string, number> = {};
    for (const connection of this.#server.connections) {
      const userId = connection.userId;
      if (userId !== null) connectionsByUser[userId] = (connectionsByUser[userId] ?? 0) + 1;
    }
    return {
      connections: this.#server.connections.size,
      handshakes: this.#server.counters.handshakes,
      liveKeys: this.#server.keys.size,
      duplicateKeyViolations: this.#server.counters.duplicateKeyViolations,
      calls: { ...this.#server.router.calls },
      connectionsByUser,
      floodWaits: this.#server.flood?.floodWaits ?? 0,
    };
  }

  // --- faults -------------------------------------------------------------

  /** The next `times` calls of `method` ('auth.sendCode') answer rpc_error `code` `error`. */
  failNext(method: string, options: FaultOptions & { error: string; code?: number }): void {
    this.#server.faults.add(method, options.code ?? 400, options.error, options);
  }

  /** The next `times` calls of `method` answer 420 FLOOD_WAIT_<seconds> (gramjs: FloodWaitError). */
  floodWait(method: string, seconds: number, options: FaultOptions = {}): void {
    this.#server.faults.add(method, 420, `FLOOD_WAIT_${seconds}`, options);
  }

  /**
   * The next `times` calls of `method` run (a send posts its message) but
   * their answer waits `ms`: a client killed meanwhile did the thing
   * without learning it.
   */
  holdAnswers(method: string, ms: number, options: FaultOptions = {}): void {
    this.#server.faults.hold(method, ms, options);
  }

  /**
   * Telegram no longer keeps the updates so far of a user's common box
   * (private chats and basic groups) or of a channel, as for a client away
   * too long: a getDifference from before now answers differenceTooLong
   * (new pts), a getChannelDifference channelDifferenceTooLong (the dialog
   * and the latest messages). Updates from now on are kept as before.
   */
  forgetUpdates(whose: FakeUser | FakeChannel): void {
    const world = this.#server.world;
    if (whose.kind === 'user') world.user(whose.id).log.forget();
    else {
      const channel = world.channels.get(whose.id);
      if (channel === undefined) throw new Error(`no channel ${whose.id}`);
      channel.log.forget();
    }
  }

  clearFaults(): void {
    this.#server.faults.clear();
  }

  /**
   * Ends the user's authorizations: every later request needing a login on
   * its keys answers 401 `reason`. USER_DEACTIVATED_BAN also bans the phone
   * (auth.sendCode: PHONE_NUMBER_BANNED).
   */
  revoke(userId: string, reason: RevokeReason): void {
    const user = this.#server.world.user(userId);
    if (reason === 'USER_DEACTIVATED_BAN') user.banned = true;
    for (const key of this.#server.keys.ofUser(userId)) {
      this.#server.keys.bind(key, null);
      if (reason !== 'AUTH_KEY_UNREGISTERED') key.revokedWith = reason;
    }
  }

  /** Closes the TCP connections of a user (of everyone without an id); returns how many. */
  dropConnections(userId?: string): number {
    let dropped = 0;
    for (const connection of [...this.#server.connections]) {
      if (userId !== undefined && connection.userId !== userId) continue;
      connection.close();
      dropped += 1;
    }
    return dropped;
  }

  /**
   * The user's open connections stay open but answer nothing (no pongs, no
   * RPC results, no updates) until `zombie(userId, false)`; a reconnect gets
   * a healthy connection. Updates meanwhile stay fetchable by getDifference.
   */
  zombie(userId: string, on: boolean): number {
    let changed = 0;
    for (const connection of this.#server.connections) {
      if (connection.userId !== userId) continue;
      connection.zombie = on;
      changed += 1;
    }
    return changed;
  }

  #botState(bot: FakeUser): BotState {
    const state = this.#server.world.user(bot.id).bot;
    if (state === null) throw new Error(`${bot.id} is not a bot`);
    return state;
  }

  #conversation(userId: string, peer: FakePeerRef): Conversation {
    const { kind, id } = parsePeer(peer);
    const world = this.#server.world;
    if (kind === 'user') return world.privateChat(world.user(userId).id, world.user(id).id);
    const found = kind === 'group' ? world.groups.get(id) : world.channels.get(id);
    if (found === undefined) throw new Error(`no ${kind} ${id}`);
    return found;
  }
}

function parsePeer(peer: FakePeerRef): { kind: PeerKind; id: string } {
  if (typeof peer !== 'string') return { kind: peer.kind, id: peer.id };
  if (peer.startsWith('-100')) return { kind: 'channel', id: peer.slice(4) };
  if (peer.startsWith('-')) return { kind: 'group', id: peer.slice(1) };
  return { kind: 'user', id: peer };
}
