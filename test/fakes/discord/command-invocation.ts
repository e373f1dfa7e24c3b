/**
 * What a user's use of a slash command sends the bot (the `data` of an
 * APPLICATION_COMMAND interaction): the command picked among those
 * registered for the guild (a guild command before a global one of the same
 * name), the subcommand path (`pairs pause` nests as Discord nests it), and
 * the options typed as Discord sends them: strings, integers and numbers as
 * JSON numbers, booleans, user and channel ids with their `resolved`
 * objects. Discord's client refuses what the definition does not allow
 * (missing required options, values off the choices, ranges or lengths),
 * so the fake throws on those: they are test mistakes, not bot behaviour.
 * Role and attachment options are not modelled.
 */
import type { FakeApplicationCommand, FakeChannel, FakeCommandOption, FakeThreadMeta } from './model.ts';
import { apiThreadMetadata, apiUser, permissionsIn } from './payloads.ts';
import { ApplicationCommandType, CommandOptionType } from './protocol.ts';
import type { FakeState } from './state.ts';

/** An option value as a test gives it: a user or channel option takes the id. */
export type CommandOptionValue = string | number | boolean;

/** The registered CHAT_INPUT command `name` that a user in the guild may use, of `applicationId` if given. */
export function findCommand(state: FakeState, guildId: string, name: string, applicationId?: string): FakeApplicationCommand {
  const found: FakeApplicationCommand[] = [];
  for (const botId of state.guild(guildId).memberIds) {
    const bot = state.bots.get(botId);
    if (bot === undefined || (applicationId !== undefined && bot.applicationId !== applicationId)) continue;
    const isIt = (c: FakeApplicationCommand): boolean => c.type === ApplicationCommandType.ChatInput && c.name === name;
    const command = state.commandsOf(bot.applicationId, guildId).find(isIt)
      ?? state.commandsOf(bot.applicationId, null).find((c) => isIt(c) && (c.contexts === null || c.contexts.includes(0)));
    if (command !== undefined) found.push(command);
  }
  if (found.length === 0) throw new Error(`no command /${name} is registered for a bot of guild ${guildId}`);
  if (found.length > 1) throw new Error(`several bots of guild ${guildId} have /${name}: name the applicationId`);
  return found[0]!;
}

/** Where and by whom the command is used, and the `resolved` objects its options name. */
interface Use {
  state: FakeState;
  channelId: string;
  userId: string;
  resolved: Resolved;
}

interface Resolved {
  users?: Record<string, unknown>;
  members?: Record<string, unknown>;
  channels?: Record<string, unknown>;
}

/** The interaction `data` for `userId` using `command` in the channel with the subcommand `path` and option `values`. */
export function commandData(
  state: FakeState, command: FakeApplicationCommand, path: readonly string[], values: Readonly<Record<string, CommandOptionValue>>,
  at: { channelId: string; userId: string },
): Record<string, unknown> {
  const use: Use = { state, ...at, resolved: {} };
  const options = nestedOptions(use, command.options, [...path], values, `/${command.name}`);
  const data: Record<string, unknown> = { id: command.id, name: command.name, type: command.type };
  if (command.guildId !== null) data.guild_id = command.guildId;
  if (options.length > 0) data.options = options;
  if (Object.keys(use.resolved).length > 0) data.resolved = use.resolved;
  return data;
}

function nestedOptions(
  use: Use, defined: readonly FakeCommandOption[], path: string[], values: Readonly<Record<string, CommandOptionValue>>, where: string,
): Array<Record<string, unknown>> {
  const nests = defined.some((o) => o.type === CommandOptionType.Subcommand || o.type === CommandOptionType.SubcommandGroup);
  if (nests) {
    const next = path.shift();
    const sub = defined.find((o) => o.name === next);
    if (sub === undefined) throw new Error(`${where} takes a subcommand: one of ${defined.map((o) => o.name).join(', ')}`);
    return [{ type: sub.type, name: sub.name, options: nestedOptions(use, sub.options ?? [], path, values, `${where} ${sub.name}`) }];
  }
  if (path.length > 0) throw new Error(`${where} has no subcommand ${path.join(' ')}`);
  for (const name of Object.keys(values)) {
    if (!defined.some((o) => o.name === name)) throw new Error(`${where} has no option ${name}`);
  }
  const out: Array<Record<string, unknown>> = [];
  for (const option of defined) {
    const value = values[option.name];
    if (value === undefined) {
      if (option.required === true) throw new Error(`${where} needs option ${option.name}`);
      continue;
    }
    out.push({ name: option.name, type: option.type, value: typedValue(use, option, value, where) });
  }
  return out;
}

function typedValue(use: Use, option: FakeCommandOption, value: CommandOptionValue, where: string): CommandOptionValue {
  const bad = (what: string): Error => new Error(`${where} option ${option.name}: ${what}`);
  if (option.choices !== undefined && !option.choices.some((c) => c.value === value)) throw bad(`${String(value)} is not one of its choices`);
  switch (option.type) {
    case CommandOptionType.String:
      if (typeof value !== 'string') throw bad('takes a string');
      if (value.length < (option.min_length ?? 0) || value.length > (option.max_length ?? 6000)) throw bad('length out of range');
      return value;
    case CommandOptionType.Integer:
    case CommandOptionType.Number:
      if (typeof value !== 'number' || (option.type === CommandOptionType.Integer && !Number.isInteger(value))) throw bad('takes a number of its type');
      if (value < (option.min_value ?? -(2 ** 53)) || value > (option.max_value ?? 2 ** 53)) throw bad('value out of range');
      return value;
    case CommandOptionType.Boolean:
      if (typeof value !== 'boolean') throw bad('takes a boolean');
      return value;
    case CommandOptionType.User:
    case CommandOptionType.Mentionable:
      resolveUser(use, String(value), bad);
      return String(value);
    case CommandOptionType.Channel:
      resolveChannel(use, String(value), option, bad);
      return String(value);
    default:
      throw bad('role and attachment options are not modelled');
  }
}

function resolveUser(use: Use, id: string, bad: (what: string) => Error): void {
  const { state, resolved } = use;
  const user = state.users.get(id);
  if (user === undefined) throw bad(`no user ${id}`);
  (resolved.users ??= {})[id] = apiUser(user);
  const channel = state.channel(use.channelId);
  const guild = state.guildOf(channel);
  if (!guild.memberIds.has(id)) return;
  (resolved.members ??= {})[id] = {
    roles: [], joined_at: new Date(guild.createdAt).toISOString(), nick: null, avatar: null, premium_since: null, pending: false,
    communication_disabled_until: null, flags: 0, permissions: permissionsIn(state, id, channel),
  };
}

function resolveChannel(use: Use, id: string, option: FakeCommandOption, bad: (what: string) => Error): void {
  const { state, resolved } = use;
  const target = state.channels.get(id);
  if (target === undefined || target.guildId !== state.channel(use.channelId).guildId) throw bad(`no channel ${id} in this guild`);
  if (option.channel_types !== undefined && !option.channel_types.includes(target.type)) throw bad(`channel ${id} is not of its channel types`);
  // The invoking user's permissions in the named channel, as Discord resolves it.
  const entry: Record<string, unknown> = { id: target.id, name: target.name, type: target.type, permissions: permissionsIn(state, use.userId, target) };
  if (target.thread !== null) {
    entry.parent_id = target.parentId;
    entry.thread_metadata = apiThreadMetadata(target as FakeChannel & { thread: FakeThreadMeta });
  }
  (resolved.channels ??= {})[id] = entry;
}
