/**
 * Every bot command, once, for both platforms: who may run it, its usage
 * and a line of help. The bots' command menus (Telegram's setMyCommands,
 * Discord's application commands), `/help` and the argument check all read
 * it. Names are what both platforms accept: lower-case letters, digits and
 * `_` (Telegram refuses `-`). Pure.
 */
/** `everyone`: before linking too; `linked`: a chat tied to a Switchboard user; `admin`: a linked admin. */
export type CommandAudience = 'everyone' | 'linked' | 'admin';

export interface CommandSpec {
  name: string;
  audience: CommandAudience;
  /** Arguments as shown in help, e.g. `[pause|resume NAME]`; empty when there are none. */
  usage: string;
  summary: string;
  minArgs: number;
  maxArgs: number;
  /**
   * Its one argument is the rest of the message exactly as typed, quotes
   * and spaces included (a password), not split into words.
   */
  rest?: true;
  /**
   * Its one argument may be typed as several words (a phone number with
   * spaces, a code with spaces between the digits): they are joined back
   * with single spaces.
   */
  words?: true;
}

const spec = (name: string, audience: CommandAudience, usage: string, summary: string, minArgs = 0, maxArgs = 0): CommandSpec =>
  ({ name, audience, usage, summary, minArgs, maxArgs });

export const COMMANDS: readonly CommandSpec[] = [
  spec('start', 'everyone', '', 'What this bot does and how to link this chat'),
  spec('help', 'everyone', '', 'The commands you can use here'),
  spec('link', 'everyone', 'CODE', 'Tie this chat to your Switchboard account with a code from the dashboard', 1, 1),
  spec('unlink', 'linked', '', 'Untie this chat from your account'),
  spec('plan', 'linked', '', 'Your plan, its expiry and its limits'),
  spec('usage', 'linked', '', 'What you used this period against your limits'),
  spec('upgrade', 'linked', '', 'The plans side by side, and how to upgrade'),
  spec('pairs', 'linked', '[pause|resume NAME]', 'Your forwarding pairs; pause or resume one by name or id', 0, 2),
  spec('accounts', 'linked', '', 'Your linked Telegram accounts and Discord bots, and their state'),
  spec('status', 'linked', '', 'Whether your sessions are running'),
  { ...spec('login', 'linked', 'PHONE', 'Link a Telegram account: Telegram sends a login code to its app', 1, 1), words: true },
  { ...spec('code', 'linked', 'CODE', 'The login code Telegram sent, with spaces between the digits: 1 2 3 4 5', 1, 1), words: true },
  { ...spec('password', 'linked', 'PASSWORD', 'The Telegram account\'s two-step verification password (its message is deleted at once)', 1, 1), rest: true },
  spec('resend', 'linked', '', 'Have Telegram send the login code again'),
  spec('users', 'admin', '[SEARCH]', 'Find users by email', 0, 1),
  spec('workers', 'admin', '', 'Worker processes, their memory and sessions'),
  spec('stats', 'admin', '', 'Users, pairs, sessions and the queue by tier'),
  spec('session', 'admin', 'ID stop|pause|resume', 'Stop, pause or resume a session', 2, 2),
  spec('reassign', 'admin', 'SESSION WORKER', 'Move a session to another worker', 2, 2),
  spec('dead_letters', 'admin', '[replay ID|all]', 'Forwarding tasks that failed for good; replay them', 0, 2),
  spec('suspend', 'admin', 'EMAIL', 'Suspend a user', 1, 1),
  spec('reactivate', 'admin', 'EMAIL', 'Reactivate a suspended user', 1, 1),
  spec('setplan', 'admin', 'EMAIL free|pro|elite', 'Change a user\'s plan', 2, 2),
];

const BY_NAME = new Map(COMMANDS.map((c) => [c.name, c]));

export function findCommand(name: string): CommandSpec | undefined {
  return BY_NAME.get(name);
}

/** Why `args` do not fit `command`, as a reply; null when they do. */
export function argumentProblem(command: CommandSpec, args: readonly string[]): string | null {
  if (args.length >= command.minArgs && args.length <= command.maxArgs) return null;
  return `Usage: /${command.name}${command.usage ? ` ${command.usage}` : ''}`;
}

/** The commands someone may run: before linking, as a linked user, as a linked admin. */
export function commandsFor(caller: 'unlinked' | 'user' | 'admin'): CommandSpec[] {
  return COMMANDS.filter((c) => c.audience === 'everyone'
    || (caller !== 'unlinked' && c.audience === 'linked')
    || (caller === 'admin' && c.audience === 'admin'));
}

/** `/help`'s text: one line per command this caller may run. */
export function helpLines(caller: 'unlinked' | 'user' | 'admin'): string[] {
  return commandsFor(caller).map((c) => `/${c.name}${c.usage ? ` ${c.usage}` : ''} - ${c.summary}`);
}

/** The catalogue's admin commands, which the plan rules refuse to other roles (checked by its test). */
export const CATALOGUE_ADMIN_COMMANDS: ReadonlySet<string> = new Set(COMMANDS.filter((c) => c.audience === 'admin').map((c) => c.name));
