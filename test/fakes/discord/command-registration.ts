/**
 * Registering application commands as Discord checks them (OpenAPI
 * ApplicationCommandUpdateRequest and its option schemas; the naming and
 * limit rules of the application-commands docs): CHAT_INPUT names matching
 * `^[-_'\p{L}\p{N}\p{sc=Deva}\p{sc=Thai}]{1,32}$` in lowercase, descriptions
 * of 1–100 characters, option types 1–11, at most 25 options and 25
 * choices, required options first, subcommands only where they may be,
 * 8 000 characters per command, unique names per type, and 100 CHAT_INPUT
 * (15 USER, 15 MESSAGE) commands per scope. A bad body is a 400 50035 whose
 * `errors` nest down to the field (`0.options.2.name`); too many commands
 * is Discord's 400 30032. A bulk overwrite keeps the id of a command that
 * stays (same name and type) and gives it a new version when it changed.
 */
import { ApiError, formErrorAt } from './http-io.ts';
import type { FakeApplicationCommand, FakeCommandOption } from './model.ts';
import {
  ApiCode, ApplicationCommandType, CommandOptionType, MAX_COMMAND_OPTIONS, MAX_COMMAND_SIZE, MAX_COMMANDS_BY_TYPE, MAX_COMMANDS_PER_OVERWRITE,
  MAX_OPTION_CHOICES,
} from './protocol.ts';
import type { SnowflakeGenerator } from './snowflake.ts';

type Path = ReadonlyArray<string | number>;

const CHAT_INPUT_NAME = /^[-_'\p{L}\p{N}\p{sc=Deva}\p{sc=Thai}]{1,32}$/u;
const CHOICE_TYPES = new Set<number>([CommandOptionType.String, CommandOptionType.Integer, CommandOptionType.Number]);
const NESTING_TYPES = new Set<number>([CommandOptionType.Subcommand, CommandOptionType.SubcommandGroup]);

export interface CommandScope {
  applicationId: string;
  guildId: string | null;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function checkName(name: unknown, chatInput: boolean, path: Path): string {
  if (typeof name !== 'string') throw formErrorAt(path, 'BASE_TYPE_REQUIRED', 'This field is required');
  if (name.length < 1 || name.length > 32) throw formErrorAt(path, 'BASE_TYPE_BAD_LENGTH', 'Must be between 1 and 32 in length.');
  if (!chatInput) return name;
  if (!CHAT_INPUT_NAME.test(name)) throw formErrorAt(path, 'STRING_TYPE_REGEX', 'String value did not match validation regex.');
  // Letters that have a lowercase form must use it.
  if (name !== name.toLowerCase()) throw formErrorAt(path, 'APPLICATION_COMMAND_INVALID_NAME', 'Command name is invalid');
  return name;
}

function checkDescription(description: unknown, path: Path): string {
  if (typeof description !== 'string') throw formErrorAt(path, 'BASE_TYPE_REQUIRED', 'This field is required');
  if (description.length < 1 || description.length > 100) throw formErrorAt(path, 'BASE_TYPE_BAD_LENGTH', 'Must be between 1 and 100 in length.');
  return description;
}

function checkInteger(value: unknown, min: number, max: number, path: Path): number {
  if (typeof value !== 'number' || !Number.isInteger(value)) throw formErrorAt(path, 'NUMBER_TYPE_COERCE', `Value "${String(value)}" is not int.`);
  if (value < min) throw formErrorAt(path, 'NUMBER_TYPE_MIN', `int value should be greater than or equal to ${min}.`);
  if (value > max) throw formErrorAt(path, 'NUMBER_TYPE_MAX', `int value should be less than or equal to ${max}.`);
  return value;
}

function localizations(raw: unknown): Record<string, string> | null {
  return isObject(raw) ? (raw as Record<string, string>) : null;
}

/** Characters of names, descriptions and choice names and string values, as Discord sizes a command. */
function sizeOf(options: readonly FakeCommandOption[]): number {
  let size = 0;
  for (const o of options) {
    size += o.name.length + o.description.length;
    for (const c of o.choices ?? []) size += c.name.length + (typeof c.value === 'string' ? c.value.length : 0);
    size += sizeOf(o.options ?? []);
  }
  return size;
}

/** The options of a command, subcommand group or subcommand: what each level may hold, in Discord's nesting. */
function readOptions(raw: unknown, level: 'command' | 'group' | 'subcommand', path: Path): FakeCommandOption[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) throw formErrorAt(path, 'BASE_TYPE_ARRAY', 'Must be an array.');
  if (raw.length > MAX_COMMAND_OPTIONS) throw formErrorAt(path, 'BASE_TYPE_MAX_LENGTH', `Must be ${MAX_COMMAND_OPTIONS} or fewer in length.`);
  const options = raw.map((o: unknown, i) => readOption(o, level, [...path, i]));
  const names = new Set<string>();
  let optionalSeen = false;
  options.forEach((o, i) => {
    // Discord documents the rule, not its error code: the fake reuses the one for duplicate command names.
    if (names.has(o.name)) throw formErrorAt([...path, i, 'name'], 'APPLICATION_COMMANDS_DUPLICATE_NAME', 'Application command names must be unique');
    names.add(o.name);
    if (NESTING_TYPES.has(o.type)) return;
    if (o.required === true && optionalSeen) {
      throw formErrorAt([...path, i], 'APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID', 'Required options must be placed before non-required options');
    }
    if (o.required !== true) optionalSeen = true;
  });
  return options;
}

function readOption(raw: unknown, level: 'command' | 'group' | 'subcommand', path: Path): FakeCommandOption {
  if (!isObject(raw)) throw formErrorAt(path, 'DICT_TYPE_CONVERT', 'Only dictionaries may be used in a DictType');
  const type = raw.type;
  // A group holds subcommands only; a subcommand holds no subcommands.
  const allowed = level === 'group' ? [CommandOptionType.Subcommand]
    : level === 'subcommand' ? [3, 4, 5, 6, 7, 8, 9, 10, 11]
      : [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
  if (typeof type !== 'number' || !allowed.includes(type)) {
    throw formErrorAt([...path, 'type'], 'BASE_TYPE_CHOICES', `Value must be one of {${allowed.join(', ')}}.`);
  }
  const option: FakeCommandOption = {
    type,
    name: checkName(raw.name, true, [...path, 'name']),
    description: checkDescription(raw.description, [...path, 'description']),
  };
  const nameLocalizations = localizations(raw.name_localizations);
  if (nameLocalizations !== null) option.name_localizations = nameLocalizations;
  const descriptionLocalizations = localizations(raw.description_localizations);
  if (descriptionLocalizations !== null) option.description_localizations = descriptionLocalizations;
  if (type === CommandOptionType.Subcommand || type === CommandOptionType.SubcommandGroup) {
    option.options = readOptions(raw.options, type === CommandOptionType.SubcommandGroup ? 'group' : 'subcommand', [...path, 'options']);
    return option;
  }
  if (raw.required === true) option.required = true;
  if (raw.autocomplete === true && CHOICE_TYPES.has(type)) option.autocomplete = true;
  if (raw.choices !== undefined && raw.choices !== null && CHOICE_TYPES.has(type)) {
    option.choices = readChoices(raw.choices, type, [...path, 'choices']);
  }
  if (type === CommandOptionType.String) {
    if (raw.min_length !== undefined && raw.min_length !== null) option.min_length = checkInteger(raw.min_length, 0, 6000, [...path, 'min_length']);
    if (raw.max_length !== undefined && raw.max_length !== null) option.max_length = checkInteger(raw.max_length, 1, 6000, [...path, 'max_length']);
  }
  if (type === CommandOptionType.Integer || type === CommandOptionType.Number) {
    for (const field of ['min_value', 'max_value'] as const) {
      const value = raw[field];
      if (value === undefined || value === null) continue;
      if (typeof value !== 'number' || (type === CommandOptionType.Integer && !Number.isInteger(value))) {
        throw formErrorAt([...path, field], 'NUMBER_TYPE_COERCE', `Value "${String(value)}" is not ${type === CommandOptionType.Integer ? 'int' : 'a valid number'}.`);
      }
      option[field] = value;
    }
  }
  if (type === CommandOptionType.Channel && Array.isArray(raw.channel_types)) option.channel_types = raw.channel_types as number[];
  return option;
}

function readChoices(raw: unknown, type: number, path: Path): Array<{ name: string; value: string | number }> {
  if (!Array.isArray(raw)) throw formErrorAt(path, 'BASE_TYPE_ARRAY', 'Must be an array.');
  if (raw.length > MAX_OPTION_CHOICES) throw formErrorAt(path, 'BASE_TYPE_MAX_LENGTH', `Must be ${MAX_OPTION_CHOICES} or fewer in length.`);
  return raw.map((c: unknown, i) => {
    const at = [...path, i];
    if (!isObject(c)) throw formErrorAt(at, 'DICT_TYPE_CONVERT', 'Only dictionaries may be used in a DictType');
    if (typeof c.name !== 'string' || c.name.length < 1 || c.name.length > 100) {
      throw formErrorAt([...at, 'name'], 'BASE_TYPE_BAD_LENGTH', 'Must be between 1 and 100 in length.');
    }
    const value = c.value;
    // The spec allows string values up to 6 000 characters (the docs still say 100).
    const fits = type === CommandOptionType.String ? typeof value === 'string' && value.length <= 6000
      : type === CommandOptionType.Integer ? Number.isInteger(value) : typeof value === 'number' && Number.isFinite(value);
    if (!fits) throw formErrorAt([...at, 'value'], 'BASE_TYPE_CONVERT', `Value "${String(value)}" does not fit the option's type.`);
    return { name: c.name, value: value as string | number };
  });
}

/** One command of a request body, at `path` (its index in a bulk overwrite). */
function readCommand(raw: unknown, path: Path): Omit<FakeApplicationCommand, 'id' | 'version' | 'applicationId' | 'guildId'> {
  if (!isObject(raw)) throw formErrorAt(path, 'DICT_TYPE_CONVERT', 'Only dictionaries may be used in a DictType');
  const type = raw.type ?? ApplicationCommandType.ChatInput;
  if (type !== ApplicationCommandType.ChatInput && type !== ApplicationCommandType.User && type !== ApplicationCommandType.Message) {
    // PRIMARY_ENTRY_POINT (4) is for Activities, which the fake does not model.
    throw formErrorAt([...path, 'type'], 'BASE_TYPE_CHOICES', 'Value must be one of {1, 2, 3}.');
  }
  const chatInput = type === ApplicationCommandType.ChatInput;
  const name = checkName(raw.name, chatInput, [...path, 'name']);
  const description = chatInput ? checkDescription(raw.description, [...path, 'description']) : '';
  const options = chatInput ? readOptions(raw.options, 'command', [...path, 'options']) : [];
  if (name.length + description.length + sizeOf(options) > MAX_COMMAND_SIZE) {
    throw formErrorAt(path, 'APPLICATION_COMMAND_TOO_LARGE', `Command exceeds maximum size (${MAX_COMMAND_SIZE})`);
  }
  const perms = raw.default_member_permissions;
  if (perms !== undefined && perms !== null && !(typeof perms === 'string' && /^\d+$/.test(perms)) && !(typeof perms === 'number' && Number.isInteger(perms) && perms >= 0)) {
    throw formErrorAt([...path, 'default_member_permissions'], 'NUMBER_TYPE_COERCE', `Value "${String(perms)}" is not snowflake.`);
  }
  const contexts = Array.isArray(raw.contexts) ? (raw.contexts as number[]) : null;
  if (contexts !== null && contexts.some((c) => c !== 0 && c !== 1 && c !== 2)) {
    throw formErrorAt([...path, 'contexts'], 'BASE_TYPE_CHOICES', 'Value must be one of {0, 1, 2}.');
  }
  return {
    type,
    name,
    description,
    options,
    defaultMemberPermissions: perms === undefined || perms === null ? null : String(perms),
    contexts,
    integrationTypes: Array.isArray(raw.integration_types) ? (raw.integration_types as number[]) : [0],
    nsfw: raw.nsfw === true,
    nameLocalizations: localizations(raw.name_localizations),
    descriptionLocalizations: localizations(raw.description_localizations),
  };
}

/**
 * The commands a bulk overwrite (PUT) leaves in the scope, in the
 * request's order; `existing` are the scope's commands before it.
 */
export function overwriteCommands(
  body: unknown, scope: CommandScope, existing: readonly FakeApplicationCommand[], ids: SnowflakeGenerator,
): FakeApplicationCommand[] {
  if (!Array.isArray(body)) throw formErrorAt([], 'BASE_TYPE_ARRAY', 'Must be an array.');
  if (body.length > MAX_COMMANDS_PER_OVERWRITE) throw formErrorAt([], 'BASE_TYPE_MAX_LENGTH', `Must be ${MAX_COMMANDS_PER_OVERWRITE} or fewer in length.`);
  const read = body.map((raw: unknown, i) => readCommand(raw, [i]));
  const seen = new Set<string>();
  const perType = new Map<number, number>();
  read.forEach((c, i) => {
    const key = `${c.type}:${c.name}`;
    if (seen.has(key)) throw formErrorAt([i], 'APPLICATION_COMMANDS_DUPLICATE_NAME', 'Application command names must be unique');
    seen.add(key);
    perType.set(c.type, (perType.get(c.type) ?? 0) + 1);
  });
  for (const [type, count] of perType) {
    const max = MAX_COMMANDS_BY_TYPE[type]!;
    if (count > max) throw new ApiError(400, ApiCode.MaxApplicationCommands, `Maximum number of application commands reached (${max}).`);
  }
  return read.map((c) => keepIdentity(c, scope, existing, ids));
}

/** POST of one command: an upsert by name and type, as Discord does; the scope's commands afterwards and the one written. */
export function upsertCommand(
  body: unknown, scope: CommandScope, existing: readonly FakeApplicationCommand[], ids: SnowflakeGenerator,
): { commands: FakeApplicationCommand[]; command: FakeApplicationCommand; created: boolean } {
  const read = readCommand(body, []);
  const index = existing.findIndex((c) => c.type === read.type && c.name === read.name);
  if (index === -1 && existing.filter((c) => c.type === read.type).length >= MAX_COMMANDS_BY_TYPE[read.type]!) {
    throw new ApiError(400, ApiCode.MaxApplicationCommands, `Maximum number of application commands reached (${MAX_COMMANDS_BY_TYPE[read.type]}).`);
  }
  const command = keepIdentity(read, scope, existing, ids);
  const commands = index === -1 ? [...existing, command] : existing.map((c, i) => (i === index ? command : c));
  return { commands, command, created: index === -1 };
}

/** The command with the id (and, if unchanged, the version) of the one it replaces. */
function keepIdentity(
  read: Omit<FakeApplicationCommand, 'id' | 'version' | 'applicationId' | 'guildId'>, scope: CommandScope,
  existing: readonly FakeApplicationCommand[], ids: SnowflakeGenerator,
): FakeApplicationCommand {
  const before = existing.find((c) => c.type === read.type && c.name === read.name);
  const candidate: FakeApplicationCommand = { ...read, id: before?.id ?? ids.next(), version: '', applicationId: scope.applicationId, guildId: scope.guildId };
  const same = before !== undefined && JSON.stringify({ ...before, version: '' }) === JSON.stringify(candidate);
  candidate.version = same ? before.version : ids.next();
  return candidate;
}
