/**
 * Reads a bot command out of a chat message, the same on Telegram and
 * Discord text: `/name`, `/name@this_bot` (Telegram adds the bot's name in
 * groups), then arguments split on whitespace, where "double quotes" keep
 * spaces together and \" is a quote inside them. Pure.
 */
import { findCommand } from './command-catalogue.ts';

/** Longest message read as a command; past it the text is not a command. */
export const MAX_COMMAND_TEXT = 1_024;

export interface CommandText {
  /** Lower-cased, without the slash or the bot's name. */
  name: string;
  args: string[];
}

export type ParseResult =
  | { kind: 'command'; command: CommandText }
  /** Not meant for this bot (no slash, or `/name@another_bot`): stay silent. */
  | { kind: 'not_for_us' }
  /** Meant for this bot but unreadable: say why. */
  | { kind: 'malformed'; reason: string };

const HEAD = /^\/([A-Za-z0-9_]{1,32})(?:@([A-Za-z0-9_]{1,64}))?(?=\s|$)/;

function splitArgs(rest: string): string[] | string {
  const args: string[] = [];
  let i = 0;
  while (i < rest.length) {
    while (i < rest.length && /\s/.test(rest[i]!)) i++;
    if (i >= rest.length) break;
    if (rest[i] === '"') {
      let arg = '';
      i++;
      for (;;) {
        if (i >= rest.length) return 'a quote is not closed';
        const c = rest[i]!;
        if (c === '\\' && rest[i + 1] === '"') {
          arg += '"';
          i += 2;
        } else if (c === '"') {
          i++;
          break;
        } else {
          arg += c;
          i++;
        }
      }
      args.push(arg);
    } else {
      let arg = '';
      while (i < rest.length && !/\s/.test(rest[i]!)) arg += rest[i++];
      args.push(arg);
    }
  }
  return args;
}

/**
 * `botUsername`: this bot's name, to tell `/plan@this_bot` from
 * `/plan@another_bot`; case-insensitive. A catalogue command marked `rest`
 * takes everything after the one space that follows its name, untrimmed;
 * one marked `words` takes its words as one argument.
 */
export function parseCommand(text: string, botUsername?: string): ParseResult {
  const trimmed = text.trim();
  if (!trimmed.startsWith('/')) return { kind: 'not_for_us' };
  const head = HEAD.exec(trimmed);
  if (head === null) return { kind: 'malformed', reason: 'a command is a slash and a name of letters, digits and _, e.g. /plan' };
  if (head[2] !== undefined && botUsername !== undefined && head[2].toLowerCase() !== botUsername.toLowerCase()) return { kind: 'not_for_us' };
  if (trimmed.length > MAX_COMMAND_TEXT) return { kind: 'malformed', reason: `a command is at most ${MAX_COMMAND_TEXT} characters` };
  const name = head[1]!.toLowerCase();
  const spec = findCommand(name);
  if (spec?.rest === true) {
    const rest = text.trimStart().slice(head[0].length + 1);
    return { kind: 'command', command: { name, args: rest === '' ? [] : [rest] } };
  }
  const args = splitArgs(trimmed.slice(head[0].length));
  if (typeof args === 'string') return { kind: 'malformed', reason: args };
  return { kind: 'command', command: { name, args: spec?.words === true && args.length > 1 ? [args.join(' ')] : args } };
}
