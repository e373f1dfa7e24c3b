/**
 * The control bot on Telegram: a bot account logged in with its token over
 * MTProto (gramjs's bot login, the same client the sessions use), reading
 * the commands people write to it and answering through the
 * platform-neutral CommandRunner, rendered as Telegram text with entities.
 *
 * - It answers in private chats only: a reply is about the caller's
 *   account, and a group would show it to everyone. A command addressed to
 *   it in a group gets a pointer to the private chat instead of silence.
 * - Replies and notices go to `InputPeerUser(id, access_hash 0)`: Telegram
 *   lets a bot write to a user who wrote to it with no hash, and a user's
 *   message reaches a bot as `updateShortMessage`, which names no user for
 *   gramjs to cache (its `respond()` would look there and fail).
 * - A message holding a password (`/password`, or the plain message a
 *   login waits for) is deleted for both sides before it is used, so the
 *   chat never keeps it.
 * - The command menu is the catalogue's (telegram-bot-commands.ts), set at
 *   every start, so a removed command disappears from it too.
 * One process runs it (the `bot` process): Telegram hands each update to
 * one connection of the bot, and two processes would split them.
 */
import bigInt from 'big-integer';
import type { Logger } from 'pino';
import { Api, TelegramClient } from 'telegram';
import type { StringSession } from 'telegram/sessions/index.js';
import { CallbackQuery, type CallbackQueryEvent } from 'telegram/events/CallbackQuery.js';
import { NewMessage, type NewMessageEvent } from 'telegram/events/index.js';
import { Logger as GramLogger, LogLevel } from 'telegram/extensions/Logger.js';
import { toGramjsEntities } from '../forwarding/format/gramjs-entities.ts';
import type { RichText } from '../forwarding/message/neutral-message.ts';
import { connectionClass, openSession, trustServerKeys } from '../telegram/gramjs-connection.ts';
import type { TelegramEndpoint } from '../telegram/telegram-endpoint.ts';
import type { BotSessionStore, BotUpdateState } from './bot-session-store.ts';
import type { CommandRunner } from './command-runner.ts';
import { parseCommand } from './command-text.ts';
import { pageButtons, type BotReply } from './page-nav.ts';
import { ReplyText, renderForTelegram } from './reply-text.ts';
import { COMMANDS } from './command-catalogue.ts';
import { telegramBotCommands } from './telegram-bot-commands.ts';

export interface TelegramControlBotOptions {
  /** The bot's token from @BotFather. */
  token: string;
  /** Where to connect and as which application (the API id and hash the sessions use). */
  endpoint: TelegramEndpoint;
  runner: CommandRunner;
  logger: Logger;
  /**
   * Keeps the bot's session between starts, so a restart resumes it
   * instead of logging in again. Default: none, a login at every start.
   */
  sessions?: Pick<BotSessionStore, 'load' | 'save'> & Partial<Pick<BotSessionStore, 'loadState' | 'saveState'>>;
  /**
   * A FLOOD_WAIT up to this many seconds is slept through by gramjs before
   * the reply goes out; a longer one drops the reply (logged). Default 10.
   */
  floodSleepSeconds?: number;
}

/** A person's message to the bot, live (a NewMessage event) or caught up after a restart (updates.getDifference). */
interface Incoming {
  /** The chat's id, which orders its messages. */
  chatKey: string;
  isPrivate: boolean;
  message: Api.Message;
}

/** Messages remembered as answered, against one coming both live and in a catch-up. */
const SEEN_KEPT = 1_000;
/** How long after the last answer the update state is saved, ms: one write for a burst. */
const CHECKPOINT_DELAY_MS = 1_000;

const FAILED = new ReplyText().plain('Something went wrong on our side; try again in a minute.').build();
/** Telegram's longest callback answer (an alert by the button). */
const MAX_ANSWER = 200;

export class TelegramControlBot {
  readonly #client: TelegramClient;
  readonly #runner: CommandRunner;
  readonly #log: Logger;
  readonly #username: string;
  readonly #inFlight = new Set<Promise<void>>();
  /** Per chat, the answer under way, for the next message of the chat to wait for. */
  readonly #turns = new Map<string, Promise<void>>();
  #sessions: TelegramControlBotOptions['sessions'] | null = null;
  #checkpointTimer: NodeJS.Timeout | null = null;
  /** The latest messages answered (chat and id), oldest first. */
  readonly #seen = new Set<string>();
  /** Chats whose own menu is set, by whether it is an administrator's (true) or was dropped (false). */
  readonly #adminMenus = new Map<string, boolean>();
  #stopping = false;

  private constructor(client: TelegramClient, runner: CommandRunner, logger: Logger, username: string) {
    this.#client = client;
    this.#runner = runner;
    this.#log = logger;
    this.#username = username;
  }

  /** Logs the bot in, sets its command menu and starts answering. */
  static async start(o: TelegramControlBotOptions): Promise<TelegramControlBot> {
    trustServerKeys(o.endpoint);
    const saved = (await o.sessions?.load()) ?? '';
    const client = new TelegramClient(openSession(o.endpoint, saved), o.endpoint.apiId, o.endpoint.apiHash, {
      connection: connectionClass(o.endpoint),
      floodSleepThreshold: o.floodSleepSeconds ?? 10,
      baseLogger: new GramLogger(LogLevel.NONE),
    });
    let username: string;
    try {
      // With a saved session that still holds, gramjs's start checks it (getMe) and does not log in again.
      await client.start({ botAuthToken: o.token });
      await o.sessions?.save((client.session as StringSession).save());
      const me = await client.getMe();
      username = me.username ?? '';
      await client.invoke(new Api.bots.SetBotCommands({
        scope: new Api.BotCommandScopeDefault(),
        langCode: '',
        commands: telegramBotCommands().map((c) => new Api.BotCommand(c)),
      }));
    } catch (error) {
      await client.destroy().catch(() => {});
      throw error;
    }
    const log = o.logger.child({ component: 'control-bot', platform: 'telegram' });
    const bot = new TelegramControlBot(client, o.runner, log, username);
    client.addEventHandler((event: NewMessageEvent) => bot.#track(bot.#inTurn({
      chatKey: event.chatId?.toString() ?? '', isPrivate: event.isPrivate === true, message: event.message,
    })), new NewMessage({ incoming: true }));
    client.addEventHandler((event: CallbackQueryEvent) => bot.#track(bot.#onButton(event)), new CallbackQuery({}));
    bot.#sessions = o.sessions ?? null;
    const state = await o.sessions?.loadState?.().catch(() => null);
    if (state !== null && state !== undefined) await bot.#catchUp(state);
    bot.#scheduleCheckpoint(0);
    log.info({ username }, 'control bot ready on Telegram');
    return bot;
  }

  /** The bot's @username, without the @. */
  get username(): string {
    return this.#username;
  }

  /**
   * Sends `text` to a user in their private chat with the bot (a pushed
   * notice). Telegram refuses a user who never wrote to the bot
   * (PEER_ID_INVALID) or blocked it (USER_IS_BLOCKED).
   */
  async notify(chatUserId: string, text: RichText): Promise<void> {
    await this.#send(chatUserId, text);
  }

  /** Stops reading commands and waits for the answers under way. */
  async stop(): Promise<void> {
    this.#stopping = true;
    await Promise.allSettled([...this.#inFlight]);
    if (this.#checkpointTimer !== null) clearTimeout(this.#checkpointTimer);
    await this.#checkpoint();
    await this.#client.destroy().catch(() => {});
  }

  /**
   * One chat's messages are answered one after another, in the order they
   * came: `/link CODE` then `/plan` must see the link. Other chats go on
   * meanwhile.
   */
  #inTurn(incoming: Incoming): Promise<void> {
    const key = incoming.chatKey;
    // A message sent while the bot was connecting may come both live and in the catch-up: answered once.
    const id = `${key}:${incoming.message.id}`;
    if (this.#seen.has(id)) return Promise.resolve();
    this.#seen.add(id);
    if (this.#seen.size > SEEN_KEPT) this.#seen.delete(this.#seen.values().next().value!);
    const turn = (this.#turns.get(key) ?? Promise.resolve()).then(() => this.#onMessage(incoming));
    this.#turns.set(key, turn);
    void turn.finally(() => {
      if (this.#turns.get(key) === turn) this.#turns.delete(key);
      this.#scheduleCheckpoint(CHECKPOINT_DELAY_MS);
    });
    return turn;
  }

  /**
   * Answers what people wrote while the bot was down: the difference since
   * the update state saved last (updates.getDifference, slice by slice),
   * oldest first, through the same turns as live messages.
   */
  async #catchUp(state: BotUpdateState): Promise<void> {
    let from = state;
    for (;;) {
      let diff: Api.updates.TypeDifference;
      try {
        diff = await this.#client.invoke(new Api.updates.GetDifference({ pts: from.pts, qts: from.qts, date: from.date }));
      } catch (err) {
        this.#log.warn({ err }, 'could not read what came while the bot was down');
        return;
      }
      if (diff instanceof Api.updates.DifferenceEmpty || diff instanceof Api.updates.DifferenceTooLong) return;
      for (const m of diff.newMessages) {
        if (!(m instanceof Api.Message) || m.out || !(m.peerId instanceof Api.PeerUser)) continue;
        this.#track(this.#inTurn({ chatKey: m.peerId.userId.toString(), isPrivate: true, message: m }));
      }
      if (diff instanceof Api.updates.Difference) return;
      from = { pts: diff.intermediateState.pts, qts: diff.intermediateState.qts, date: diff.intermediateState.date };
    }
  }

  /** Saves the update state once no answer is under way (so it is never ahead of an unanswered message). */
  #scheduleCheckpoint(delayMs: number): void {
    if (this.#sessions?.saveState === undefined || this.#stopping || this.#checkpointTimer !== null) return;
    this.#checkpointTimer = setTimeout(() => {
      this.#checkpointTimer = null;
      if (this.#turns.size > 0) return;
      void this.#checkpoint();
    }, delayMs);
    this.#checkpointTimer.unref();
  }

  async #checkpoint(): Promise<void> {
    if (this.#sessions?.saveState === undefined || this.#turns.size > 0) return;
    try {
      const s = await this.#client.invoke(new Api.updates.GetState());
      await this.#sessions.saveState({ pts: s.pts, qts: s.qts, date: s.date });
    } catch (err) {
      this.#log.warn({ err }, 'could not save the bot\'s update state');
    }
  }

  #track(work: Promise<void>): void {
    this.#inFlight.add(work);
    void work.finally(() => this.#inFlight.delete(work));
  }

  async #onMessage(incoming: Incoming): Promise<void> {
    if (this.#stopping) return;
    const { message } = incoming;
    const text = message.message ?? '';
    const senderId = message.senderId?.toString();
    if (senderId === undefined || text === '') return;
    if (!incoming.isPrivate) {
      await this.#pointToPrivateChat(message, text);
      return;
    }
    const identity = { platform: 'telegram' as const, chatUserId: senderId };
    let reply: RichText | null;
    try {
      reply = await this.#runner.handle(identity, text, this.#username, () => this.#forget(message.id));
    } catch (error) {
      this.#log.error({ err: error }, 'a control bot command failed');
      reply = FAILED;
    }
    if (reply === null) return;
    await this.#send(senderId, reply).catch((err: unknown) => this.#log.warn({ err }, 'could not answer a command'));
    await this.#menuFor(identity).catch((err: unknown) => this.#log.warn({ err }, 'could not set a chat\'s command menu'));
  }

  /**
   * An administrator's chat shows the admin commands in its menu too (a
   * menu for that chat alone, BotCommandScopePeer); once someone is no
   * longer one, their chat's own menu is dropped and the default shows.
   * Checked after each answer, so a role changed in the API shows by the
   * next message; set once per chat and role while the bot runs.
   */
  async #menuFor(identity: { platform: 'telegram'; chatUserId: string }): Promise<void> {
    const admin = await this.#runner.isAdmin(identity);
    if (this.#adminMenus.get(identity.chatUserId) === admin) return;
    const scope = new Api.BotCommandScopePeer({ peer: userPeer(identity.chatUserId) });
    if (admin) {
      await this.#client.invoke(new Api.bots.SetBotCommands({ scope, langCode: '', commands: telegramBotCommands(COMMANDS, { admin: true }).map((c) => new Api.BotCommand(c)) }));
    } else {
      await this.#client.invoke(new Api.bots.ResetBotCommands({ scope, langCode: '' }));
    }
    this.#adminMenus.set(identity.chatUserId, admin);
  }

  /** A command for this bot in a group: where to ask instead. Anything else there is not for it. */
  async #pointToPrivateChat(message: Api.Message, text: string): Promise<void> {
    if (parseCommand(text, this.#username).kind !== 'command') return;
    const pointer = `I answer about your account in a private chat only: write to me at @${this.#username}.`;
    await this.#client.sendMessage(message.peerId, { message: pointer, replyTo: message.id, linkPreview: false })
      .catch((err: unknown) => this.#log.warn({ err }, 'could not answer in a group'));
  }

  /**
   * A page button of a list: the message is edited into the page asked
   * for, and the press answered (Telegram shows a spinner until it is); a
   * refusal (the rate, a role) is answered as an alert by the button,
   * leaving the list as it was.
   */
  async #onButton(event: CallbackQueryEvent): Promise<void> {
    if (this.#stopping) return;
    const { query } = event;
    const chatUserId = query.userId.toString();
    // Buttons of inline-mode messages carry no message id here; the bot sends none.
    if (!(query instanceof Api.UpdateBotCallbackQuery)) return;
    try {
      const asked = await this.#runner.handlePage({ platform: 'telegram', chatUserId }, Buffer.from(query.data ?? []).toString('utf8'));
      if (asked.kind === 'refused') {
        await event.answer({ message: asked.text.slice(0, MAX_ANSWER), alert: true });
        return;
      }
      const [page] = renderForTelegram(asked.reply);
      await this.#client.invoke(new Api.messages.EditMessage({
        peer: userPeer(chatUserId), id: query.msgId, message: page!.text, entities: toGramjsEntities(page!.entities), noWebpage: true,
        replyMarkup: pageMarkup(asked.reply),
      }));
      await event.answer();
    } catch (error) {
      this.#log.warn({ err: error }, 'a page button failed');
      await event.answer({ message: FAILED.text, alert: true }).catch(() => {});
    }
  }

  /** Deletes a message holding a password from the private chat, for both sides, before it is used. */
  async #forget(messageId: number): Promise<void> {
    await this.#client.invoke(new Api.messages.DeleteMessages({ id: [messageId], revoke: true }))
      .catch((err: unknown) => this.#log.warn({ err }, 'could not delete a message holding a password'));
  }

  /** Sends `text` in parts; the page buttons of a list go under the last. */
  async #send(chatUserId: string, text: BotReply): Promise<void> {
    const parts = renderForTelegram(text);
    const markup = pageMarkup(text);
    for (const [i, part] of parts.entries()) {
      await this.#client.sendMessage(userPeer(chatUserId), {
        message: part.text, formattingEntities: toGramjsEntities(part.entities), linkPreview: false,
        ...(markup !== undefined && i === parts.length - 1 ? { buttons: markup } : {}),
      });
    }
  }
}

/** A user who wrote to the bot, with no access hash (Telegram lets a bot write back so). */
function userPeer(chatUserId: string): Api.InputPeerUser {
  return new Api.InputPeerUser({ userId: bigInt(chatUserId), accessHash: bigInt.zero });
}

/** The inline buttons to a list's other pages; undefined for a reply that is no page of one. */
function pageMarkup(reply: BotReply): Api.ReplyInlineMarkup | undefined {
  const buttons = reply.nav === undefined ? [] : pageButtons(reply.nav);
  if (buttons.length === 0) return undefined;
  return new Api.ReplyInlineMarkup({
    rows: [new Api.KeyboardButtonRow({ buttons: buttons.map((b) => new Api.KeyboardButtonCallback({ text: b.label, data: Buffer.from(b.data) })) })],
  });
}
