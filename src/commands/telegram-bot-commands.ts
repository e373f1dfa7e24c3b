/**
 * The catalogue as Telegram's command menu (`bots.setBotCommands`): what
 * everyone and linked users may run, in catalogue order. Admin commands stay
 * out of the menu every user sees (`/help` lists them to admins), since
 * Telegram shows one default menu to all. Telegram takes a command of 1 to
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

export function telegramBotCommands(commands: readonly CommandSpec[] = COMMANDS): TelegramBotCommand[] {
  return commands.filter((c) => c.audience !== 'admin').map((c) => ({
    command: c.name,
    description: (c.usage ? `${c.summary} (${c.usage})` : c.summary).slice(0, MAX_DESCRIPTION),
  }));
}
