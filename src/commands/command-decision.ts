/**
 * What a chat message becomes before anything is read or counted: nothing
 * (not a command for this bot), a reply straight away (unreadable, unknown,
 * not for this caller, wrong arguments, /help, /start), or a command to run
 * through the command gate. Every refusal is a clear reply, never silence.
 * Pure.
 */
import type { RichText } from '../forwarding/message/neutral-message.ts';
import { argumentProblem, findCommand, helpLines, type CommandSpec } from './command-catalogue.ts';
import { parseCommand, type CommandText } from './command-text.ts';
import { ReplyText } from './reply-text.ts';

/** Who is writing: a chat not linked to a Switchboard user yet, or a linked user with their role. */
export type CommandCaller = { kind: 'unlinked' } | { kind: 'user' | 'admin'; userId: string };

export type CommandDecision =
  | { kind: 'ignore' }
  | { kind: 'reply'; reply: RichText }
  | { kind: 'run'; command: CommandSpec; args: string[] };

const HELP_HINT = '/help lists the commands you can use.';

const say = (...lines: string[]): CommandDecision => {
  const r = new ReplyText();
  for (const line of lines) r.plain(line).line();
  return { kind: 'reply', reply: r.build() };
};

function help(caller: CommandCaller): CommandDecision {
  const r = new ReplyText().bold('Commands').line();
  for (const line of helpLines(caller.kind)) r.plain(line).line();
  return { kind: 'reply', reply: r.build() };
}

export function decideCommand(text: string, caller: CommandCaller, botUsername?: string): CommandDecision {
  const parsed = parseCommand(text, botUsername);
  if (parsed.kind === 'not_for_us') return { kind: 'ignore' };
  if (parsed.kind === 'malformed') return say(`I could not read that: ${parsed.reason}.`, HELP_HINT);
  return decideParsed(parsed.command, caller);
}

/** The same for a command whose name and arguments the platform already split (a Discord slash command's options). */
export function decideParsed({ name, args }: CommandText, caller: CommandCaller): CommandDecision {
  const command = findCommand(name);
  if (command === undefined) return say(`There is no /${name} command.`, HELP_HINT);
  if (command.audience !== 'everyone' && caller.kind === 'unlinked') {
    return say(`/${name} needs this chat linked to your Switchboard account.`, 'Get a code on the dashboard (Sign-ins and keys), then send /link CODE here.');
  }
  if (command.audience === 'admin' && caller.kind !== 'admin') return say(`/${name} is for administrators.`, HELP_HINT);
  const problem = argumentProblem(command, args);
  if (problem !== null) return say(problem);
  if (name === 'help') return help(caller);
  if (name === 'start') {
    return say(
      'This bot tells you how your Switchboard forwarding is doing and lets you steer it from here.',
      caller.kind === 'unlinked' ? 'Link this chat first: get a code on the dashboard, then send /link CODE.' : HELP_HINT,
    );
  }
  return { kind: 'run', command, args };
}
