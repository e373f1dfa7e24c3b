/**
 * Bot accounts of the Telegram fake against the real, unmodified gramjs
 * client: logging in with a token (client.start({ botAuthToken })) and the
 * token errors, a person's message reaching the bot's NewMessage handler
 * and the bot's answer, who a bot may write to (PEER_ID_INVALID,
 * USER_IS_BLOCKED, USER_IS_BOT), inline keyboards and their errors,
 * button presses as CallbackQuery events and their answers, paging by
 * editing a message, the bot deleting a person's message, command lists,
 * methods bots may not call, and the send pacing of bots.
 */
import assert from 'node:assert/strict';
import bigInt from 'big-integer';
import { Api } from 'telegram';
import type { TelegramClient } from 'telegram';
import { FloodWaitError } from 'telegram/errors/index.js';
import { CallbackQuery } from 'telegram/events/CallbackQuery.js';
import type { CallbackQueryEvent } from 'telegram/events/CallbackQuery.js';
import { NewMessage } from 'telegram/events/index.js';
import type { NewMessageEvent } from 'telegram/events/index.js';
import { Button } from 'telegram/tl/custom/button.js';
import { TELEGRAM_FLOOD_LIMITS, TelegramFake } from '../../fakes/telegram/telegram-fake.ts';
import type { FakeBot, FakeUser, TelegramFakeOptions } from '../../fakes/telegram/telegram-fake.ts';
import { API_HASH, API_ID, inputUser, loggedInClient, newClient, recordUpdates, rpcError, sendText, sleep, waitFor } from './telegram-test-kit.ts';

describe('Telegram fake bot accounts (with the real gramjs client)', function () {
  this.timeout(20_000);
  let fake: TelegramFake;
  let alice: FakeUser;
  let bob: FakeUser;
  let bot: FakeBot;
  const clients: TelegramClient[] = [];

  async function world(options: TelegramFakeOptions = {}): Promise<void> {
    fake = await TelegramFake.start({ floodLimits: false, ...options });
    alice = fake.createUser({ phone: '+15550004001', firstName: 'Alice' });
    bob = fake.createUser({ phone: '+15550004002', firstName: 'Bob' });
    bot = fake.createBot({ username: 'Switchboard_bot', firstName: 'Switchboard' });
  }

  /** A gramjs client logged in as the bot through client.start, as a product would. */
  async function botClient(token = bot.token): Promise<TelegramClient> {
    const client = await newClient(fake);
    clients.push(client);
    await client.start({ botAuthToken: token });
    return client;
  }

  async function personClient(user: FakeUser): Promise<TelegramClient> {
    const { client } = await loggedInClient(fake, user.phone);
    clients.push(client);
    return client;
  }

  const importBot = (client: TelegramClient, botAuthToken: string, apiId = API_ID) =>
    client.invoke(new Api.auth.ImportBotAuthorization({ flags: 0, apiId, apiHash: API_HASH, botAuthToken }));
  const inline = (...rows: Api.TypeKeyboardButton[][]) => new Api.ReplyInlineMarkup({ rows: rows.map((buttons) => new Api.KeyboardButtonRow({ buttons })) });
  const callback = (text: string, data: string | Buffer) => new Api.KeyboardButtonCallback({ text, data: Buffer.from(data) });
  const commands = (...list: Array<[string, string]>) => list.map(([command, description]) => new Api.BotCommand({ command, description }));
  const setCommands = (client: TelegramClient, list: Api.BotCommand[], langCode = '') =>
    client.invoke(new Api.bots.SetBotCommands({ scope: new Api.BotCommandScopeDefault(), langCode, commands: list }));

  beforeEach(async () => {
    await world();
  });

  afterEach(async () => {
    for (const c of clients.splice(0)) await c.destroy();
    await fake.close();
  });

  it('logs a bot in with client.start({ botAuthToken }) and signInBot; getMe and getFullUser show a bot', async () => {
    assert.match(bot.token, new RegExp(`^${bot.id}:[A-Za-z0-9_-]{35}$`));
    assert.equal(bot.phone, '');
    assert.throws(() => fake.createBot({ username: 'switchboard', firstName: 'X' }), /ending in "bot"/);
    assert.throws(() => fake.createBot({ username: 'switchboard_BOT', firstName: 'X' }), /taken/);
    const client = await botClient();
    const me = await client.getMe();
    assert.equal(me.id.toString(), bot.id);
    assert.equal(me.bot, true);
    assert.equal(me.self, true);
    assert.equal(me.username, 'Switchboard_bot');
    assert.equal(typeof me.botInfoVersion, 'number');
    assert.equal(me.phone ?? null, null);
    assert.equal(await client.isBot(), true);
    const full = await client.invoke(new Api.users.GetFullUser({ id: new Api.InputUserSelf() }));
    assert.ok(full.fullUser.botInfo instanceof Api.BotInfo);
    assert.equal(fake.stats().calls['auth.importBotAuthorization'], 1);
    assert.deepEqual(fake.stats().connectionsByUser, { [bot.id]: 1 });
    const other = await newClient(fake);
    clients.push(other);
    const user = await other.signInBot({ apiId: API_ID, apiHash: API_HASH }, { botAuthToken: bot.token });
    assert.equal(user.id.toString(), bot.id);
  });

  it('token errors: ACCESS_TOKEN_INVALID (malformed, never issued), ACCESS_TOKEN_EXPIRED (revoked, its sessions logged out), API_ID_INVALID', async () => {
    const client = await newClient(fake);
    clients.push(client);
    assert.equal(await rpcError(importBot(client, 'not-a-token')), '400 ACCESS_TOKEN_INVALID');
    assert.equal(await rpcError(importBot(client, `${bot.id}:${'A'.repeat(35)}`)), '400 ACCESS_TOKEN_INVALID');
    assert.equal(await rpcError(importBot(client, `${alice.id}:${bot.token.split(':')[1]}`)), '400 ACCESS_TOKEN_INVALID');
    assert.equal(await rpcError(importBot(client, bot.token, 0)), '400 API_ID_INVALID');
    const running = await botClient();
    const fresh = fake.revokeBotToken(bot);
    assert.notEqual(fresh, bot.token);
    assert.equal(await rpcError(running.getMe()), '401 AUTH_KEY_UNREGISTERED');
    const late = await newClient(fake);
    clients.push(late);
    assert.equal(await rpcError(late.start({ botAuthToken: bot.token })), '400 ACCESS_TOKEN_EXPIRED');
    assert.equal((await (await botClient(fresh)).getMe()).id.toString(), bot.id);
  });

  it("a person's message reaches the bot's NewMessage handler (peer: the person, incoming); the bot answers", async () => {
    const client = await botClient();
    const seen: NewMessageEvent[] = [];
    client.addEventHandler(async (event: NewMessageEvent) => {
      seen.push(event);
      // The person came in an updateShortMessage, which names no users: gramjs resolves the peer with users.getUsers and
      // access_hash 0, which works for users who wrote to the bot (event.message.respond() only looks in gramjs's cache).
      await client.sendMessage(event.message.peerId, { message: `You said: ${event.message.message}` });
    }, new NewMessage({ incoming: true }));
    const aliceClient = await personClient(alice);
    const aliceSaw = recordUpdates(aliceClient);
    const sent = fake.sendAsUser(alice.id, bot, { text: '/start' });
    await waitFor('the bot to answer', () => fake.botMessages(bot, alice.id).length === 1);
    const message = seen[0]!.message;
    assert.equal(message.message, '/start');
    assert.equal(message.out, false);
    assert.ok(message.peerId instanceof Api.PeerUser && message.peerId.userId.toString() === alice.id);
    assert.equal(message.senderId?.toString(), alice.id);
    assert.equal(message.id, sent.ids[bot.id]);
    const [answer] = fake.botMessages(bot, alice.id);
    assert.equal(answer!.text, 'You said: /start');
    assert.deepEqual(answer!.buttons, []);
    const isAnswer = (u: unknown): u is Api.UpdateShortMessage => u instanceof Api.UpdateShortMessage && u.message === 'You said: /start';
    await waitFor('alice to be pushed the answer', () => aliceSaw.some(isAnswer));
    const short = aliceSaw.find(isAnswer)!;
    assert.equal(short.userId.toString(), bot.id);
    assert.equal(short.out, false);
    assert.deepEqual(fake.messages(bot, alice.id).map((m) => m.text), ['/start', 'You said: /start']);
  });

  it('a bot cannot write first (PEER_ID_INVALID), nor to a person who blocked it (USER_IS_BLOCKED), nor to a bot (USER_IS_BOT)', async () => {
    const client = await botClient();
    assert.equal(await rpcError(sendText(client, inputUser(bob), 'hello?')), '400 PEER_ID_INVALID');
    const unknown = await client.invoke(new Api.users.GetUsers({ id: [new Api.InputUser({ userId: bigInt(bob.id), accessHash: bigInt.zero })] }));
    assert.equal(unknown.length, 0);
    assert.equal(await rpcError(client.invoke(new Api.messages.SetTyping({ peer: inputUser(bob), action: new Api.SendMessageTypingAction() }))), '400 PEER_ID_INVALID');
    fake.sendAsUser(bob.id, bot, { text: '/start' });
    await sendText(client, inputUser(bob), 'hello!');
    assert.equal(await client.invoke(new Api.messages.SetTyping({ peer: inputUser(bob), action: new Api.SendMessageTypingAction() })), true);
    fake.blockBot(bob.id, bot);
    assert.equal(await rpcError(sendText(client, inputUser(bob), 'still there?')), '403 USER_IS_BLOCKED');
    fake.blockBot(bob.id, bot, false);
    await sendText(client, inputUser(bob), 'welcome back');
    assert.deepEqual(fake.botMessages(bot, bob.id).map((m) => m.text), ['hello!', 'welcome back']);
    const other = fake.createBot({ username: 'other_bot', firstName: 'Other' });
    assert.equal(await rpcError(sendText(client, inputUser(other), 'hi bot')), '400 USER_IS_BOT');
  });

  it('inline keyboard: kept on the message and pushed to the person; a press is a CallbackQuery event; event.answer() is recorded; a second answer is QUERY_ID_INVALID', async () => {
    const client = await botClient();
    const presses: CallbackQueryEvent[] = [];
    client.addEventHandler(async (event: CallbackQueryEvent) => {
      presses.push(event);
      await event.answer({ message: 'Opening page 2' });
    }, new CallbackQuery({}));
    const aliceClient = await personClient(alice);
    const aliceSaw = recordUpdates(aliceClient);
    fake.sendAsUser(alice.id, bot, { text: '/menu' });
    await client.sendMessage(inputUser(alice), {
      message: 'Menu', buttons: [[Button.inline('Page 2', Buffer.from('page:2'))], [Button.url('Docs', 'https://example.com/docs')]],
    });
    const [menu] = fake.botMessages(bot, alice.id);
    assert.deepEqual(menu!.buttons, [
      [{ type: 'keyboardButtonCallback', text: 'Page 2', data: Buffer.from('page:2'), url: null }],
      [{ type: 'keyboardButtonUrl', text: 'Docs', data: null, url: 'https://example.com/docs' }],
    ]);
    // A message with reply markup cannot travel as updateShortMessage.
    await waitFor('alice to be pushed the menu', () => aliceSaw.some((u) => u instanceof Api.UpdateNewMessage));
    const pushed = aliceSaw.find((u) => u instanceof Api.UpdateNewMessage) as Api.UpdateNewMessage;
    assert.ok((pushed.message as Api.Message).replyMarkup instanceof Api.ReplyInlineMarkup);

    const query = fake.pressButton(alice.id, menu!, { text: 'Page 2' });
    await waitFor('the bot to answer the press', () => fake.callbackQueries(bot)[0]?.answer != null);
    const event = presses[0]!;
    assert.equal(Buffer.from(event.data!).toString(), 'page:2');
    assert.equal(event.query.userId.toString(), alice.id);
    assert.equal(event.messageId, menu!.ids[bot.id]);
    assert.ok(event.query instanceof Api.UpdateBotCallbackQuery);
    assert.ok(event.query.peer instanceof Api.PeerUser && event.query.peer.userId.toString() === alice.id);
    assert.equal(event.query.queryId.toString(), query.queryId);
    assert.deepEqual({ ...query.answer!, answeredAt: 0 }, { message: 'Opening page 2', alert: false, url: null, cacheTime: 0, answeredAt: 0 });
    const again = new Api.messages.SetBotCallbackAnswer({ queryId: event.query.queryId, cacheTime: 0, message: 'again' });
    assert.equal(await rpcError(client.invoke(again)), '400 QUERY_ID_INVALID');
    assert.equal(await rpcError(client.invoke(new Api.messages.SetBotCallbackAnswer({ queryId: bigInt(42), cacheTime: 0 }))), '400 QUERY_ID_INVALID');
    assert.equal(await rpcError(aliceClient.invoke(again)), '400 USER_BOT_REQUIRED');
    assert.throws(() => fake.pressButton(alice.id, menu!, { data: 'page:9' }), /no callback button/);
    assert.throws(() => fake.pressButton(bob.id, menu!, { text: 'Page 2' }), /does not see/);
  });

  it('a callback query answered after callbackQueryTtlMs is QUERY_ID_INVALID', async () => {
    await fake.close();
    await world({ callbackQueryTtlMs: 100 });
    const client = await botClient();
    const presses: CallbackQueryEvent[] = [];
    client.addEventHandler((event: CallbackQueryEvent) => {
      presses.push(event);
    }, new CallbackQuery({}));
    fake.sendAsUser(alice.id, bot, { text: '/menu' });
    await sendText(client, inputUser(alice), 'Menu', { replyMarkup: inline([callback('Go', 'go')]) });
    fake.pressButton(alice.id, fake.botMessages(bot, alice.id)[0]!, { data: 'go' });
    await waitFor('the press', () => presses.length === 1);
    await sleep(150);
    assert.equal(await rpcError(presses[0]!.answer()), '400 QUERY_ID_INVALID');
    assert.equal(fake.callbackQueries(bot)[0]!.answer, null);
  });

  it('keyboard errors: BUTTON_DATA_INVALID (65 bytes), REPLY_MARKUP_TOO_LONG (101 buttons), BUTTON_TYPE_INVALID, BUTTON_URL_INVALID; a person\'s markup is dropped', async () => {
    const client = await botClient();
    fake.sendAsUser(alice.id, bot, { text: '/start' });
    const send = (text: string, replyMarkup: Api.TypeReplyMarkup) => sendText(client, inputUser(alice), text, { replyMarkup });
    await send('64 bytes', inline([callback('ok', Buffer.alloc(64, 1))]));
    assert.equal(await rpcError(send('65 bytes', inline([callback('too long', Buffer.alloc(65, 1))]))), '400 BUTTON_DATA_INVALID');
    const row = (n: number, from: number) => Array.from({ length: n }, (_, i) => callback(`b${from + i}`, `d${from + i}`));
    const rows = (total: number) => Array.from({ length: Math.ceil(total / 8) }, (_, r) => row(Math.min(8, total - r * 8), r * 8));
    await send('100 buttons', inline(...rows(100)));
    assert.equal(await rpcError(send('101 buttons', inline(...rows(101)))), '400 REPLY_MARKUP_TOO_LONG');
    assert.equal(await rpcError(send('plain button', inline([new Api.KeyboardButton({ text: 'reply' })]))), '400 BUTTON_TYPE_INVALID');
    assert.equal(await rpcError(send('bad url', inline([new Api.KeyboardButtonUrl({ text: 'x', url: 'not a url' })]))), '400 BUTTON_URL_INVALID');
    assert.deepEqual(fake.botMessages(bot, alice.id).map((m) => m.text), ['64 bytes', '100 buttons']);
    assert.equal(fake.botMessages(bot, alice.id)[1]!.buttons.flat().length, 100);
    const aliceClient = await personClient(alice);
    await sendText(aliceClient, inputUser(bot), 'with buttons', { replyMarkup: inline([callback('x', 'x')]) });
    const mine = fake.messages(bot, alice.id).at(-1)!;
    assert.equal(mine.text, 'with buttons');
    assert.equal(mine.replyMarkup, null);
  });

  it('pages by editing: event.edit with a new page and keyboard pushes updateEditMessage; an edit without buttons drops the keyboard; an unchanged edit is MESSAGE_NOT_MODIFIED', async () => {
    const client = await botClient();
    client.addEventHandler(async (event: CallbackQueryEvent) => {
      const page = Buffer.from(event.data!).toString().split(':')[1];
      await event.edit({ message: event.messageId, text: `Page ${page}`, buttons: [[Button.inline('Page 1', Buffer.from('page:1'))]] });
    }, new CallbackQuery({}));
    const aliceClient = await personClient(alice);
    const aliceSaw = recordUpdates(aliceClient);
    fake.sendAsUser(alice.id, bot, { text: '/list' });
    const first = await client.sendMessage(inputUser(alice), { message: 'Page 1', buttons: [[Button.inline('Page 2', Buffer.from('page:2'))]] });
    const listing = fake.botMessages(bot, alice.id)[0]!;
    const query = fake.pressButton(alice.id, listing, { data: 'page:2' });
    await waitFor('the edit and the answer', () => query.answer !== null);
    assert.equal(listing.text, 'Page 2');
    assert.notEqual(listing.editDate, null);
    assert.deepEqual(listing.buttons.flat().map((b) => b.text), ['Page 1']);
    await waitFor('alice to be pushed the edit', () => aliceSaw.some((u) => u instanceof Api.UpdateEditMessage));
    const edit = aliceSaw.find((u) => u instanceof Api.UpdateEditMessage) as Api.UpdateEditMessage;
    const edited = edit.message as Api.Message;
    assert.equal(edited.message, 'Page 2');
    assert.equal(edited.id, listing.ids[alice.id]);
    assert.equal(((edited.replyMarkup as Api.ReplyInlineMarkup).rows[0]!.buttons[0] as Api.KeyboardButtonCallback).text, 'Page 1');
    const same = () => client.editMessage(inputUser(alice), { message: first.id, text: 'Page 2', buttons: [[Button.inline('Page 1', Buffer.from('page:1'))]] });
    assert.equal(await rpcError(same()), '400 MESSAGE_NOT_MODIFIED');
    await client.editMessage(inputUser(alice), { message: first.id, text: 'Page 2', buttons: [[Button.inline('Back', Buffer.from('page:1'))]] });
    assert.deepEqual(listing.buttons.flat().map((b) => b.text), ['Back']);
    await client.editMessage(inputUser(alice), { message: first.id, text: 'Done' });
    assert.equal(listing.text, 'Done');
    assert.deepEqual(listing.buttons, []);
    assert.equal(listing.replyMarkup, null);
  });

  it("the bot deletes a person's message (a password) as soon as it reads it: gone from both boxes, the person is pushed the deletion", async () => {
    const client = await botClient();
    client.addEventHandler(async (event: NewMessageEvent) => {
      if (event.message.message.startsWith('password ')) await client.deleteMessages(event.message.peerId, [event.message.id], { revoke: true });
    }, new NewMessage({ incoming: true }));
    const aliceClient = await personClient(alice);
    const aliceSaw = recordUpdates(aliceClient);
    await sendText(aliceClient, inputUser(bot), 'hello');
    await sendText(aliceClient, inputUser(bot), 'password hunter2');
    const secret = fake.messages(bot, alice.id).find((m) => m.text === 'password hunter2')!;
    await waitFor('the deletion', () => secret.deleted);
    assert.equal(secret.holders.size, 0);
    assert.deepEqual(fake.messages(bot, alice.id).map((m) => m.text), ['hello']);
    assert.deepEqual(fake.messages(alice.id, bot.id).map((m) => m.text), ['hello']);
    await waitFor('alice to be pushed the deletion', () => aliceSaw.some((u) => u instanceof Api.UpdateDeleteMessages));
    const deletion = aliceSaw.find((u) => u instanceof Api.UpdateDeleteMessages) as Api.UpdateDeleteMessages;
    assert.deepEqual(deletion.messages, [secret.ids[alice.id]]);
  });

  it('setBotCommands: stored per language, read back by getBotCommands and getFullUser; Telegram\'s validation errors; USER_BOT_REQUIRED for people', async () => {
    const client = await botClient();
    const version = (await client.getMe()).botInfoVersion!;
    assert.equal(await setCommands(client, commands(['start', 'Start here'], ['link_account', 'Link an account'])), true);
    assert.deepEqual(fake.botCommands(bot), [{ command: 'start', description: 'Start here' }, { command: 'link_account', description: 'Link an account' }]);
    assert.ok((await client.getMe()).botInfoVersion! > version);
    await setCommands(client, commands(['start', 'Los geht\'s']), 'de');
    assert.deepEqual(fake.botCommands(bot, { langCode: 'de' }), [{ command: 'start', description: 'Los geht\'s' }]);
    const read = await client.invoke(new Api.bots.GetBotCommands({ scope: new Api.BotCommandScopeDefault(), langCode: '' }));
    assert.deepEqual(read.map((c) => c.command), ['start', 'link_account']);
    const full = await client.invoke(new Api.users.GetFullUser({ id: new Api.InputUserSelf() }));
    assert.deepEqual(full.fullUser.botInfo!.commands!.map((c) => c.command), ['start', 'link_account']);
    for (const [command, description, error] of [
      ['Start', 'capitals', 'BOT_COMMAND_INVALID'], ['/start', 'slash', 'BOT_COMMAND_INVALID'], ['a'.repeat(33), 'too long', 'BOT_COMMAND_INVALID'],
      ['', 'empty', 'BOT_COMMAND_INVALID'], ['help', '', 'BOT_COMMAND_DESCRIPTION_INVALID'], ['help', 'x'.repeat(257), 'BOT_COMMAND_DESCRIPTION_INVALID'],
    ] as const) {
      assert.equal(await rpcError(setCommands(client, commands([command, description]))), `400 ${error}`, `${command}: ${description}`);
    }
    await setCommands(client, commands(['a'.repeat(32), 'x'.repeat(256)]), 'fr');
    const many = Array.from({ length: 101 }, (_, i): [string, string] => [`c${i}`, 'a command']);
    assert.equal(await rpcError(setCommands(client, commands(...many))), '400 BOT_COMMANDS_TOO_MUCH');
    assert.equal(await rpcError(setCommands(client, commands(['help', 'Help']), 'eng')), '400 LANG_CODE_INVALID');
    assert.deepEqual(fake.botCommands(bot).map((c) => c.command), ['start', 'link_account']);
    await client.invoke(new Api.bots.ResetBotCommands({ scope: new Api.BotCommandScopeDefault(), langCode: '' }));
    assert.deepEqual(fake.botCommands(bot), []);
    const aliceClient = await personClient(alice);
    assert.equal(await rpcError(setCommands(aliceClient, commands(['start', 'Start']))), '400 USER_BOT_REQUIRED');
  });

  it('methods only people may call answer BOT_METHOD_INVALID (getDialogs, getHistory); getState and getDifference serve bots', async () => {
    const client = await botClient();
    const state = await client.invoke(new Api.updates.GetState());
    fake.sendAsUser(alice.id, bot, { text: 'while you were away' });
    assert.equal(await rpcError(client.getDialogs({})), '400 BOT_METHOD_INVALID');
    assert.equal(await rpcError(client.invoke(new Api.messages.GetHistory({ peer: inputUser(alice), limit: 10 }))), '400 BOT_METHOD_INVALID');
    const difference = await client.invoke(new Api.updates.GetDifference({ pts: state.pts, date: state.date, qts: 0 }));
    assert.ok(difference instanceof Api.updates.Difference);
    assert.deepEqual(difference.newMessages.map((m) => (m as Api.Message).message), ['while you were away']);
  });

  it("a bot's sends are paced like any account's: past 3 at once in one chat, FLOOD_WAIT", async () => {
    await fake.close();
    await world({ floodLimits: TELEGRAM_FLOOD_LIMITS });
    const client = await botClient();
    fake.sendAsUser(alice.id, bot, { text: '/start' });
    fake.sendAsUser(bob.id, bot, { text: '/start' });
    for (let i = 0; i < 3; i++) await sendText(client, inputUser(alice), `m${i}`);
    let flood: unknown = null;
    await sendText(client, inputUser(alice), 'm3').catch((error: unknown) => {
      flood = error;
    });
    assert.ok(flood instanceof FloodWaitError, `a FloodWaitError, not ${String(flood)}`);
    await sendText(client, inputUser(bob), 'another chat');
    assert.equal(fake.botMessages(bot, alice.id).length, 3);
  });
});
