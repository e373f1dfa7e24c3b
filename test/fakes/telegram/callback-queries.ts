/**
 * Callback queries: a user presses a callback button of a bot's inline
 * keyboard (the control API's pressButton), the bot is pushed
 * updateBotCallbackQuery, and answers with messages.setBotCallbackAnswer.
 *
 * Following Telegram's documentation: the update names the query, the
 * presser, the chat and the message (as the bot sees them), the button's
 * data and chat_instance, one identifier per chat; a query answered twice
 * or never sent is 400 QUERY_ID_INVALID, an answer text that is too long
 * 400 MESSAGE_TOO_LONG.
 *
 * Modelling choices:
 * - A query may be answered for `callbackQueryTtlMs` (default 15 s, about
 *   when the Bot API starts answering "query is too old"); later is
 *   QUERY_ID_INVALID. Only the bot it was sent to may answer it.
 * - An answer's text is at most 200 characters (the Bot API's limit).
 * - The update is only pushed: a bot offline when the button is pressed
 *   never sees the query (getDifference does not replay it).
 */
import { createHash, randomBytes } from 'node:crypto';
import type { BotState } from './bots.ts';
import type { FakeMessage, MessageRecord } from './model.ts';
import { fail } from './rpc-fail.ts';
import { Mentioned, peerTl } from './tl-builders.ts';
import { Api, big } from './tl-io.ts';
import type { FakeWorld } from './world.ts';
import { now } from './world.ts';

export interface FakeCallbackAnswer {
  /** The toast or alert text; null for none. */
  readonly message: string | null;
  readonly alert: boolean;
  readonly url: string | null;
  readonly cacheTime: number;
  /** When the bot answered, ms since the epoch. */
  readonly answeredAt: number;
}

export interface FakeCallbackQuery {
  /** query_id, decimal. */
  readonly queryId: string;
  readonly botId: string;
  readonly userId: string;
  /** The message whose button was pressed. */
  readonly message: FakeMessage;
  readonly data: Buffer;
  /** When the button was pressed, ms since the epoch. */
  readonly pressedAt: number;
  /** The bot's setBotCallbackAnswer; null until it answers. */
  readonly answer: FakeCallbackAnswer | null;
}

export interface CallbackQueryRecord extends FakeCallbackQuery {
  answer: FakeCallbackAnswer | null;
}

const MAX_ANSWER_TEXT = 200;

/** Which button a press means: its callback data, or its text. */
export type ButtonChoice = { data: string | Buffer } | { text: string };

function chatInstance(message: MessageRecord): string {
  const conversation = message.conversation;
  const key = conversation.kind === 'private' ? conversation.key : `${conversation.kind}:${conversation.id}`;
  return createHash('sha256').update(key).digest().readBigInt64LE(0).toString();
}

/** The callback button `choice` names on `message`; throws (a control API misuse) when there is none. */
function pressedData(message: MessageRecord, choice: ButtonChoice): Buffer {
  const wanted = 'data' in choice ? Buffer.from(choice.data) : null;
  for (const row of message.buttons) {
    for (const button of row) {
      if (button.data === null) continue;
      if (wanted !== null ? button.data.equals(wanted) : button.text === (choice as { text: string }).text) return button.data;
    }
  }
  throw new Error(`message ${message.id} has no callback button ${JSON.stringify('data' in choice ? String(choice.data) : choice.text)}`);
}

/** `userId` presses a button of a bot's message: the query kept on the bot, and the update for the bot. */
export function press(world: FakeWorld, userId: string, message: MessageRecord, choice: ButtonChoice): { query: CallbackQueryRecord; update: Api.Updates } {
  if (world.viewId(userId, message) === undefined) throw new Error(`${userId} does not see message ${message.id}`);
  const bot = world.user(message.fromId);
  if (bot.bot === null) throw new Error(`message ${message.id} is not a bot's`);
  const msgId = world.viewId(bot.id, message);
  if (msgId === undefined) throw new Error(`the bot no longer has message ${message.id}`);
  const data = pressedData(message, choice);
  const query: CallbackQueryRecord = {
    queryId: randomBytes(8).readBigInt64LE(0).toString(), botId: bot.id, userId, message, data, pressedAt: Date.now(), answer: null,
  };
  bot.bot.queries.set(query.queryId, query);
  const update = new Api.UpdateBotCallbackQuery({
    queryId: big(query.queryId), userId: big(userId), peer: peerTl(message.conversation, bot.id), msgId,
    chatInstance: big(chatInstance(message)), data,
  });
  const mentioned = new Mentioned(world, bot.id).user(userId).conversation(message.conversation);
  return { query, update: new Api.Updates({ updates: [update], users: mentioned.users(), chats: mentioned.chats(), date: now(), seq: 0 }) };
}

/** messages.setBotCallbackAnswer by the bot holding `bot`. */
export function answer(bot: BotState, request: Api.messages.SetBotCallbackAnswer, ttlMs: number): void {
  const query = bot.queries.get(request.queryId.toString());
  if (query === undefined || query.answer !== null || Date.now() - query.pressedAt > ttlMs) fail(400, 'QUERY_ID_INVALID');
  // Absent optional fields parse as null, whatever gramjs's types say.
  const message = request.message ?? null;
  if (message !== null && [...message].length > MAX_ANSWER_TEXT) fail(400, 'MESSAGE_TOO_LONG');
  const url = request.url ?? null;
  if (url !== null && !/^(https?|tg):\/\/\S+$/i.test(url)) fail(400, 'URL_INVALID');
  query.answer = { message, alert: request.alert === true, url, cacheTime: request.cacheTime, answeredAt: Date.now() };
}
