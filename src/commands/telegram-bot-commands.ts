/**
 * The catalogue as Telegram's command menu (`bots.setBotCommands`): what
 * everyone and linked users may run, in catalogue order, as the menu every
 * user sees; an administrator's private chat gets a menu of its own with
 * the admin commands too (a peer scope). Telegram takes a command of 1 to
 * 32 lower-case letters, digits and `_`, and a description of 1 to 256
 * characters. Pure.
 */
import { COMMANDS, type CommandSpec } from './command-catalogue.ts';

export interface TelegramBotCommand {
  command: string;
  description: string;
}

/** Telegram's longest command description. */
const MAX_DESCRIPTION = 256;

/** The menu of everyone, or with `admin` the menu of an administrator's chat (every command). */
export function telegramBotCommands(commands: readonly CommandSpec[] = COMMANDS, options: { admin?: boolean } = {}): TelegramBotCommand[] {
  return commands.filter((c) => options.admin === true || c.audience !== 'admin').map((c) => ({
    command: c.name,
    description: (c.usage ? `${c.summary} (${c.usage})` : c.summary).slice(0, MAX_DESCRIPTION),
  }));
}
