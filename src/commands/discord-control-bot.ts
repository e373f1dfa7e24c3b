/**
 * The control bot on Discord: an application whose slash commands are the
 * catalogue's (registered globally at start, replacing whatever was there),
 * each interaction answered through the platform-neutral CommandRunner.
 * Every answer is deferred at once (Discord allows 3 s for the first
 * response; a command reads the database), then edited into the reply.
 * In a server channel the reply is ephemeral: it is about the caller's
 * account, and only they should see it; in a DM it is a plain message.
 * One process runs it (the `bot` process): every gateway session of a bot
 * gets every interaction, and only one may answer.
 */
import { Client, Events, GatewayIntentBits, MessageFlags } from 'discord.js';
import type { ChatInputCommandInteraction, Interaction } from 'discord.js';
import type { Logger } from 'pino';
import type { RichText } from '../forwarding/message/neutral-message.ts';
import type { CommandRunner } from './command-runner.ts';
import { renderForDiscord } from './reply-text.ts';
import { argsOf, slashCommands } from './slash-commands.ts';

export interface DiscordControlBotOptions {
  /** The control application's bot token. */
  token: string;
  /** Discord's REST base. Default `https://discord.com/api`. */
  apiUrl?: string;
  runner: CommandRunner;
  logger: Logger;
}

const NO_MENTIONS = { parse: [] };
const FAILED = 'Something went wrong on our side; try again in a minute.';

export class DiscordControlBot {
  readonly #client: Client;
  readonly #runner: CommandRunner;
  readonly #log: Logger;
  readonly #inFlight = new Set<Promise<void>>();

  private constructor(client: Client, runner: CommandRunner, logger: Logger) {
    this.#client = client;
    this.#runner = runner;
    this.#log = logger;
  }

  /** Logs in, registers the slash commands and starts answering. */
  static async start(o: DiscordControlBotOptions): Promise<DiscordControlBot> {
    const client = new Client({ intents: [GatewayIntentBits.Guilds], rest: { api: o.apiUrl ?? 'https://discord.com/api' } });
    const bot = new DiscordControlBot(client, o.runner, o.logger.child({ component: 'control-bot', platform: 'discord' }));
    client.on(Events.InteractionCreate, (interaction) => bot.#track(bot.#onInteraction(interaction)));
    const ready = new Promise<void>((resolve) => client.once(Events.ClientReady, () => resolve()));
    try {
      await client.login(o.token);
      await ready;
      await client.application!.commands.set(slashCommands() as never);
    } catch (error) {
      await client.destroy();
      throw error;
    }
    bot.#log.info({ application: client.application!.id }, 'control bot ready on Discord');
    return bot;
  }

  /** Sends `text` to a user by DM (a pushed notice); Discord refuses (50007) when they share no server with the bot or closed their DMs. */
  async notify(chatUserId: string, text: RichText): Promise<void> {
    for (const part of renderForDiscord(text)) await this.#client.users.send(chatUserId, { content: part, allowedMentions: NO_MENTIONS });
  }

  /** Stops taking interactions and waits for the answers under way. */
  async stop(): Promise<void> {
    this.#client.removeAllListeners(Events.InteractionCreate);
    await Promise.allSettled([...this.#inFlight]);
    await this.#client.destroy();
  }

  #track(work: Promise<void>): void {
    this.#inFlight.add(work);
    void work.finally(() => this.#inFlight.delete(work));
  }

  async #onInteraction(interaction: Interaction): Promise<void> {
    if (!interaction.isChatInputCommand()) return;
    const ephemeral = interaction.inGuild();
    try {
      await interaction.deferReply(ephemeral ? { flags: MessageFlags.Ephemeral } : {});
      await this.#answer(interaction, ephemeral);
    } catch (error) {
      this.#log.error({ err: error, command: interaction.commandName }, 'a control bot command failed');
      if (interaction.deferred) await interaction.editReply({ content: FAILED, allowedMentions: NO_MENTIONS }).catch(() => {});
    }
  }

  async #answer(interaction: ChatInputCommandInteraction, ephemeral: boolean): Promise<void> {
    const name = interaction.commandName;
    const reply = await this.#runner.handleParsed(
      { platform: 'discord', chatUserId: interaction.user.id, displayName: interaction.user.globalName ?? interaction.user.username },
      { name, args: argsOf(name, (option) => interaction.options.getString(option)) },
    );
    const [first, ...rest] = renderForDiscord(reply);
    await interaction.editReply({ content: first ?? '-', allowedMentions: NO_MENTIONS });
    for (const part of rest) await interaction.followUp({ content: part, allowedMentions: NO_MENTIONS, ...(ephemeral ? { flags: MessageFlags.Ephemeral } : {}) });
  }
}
