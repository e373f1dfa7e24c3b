/**
 * Bot accounts: what BotFather makes (a user with `bot: true`, a username
 * ending in "bot", a token `<bot id>:<35 characters>`) and what Telegram
 * keeps of a bot besides a user's: who wrote to it, who blocked it, its
 * command lists (bot-commands.ts), the callback queries it was sent
 * (callback-queries.ts).
 *
 * Modelling choices:
 * - A bot may write to a user only once the user wrote to it (any message
 *   in their private chat, /start or other); before that its sends answer
 *   400 PEER_ID_INVALID, as Telegram answers a bot naming a user it has no
 *   dialog with (USER_IS_BLOCKED would be the other candidate; the Bot API
 *   shows this case as "bot can't initiate conversation with a user").
 * - A user who blocked the bot makes its sends answer 403 USER_IS_BLOCKED
 *   (the method pages list it under 400; the Bot API relays it as
 *   "403 Forbidden: bot was blocked by the user"). A bot writing to a bot:
 *   400 USER_IS_BOT. Writing to the bot again does not unblock it (the
 *   apps unblock first; the control API's blockBot(..., false) does).
 * - A bot may name a user who wrote to it with access_hash 0, which gramjs
 *   relies on for users it only saw in an updateShortMessage.
 * - Tokens: a malformed token, or one never issued, is 400
 *   ACCESS_TOKEN_INVALID; one revoked (BotFather's /revoke) is 400
 *   ACCESS_TOKEN_EXPIRED, both as auth.importBotAuthorization documents
 *   them. Revoking also logs the bot's sessions out (401
 *   AUTH_KEY_UNREGISTERED), as Telegram ends the old token's sessions.
 * - Bots have no phone (FakeUser.phone is '') and cannot log in by code.
 */
import { randomBytes } from 'node:crypto';
import type { CallbackQueryRecord } from './callback-queries.ts';
import type { Conversation, FakeUser, UserRecord } from './model.ts';
import { fail } from './rpc-fail.ts';
import type { FakeWorld } from './world.ts';

/** A bot account as the control API hands it out: a user, and the token that logs it in. */
export interface FakeBot extends FakeUser {
  /** The token BotFather gave when the bot was made (revokeBotToken hands out the next). */
  readonly token: string;
}

export interface BotState {
  /** The token that logs the bot in now. */
  token: string;
  /** Tokens /revoke replaced: ACCESS_TOKEN_EXPIRED. */
  readonly revokedTokens: Set<string>;
  /** user.bot_info_version: moves whenever the bot's commands change. */
  infoVersion: number;
  /** Users who wrote to the bot (it may write to them). */
  readonly contactedBy: Set<string>;
  /** Users who blocked the bot. */
  readonly blockedBy: Set<string>;
  /** Command lists by scope and language (bot-commands.ts). */
  readonly commands: Map<string, Array<{ command: string; description: string }>>;
  /** Callback queries sent to the bot, by query_id, oldest first. */
  readonly queries: Map<string, CallbackQueryRecord>;
}

/** BotFather's rules: 5 to 32 characters of letters, digits and _, a letter first, "bot" last. */
const BOT_USERNAME = /^[a-z][a-z0-9_]{1,28}bot$/i;
const TOKEN = /^(\d{1,19}):([A-Za-z0-9_-]{35})$/;

/** A token as BotFather shapes them: the bot id, a colon, 35 URL-safe characters (they start "AA"). */
export function mintToken(botId: string): string {
  return `${botId}:AA${randomBytes(25).toString('base64url').slice(0, 33)}`;
}

export function newBotState(botId: string): BotState {
  return {
    token: mintToken(botId), revokedTokens: new Set(), infoVersion: 1, contactedBy: new Set(), blockedBy: new Set(),
    commands: new Map(), queries: new Map(),
  };
}

/** Throws (a control API misuse, not an rpc error) when BotFather would refuse the username. */
export function checkBotUsername(world: FakeWorld, username: string): void {
  if (!BOT_USERNAME.test(username)) throw new Error(`not a bot username (5-32 letters, digits, _; ending in "bot"): ${username}`);
  const taken = [...world.users.values()].some((u) => u.username?.toLowerCase() === username.toLowerCase());
  if (taken) throw new Error(`username ${username} is taken`);
}

/** The bot a token logs in, or the rpc error auth.importBotAuthorization answers. */
export function botOfToken(world: FakeWorld, token: string): UserRecord {
  const match = TOKEN.exec(token);
  if (match === null) fail(400, 'ACCESS_TOKEN_INVALID');
  const bot = world.users.get(match[1]!);
  if (bot === undefined || bot.bot === null) fail(400, 'ACCESS_TOKEN_INVALID');
  if (bot.bot.revokedTokens.has(token)) fail(400, 'ACCESS_TOKEN_EXPIRED');
  if (bot.bot.token !== token) fail(400, 'ACCESS_TOKEN_INVALID');
  return bot;
}

/** The other user of a private chat (the user itself for Saved Messages). */
export function otherParty(conversation: Conversation & { kind: 'private' }, userId: string): string {
  const [a, b] = conversation.userIds;
  return a === userId ? b : a;
}

/** Whether `senderId` may post in `conversation`, as far as bots are concerned (the rules above). */
export function checkBotMayWrite(world: FakeWorld, senderId: string, conversation: Conversation): void {
  if (conversation.kind !== 'private') return;
  const bot = world.user(senderId).bot;
  if (bot === null) return;
  const otherId = otherParty(conversation, senderId);
  if (otherId === senderId) fail(400, 'PEER_ID_INVALID');
  if (world.user(otherId).bot !== null) fail(400, 'USER_IS_BOT');
  if (bot.blockedBy.has(otherId)) fail(403, 'USER_IS_BLOCKED');
  if (!bot.contactedBy.has(otherId)) fail(400, 'PEER_ID_INVALID');
}

/** A person's message to a bot lets the bot write back (called for every post). */
export function noteContact(world: FakeWorld, fromId: string, conversation: Conversation): void {
  if (conversation.kind !== 'private' || world.user(fromId).bot !== null) return;
  world.user(otherParty(conversation, fromId)).bot?.contactedBy.add(fromId);
}

/** Whether bot `viewerId` may name `user` with access_hash 0. */
export function botKnows(world: FakeWorld, viewerId: string, user: UserRecord): boolean {
  return world.user(viewerId).bot?.contactedBy.has(user.id) === true;
}
