/**
 * A bot's command lists (bots.setBotCommands), one per scope and language,
 * checked as Telegram checks them: a command is 1 to 32 characters of
 * lowercase letters, digits and _ (400 BOT_COMMAND_INVALID), its
 * description 1 to 256 characters (400 BOT_COMMAND_DESCRIPTION_INVALID),
 * the language code empty or two letters (400 LANG_CODE_INVALID).
 *
 * Modelling choices:
 * - A description may be 1 or 2 characters: MTProto takes what the Bot API
 *   takes today (1-256; it once asked for 3-256). A blank one is invalid.
 * - More than 100 commands: 400 BOT_COMMANDS_TOO_MUCH, the name Telegram's
 *   error list gives it (the method page documents no error for it).
 * - A command with a leading "/" or capitals is invalid, not corrected.
 * - An empty list deletes the scope's list (what resetBotCommands does);
 *   each change moves the bot's bot_info_version.
 * - Peer scopes name a peer the bot can read (else PEER_ID_INVALID) and are
 *   kept by its Bot-API style id.
 */
import type { BotState } from './bots.ts';
import type { Conversation } from './model.ts';
import { resolveInputUser, resolvePeer } from './peers.ts';
import { fail } from './rpc-fail.ts';
import { Api } from './tl-io.ts';
import type { FakeWorld } from './world.ts';

export interface FakeBotCommand {
  readonly command: string;
  readonly description: string;
}

/** The scopes that name no peer, as the control API names them. */
export type FakeCommandScope = 'default' | 'users' | 'chats' | 'chatAdmins';

const MAX_COMMANDS = 100;
const COMMAND = /^[a-z0-9_]{1,32}$/;
const MAX_DESCRIPTION = 256;

function markedId(conversation: Conversation, viewerId: string): string {
  if (conversation.kind === 'private') return conversation.userIds[0] === viewerId ? conversation.userIds[1] : conversation.userIds[0];
  return conversation.kind === 'group' ? `-${conversation.id}` : `-100${conversation.id}`;
}

function scopeName(world: FakeWorld, botId: string, scope: Api.TypeBotCommandScope): string {
  if (scope instanceof Api.BotCommandScopeDefault) return 'default';
  if (scope instanceof Api.BotCommandScopeUsers) return 'users';
  if (scope instanceof Api.BotCommandScopeChats) return 'chats';
  if (scope instanceof Api.BotCommandScopeChatAdmins) return 'chatAdmins';
  const peer = markedId(resolvePeer(world, botId, scope.peer), botId);
  if (scope instanceof Api.BotCommandScopePeer) return `peer:${peer}`;
  if (scope instanceof Api.BotCommandScopePeerAdmins) return `peerAdmins:${peer}`;
  return `peerUser:${peer}:${resolveInputUser(world, botId, scope.userId).id}`;
}

function checkLangCode(langCode: string): void {
  if (langCode !== '' && !/^[a-z]{2}$/.test(langCode)) fail(400, 'LANG_CODE_INVALID');
}

/** Where a list is kept in BotState.commands. */
export function commandsKey(scope: string, langCode: string): string {
  return `${scope}|${langCode}`;
}

/** The list bots.setBotCommands asks for, checked; an empty list deletes. */
export function setBotCommands(world: FakeWorld, botId: string, request: Api.bots.SetBotCommands): void {
  checkLangCode(request.langCode);
  const key = commandsKey(scopeName(world, botId, request.scope), request.langCode);
  if (request.commands.length > MAX_COMMANDS) fail(400, 'BOT_COMMANDS_TOO_MUCH');
  const commands = request.commands.map(({ command, description }) => {
    if (!COMMAND.test(command)) fail(400, 'BOT_COMMAND_INVALID');
    if (description.trim() === '' || [...description].length > MAX_DESCRIPTION) fail(400, 'BOT_COMMAND_DESCRIPTION_INVALID');
    return { command, description };
  });
  const bot = world.user(botId).bot!;
  if (commands.length === 0) bot.commands.delete(key);
  else bot.commands.set(key, commands);
  bot.infoVersion += 1;
}

export function resetBotCommands(world: FakeWorld, botId: string, request: Api.bots.ResetBotCommands): void {
  checkLangCode(request.langCode);
  const bot = world.user(botId).bot!;
  bot.commands.delete(commandsKey(scopeName(world, botId, request.scope), request.langCode));
  bot.infoVersion += 1;
}

export function botCommandsOf(world: FakeWorld, botId: string, request: Api.bots.GetBotCommands): FakeBotCommand[] {
  checkLangCode(request.langCode);
  return readCommands(world.user(botId).bot!, scopeName(world, botId, request.scope), request.langCode);
}

export function readCommands(bot: BotState, scope: string, langCode: string): FakeBotCommand[] {
  return [...(bot.commands.get(commandsKey(scope, langCode)) ?? [])];
}
