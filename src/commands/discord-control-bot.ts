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
import type { APIActionRowComponent, APIButtonComponent, ButtonInteraction, ChatInputCommandInteraction, Interaction } from 'discord.js';
import type { Logger } from 'pino';
import type { RichText } from '../forwarding/message/neutral-message.ts';
import type { CommandRunner } from './command-runner.ts';
import { pageButtons, type BotReply } from './page-nav.ts';
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
    if (interaction.isButton()) {
      await this.#onButton(interaction);
      return;
    }
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
    const parts = renderForDiscord(reply);
    // The page buttons of a list go under its last part.
    const buttons = (i: number) => (i === parts.length - 1 ? { components: pageComponents(reply) } : {});
    await interaction.editReply({ content: parts[0] ?? '-', allowedMentions: NO_MENTIONS, ...buttons(0) });
    for (const [i, part] of parts.entries()) {
      if (i === 0) continue;
      await interaction.followUp({ content: part, allowedMentions: NO_MENTIONS, ...(ephemeral ? { flags: MessageFlags.Ephemeral } : {}), ...buttons(i) });
    }
  }

  /**
   * A page button of a list: the message is updated into the page asked
   * for; a refusal (the rate, a role) comes as a message only the presser
   * sees, leaving the list as it was.
   */
  async #onButton(interaction: ButtonInteraction): Promise<void> {
    try {
      const asked = await this.#runner.handlePage({ platform: 'discord', chatUserId: interaction.user.id }, interaction.customId);
      if (asked.kind === 'refused') {
        await interaction.reply({ content: asked.text, allowedMentions: NO_MENTIONS, flags: MessageFlags.Ephemeral });
        return;
      }
      const [page] = renderForDiscord(asked.reply);
      await interaction.update({ content: page ?? '-', allowedMentions: NO_MENTIONS, components: pageComponents(asked.reply) });
    } catch (error) {
      this.#log.error({ err: error }, 'a page button failed');
      if (!interaction.replied) await interaction.reply({ content: FAILED, flags: MessageFlags.Ephemeral }).catch(() => {});
    }
  }
}

/** Discord's action row and secondary button. */
const ACTION_ROW = 1;
const BUTTON = 2;
const SECONDARY = 2;

/** A row of buttons to a list's other pages; none for a reply that is no page of one. */
function pageComponents(reply: BotReply): APIActionRowComponent<APIButtonComponent>[] {
  const buttons = reply.nav === undefined ? [] : pageButtons(reply.nav);
  if (buttons.length === 0) return [];
  return [{ type: ACTION_ROW, components: buttons.map((b) => ({ type: BUTTON, style: SECONDARY, label: b.label, custom_id: b.data })) }];
}
