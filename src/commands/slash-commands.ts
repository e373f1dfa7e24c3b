/**
 * The catalogue's commands as Discord application commands: each argument
 * a string option, in order, with its choices where the command has fixed
 * words (`pause|resume`). A slash command's options come back as the same
 * arguments the text parser would read, so both platforms run one
 * implementation. Pure.
 */
import { COMMANDS, type CommandSpec } from './command-catalogue.ts';

export interface SlashOption {
  name: string;
  description: string;
  required: boolean;
  choices?: readonly string[];
}

const opt = (name: string, description: string, required: boolean, choices?: readonly string[]): SlashOption =>
  (choices === undefined ? { name, description, required } : { name, description, required, choices });

/** Options per command, in argument order; commands not named take none. */
export const SLASH_OPTIONS: Readonly<Record<string, readonly SlashOption[]>> = {
  link: [opt('code', 'The code from the dashboard (POST /v1/me/chat-links)', true)],
  pairs: [opt('action', 'Pause or resume a pair', false, ['pause', 'resume']), opt('pair', 'The pair\'s name, or the start of its id', false)],
  login: [opt('phone', 'The account\'s phone number, e.g. +15551234567', true)],
  code: [opt('code', 'The login code Telegram sent', true)],
  password: [opt('password', 'The two-step verification password (no one else sees it)', true)],
  users: [opt('search', 'Part of an email', false)],
  session: [opt('id', 'The session (linked account) id', true), opt('action', 'What to do', true, ['stop', 'pause', 'resume'])],
  reassign: [opt('session', 'The session (linked account) id', true), opt('worker', 'The worker id', true)],
  dead_letters: [opt('action', 'Replay failed tasks', false, ['replay']), opt('target', 'A task id, or all', false)],
  suspend: [opt('email', 'The user\'s email', true)],
  reactivate: [opt('email', 'The user\'s email', true)],
  setplan: [opt('email', 'The user\'s email', true), opt('plan', 'The new plan', true, ['free', 'pro', 'elite'])],
};

/** Discord's string option type and the chat-input command type. */
const STRING_OPTION = 3;
const CHAT_INPUT = 1;

/** The body of `PUT /applications/{id}/commands`: every command, so a removed one disappears too. */
export function slashCommands(commands: readonly CommandSpec[] = COMMANDS): Array<Record<string, unknown>> {
  return commands.map((c) => ({
    name: c.name,
    type: CHAT_INPUT,
    description: c.summary.slice(0, 100),
    options: (SLASH_OPTIONS[c.name] ?? []).map((o) => ({
      type: STRING_OPTION, name: o.name, description: o.description, required: o.required,
      ...(o.choices === undefined ? {} : { choices: o.choices.map((value) => ({ name: value, value })) }),
    })),
  }));
}

/** The arguments a slash command's option values stand for, in order; an option left out ends them. */
export function argsOf(name: string, value: (option: string) => string | null): string[] {
  const args: string[] = [];
  for (const o of SLASH_OPTIONS[name] ?? []) {
    const v = value(o.name);
    if (v === null) break;
    args.push(v);
  }
  return args;
}
