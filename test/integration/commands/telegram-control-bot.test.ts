/**
 * The control bot on Telegram, end to end: TelegramControlBot's real gramjs
 * client logged in as a bot on the MTProto fake, the real API context,
 * PostgreSQL and Redis. People write to the bot as the Telegram app would
 * (their messages reach it as updateShortMessage); what they read is read
 * back from the fake. Queued notices reach linked users in their private
 * chat with the bot.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { PLANS } from '../../../config/plans.ts';
import { chatLinksOf } from '../../../src/api/routes/chat-links.ts';
import { CommandRunner } from '../../../src/commands/command-runner.ts';
import { DiscordAccount, ForwardingPair } from '../../../src/db/entities/index.ts';
import { TelegramAccount } from '../../../src/db/entities/telegram-account.ts';
import { User } from '../../../src/db/entities/user.ts';
import { planExpiringNotice } from '../../../src/commands/notices/chat-notice.ts';
import { NoticeDelivery } from '../../../src/commands/notices/notice-delivery.ts';
import { NoticeOutbox } from '../../../src/commands/notices/notice-outbox.ts';
import { COMMANDS } from '../../../src/commands/command-catalogue.ts';
import { telegramBotCommands } from '../../../src/commands/telegram-bot-commands.ts';
import { TelegramControlBot } from '../../../src/commands/telegram-control-bot.ts';
import { BotSessionStore } from '../../../src/commands/bot-session-store.ts';
import type { TelegramEndpoint } from '../../../src/telegram/telegram-endpoint.ts';
import { TelegramFake, type FakeBot, type FakeUser } from '../../fakes/telegram/telegram-fake.ts';
import { commandSweep } from '../../helpers/command-sweep.ts';
import { startApiHarness, type ApiHarness, type RegisteredUser } from '../../helpers/api-harness.ts';
import { API_HASH, API_ID, waitFor } from '../telegram/telegram-test-kit.ts';

describe('control bot on Telegram (real gramjs bot login, the MTProto fake, the real API context)', function () {
  this.timeout(30_000);
  let h: ApiHarness;
  let fake: TelegramFake;
  let botAccount: FakeBot;
  let controlBot: TelegramControlBot;
  let ann: RegisteredUser;
  let annOnTelegram: FakeUser;
  let keyDir = '';
  let endpoint: TelegramEndpoint;
  const people: FakeUser[] = [];

  /** Someone on Telegram, unlinked at the end. */
  function person(phone: string, firstName: string): FakeUser {
    const created = fake.createUser({ phone, firstName });
    people.push(created);
    return created;
  }

  before(async () => {
    fake = await TelegramFake.start({ floodLimits: false });
    keyDir = mkdtempSync(join(tmpdir(), 'sb-tg-bot-key-'));
    writeFileSync(join(keyDir, 'server.pem'), fake.publicKeyPem);
    // The API context logs Telegram accounts in on the same fake the bot runs on.
    h = await startApiHarness({
      env: {
        TELEGRAM_API_ID: String(API_ID), TELEGRAM_API_HASH: API_HASH, TELEGRAM_SERVER: `${fake.host}:${fake.port}`, TELEGRAM_SERVER_KEY_FILE: join(keyDir, 'server.pem'),
      },
    });
    botAccount = fake.createBot({ username: 'Switchboard_bot', firstName: 'Switchboard' });
    annOnTelegram = person('+15550007001', 'Ann');
    ann = await h.registerUser({ plan: 'pro' });
    endpoint = { apiId: API_ID, apiHash: API_HASH, server: { host: fake.host, port: fake.port }, serverPublicKeys: [fake.publicKeyPem], dcId: fake.dcId };
    controlBot = await TelegramControlBot.start({
      token: botAccount.token,
      endpoint,
      runner: new CommandRunner(h.ctx, chatLinksOf(h.ctx)),
      logger: pino({ level: 'silent' }),
    });
  });
  after(async () => {
    // Every fake numbers its users alike, and the harness's schema is shared: leave no link for the next fake's users.
    for (const p of people) await chatLinksOf(h.ctx).unlink('telegram', p.id).catch(() => {});
    await controlBot?.stop();
    await fake?.close();
    await h?.close();
    rmSync(keyDir, { recursive: true, force: true });
  });

  /** `who` writes `text` to the bot; resolves with what the bot answered (every part, joined). */
  async function say(who: FakeUser, text: string, parts = 1): Promise<string> {
    const before = fake.botMessages(botAccount, who.id).length;
    fake.sendAsUser(who.id, botAccount, { text });
    await waitFor(`the answer to ${text}`, () => fake.botMessages(botAccount, who.id).length >= before + parts, 10_000);
    return fake.botMessages(botAccount, who.id).slice(before).map((m) => m.text).join('\n');
  }

  /** A Telegram person linked to a new Switchboard user of `plan`. */
  async function linkedPerson(phone: string, firstName: string, plan: 'free' | 'pro' | 'elite' = 'pro', password?: string): Promise<{ who: FakeUser; userId: string }> {
    const created = fake.createUser({ phone, firstName, ...(password === undefined ? {} : { password }) });
    people.push(created);
    const registered = await h.registerUser({ plan });
    const { code } = await chatLinksOf(h.ctx).issueCode(registered.userId);
    await say(created, `/link ${code}`);
    return { who: created, userId: registered.userId };
  }

  const spaced = (code: string): string => code.split('').join(' ');

  it('logs in with its token and sets the command menu from the catalogue', () => {
    assert.equal(controlBot.username, 'Switchboard_bot');
    assert.deepEqual(fake.botCommands(botAccount).map((c) => ({ command: c.command, description: c.description })), telegramBotCommands());
  });

  it('keeps its session between starts, sealed in Redis: a restart does not log in again; one Telegram ended does', async () => {
    const other = fake.createBot({ username: 'Restart_bot', firstName: 'Restart' });
    const sessions = new BotSessionStore(h.ctx.redis, h.ctx.keyring, other.id);
    const start = () => TelegramControlBot.start({
      token: other.token, endpoint, runner: new CommandRunner(h.ctx, chatLinksOf(h.ctx)), logger: pino({ level: 'silent' }), sessions,
    });
    const logins = (): number => fake.stats().calls['auth.importBotAuthorization'] ?? 0;
    const before = logins();
    await (await start()).stop();
    assert.equal(logins(), before + 1);
    assert.match((await h.ctx.redis.get(`bot:telegram-session:${other.id}`))!, /^v1\.[A-Za-z0-9_-]+\./, 'sealed at rest');
    const resumed = await start();
    assert.equal(resumed.username, 'Restart_bot');
    await resumed.stop();
    assert.equal(logins(), before + 1, 'resumed, not logged in again');
    fake.revoke(other.id, 'AUTH_KEY_UNREGISTERED');
    await (await start()).stop();
    assert.equal(logins(), before + 2, 'a session Telegram ended: a new login');
  });

  it('answers after a restart what people wrote while it was down, once, in order', async () => {
    const other = fake.createBot({ username: 'Catchup_bot', firstName: 'Catchup' });
    const sessions = new BotSessionStore(h.ctx.redis, h.ctx.keyring, other.id);
    const start = () => TelegramControlBot.start({
      token: other.token, endpoint, runner: new CommandRunner(h.ctx, chatLinksOf(h.ctx)), logger: pino({ level: 'silent' }), sessions,
    });
    const nell = person('+15550007401', 'Nell');
    const first = await start();
    fake.sendAsUser(nell.id, other, { text: '/start' });
    await waitFor('the live answer', () => fake.botMessages(other, nell.id).length === 1, 10_000);
    await first.stop();
    fake.sendAsUser(nell.id, other, { text: '/help' });
    fake.sendAsUser(nell.id, other, { text: '/plan' });
    const second = await start();
    try {
      await waitFor('the answers to what came while down', () => fake.botMessages(other, nell.id).length === 3, 10_000);
      await new Promise((r) => setTimeout(r, 300));
      const answers = fake.botMessages(other, nell.id).map((m) => m.text.split('\n')[0]);
      assert.deepEqual(answers, [
        'This bot tells you how your Switchboard forwarding is doing and lets you steer it from here.',
        'Commands',
        '/plan needs this chat linked to your Switchboard account.',
      ], '/start once (answered before the stop), then /help and /plan in order');
    } finally {
      await second.stop();
    }
  });

  it('tells an unlinked person to link, links with a code from the API, then answers as their account, with entities', async () => {
    assert.match(await say(annOnTelegram, '/plan'), /needs this chat linked/);
    assert.match(await say(annOnTelegram, '/start'), /link/i);
    const code = (await h.request('post', '/v1/me/chat-links', { token: ann.accessToken })).body.code as string;
    assert.match(await say(annOnTelegram, `/link ${code}`), /^Linked: this chat now acts as /);
    assert.equal(await chatLinksOf(h.ctx).userOf('telegram', annOnTelegram.id), ann.userId);
    assert.match(await say(annOnTelegram, '/plan@Switchboard_bot'), /^Your plan: Pro/);
    const plan = fake.botMessages(botAccount, annOnTelegram.id).at(-1)!;
    assert.ok(plan.entities.some((e) => e.className === 'MessageEntityBold'), 'bold as an entity, not markup');
    assert.match(await say(annOnTelegram, '/pairs'), /You have no forwarding pairs yet/);
  });

  it('refuses what the caller may not do, as a reply: an admin command, a missing argument, an unknown command, a wrong or used code, someone else\'s pair', async () => {
    const { who: carl, userId: carlUserId } = await linkedPerson('+15550007002', 'Carl', 'free');
    assert.match(await say(carl, '/users'), /is for administrators/);
    assert.match(await say(carl, '/pairs pause nothing-here'), /You have no pair named "nothing-here"/);
    assert.match(await say(carl, '/frobnicate'), /There is no \/frobnicate command/);
    assert.match(await say(carl, '/link ZZZZ-ZZZZ'), /This link code is not valid/);
    assert.match(await say(carl, '/link'), /^Usage: \/link CODE$/);
    assert.match(await say(carl, '/pairs pause'), /^Usage: \/pairs \[pause\|resume NAME\]$/);
    // Someone else's pair, by its id: Carl is told he has none such, and it stays as it was.
    const em = h.ctx.orm.em.fork();
    const bot = em.create(DiscordAccount, { user: ann.userId, botUserId: '900000000000000077', botUsername: 'annbot2', tokenCiphertext: 'x', status: 'active' });
    const annPair = em.create(ForwardingPair, {
      user: ann.userId, name: 'ann-news', sourcePlatform: 'discord', sourceAccountId: bot.id, sourceChatId: '100000000000000077',
      destinationPlatform: 'discord', destinationAccountId: bot.id, destinationChatId: '200000000000000077',
    });
    await em.flush();
    assert.match(await say(carl, `/pairs pause ${annPair.id.slice(0, 8)}`), /You have no pair named/);
    assert.equal((await em.fork().findOneOrFail(ForwardingPair, { id: annPair.id })).status, 'active');
    // A code used once is stale: a second chat cannot take it.
    const used = (await chatLinksOf(h.ctx).issueCode(carlUserId)).code;
    await say(person('+15550007009', 'Cody'), `/link ${used}`);
    assert.match(await say(person('+15550007010', 'Cora'), `/link ${used}`), /This link code is not valid/);
  });

  it('holds a Free user to the plan\'s commands per minute, saying how long to wait', async () => {
    const { who: gil } = await linkedPerson('+15550007006', 'Gil', 'free');
    for (let i = 0; i < PLANS.free.rateLimits.commandsPerMinute; i++) assert.match(await say(gil, '/plan'), /^Your plan: Free/);
    assert.match(await say(gil, '/plan'), /^Too many requests; retry in \d+ s$/);
  });

  it('links the caller\'s own Telegram account from the chat: a code sent whole is dead (Telegram cancels it), /login again, then one with spaces', async () => {
    const { who: hal, userId } = await linkedPerson('+15550007101', 'Hal');
    assert.match(await say(hal, '/login +1 555 000 7101'), /^Telegram sent a login code for \+15550007101 to your Telegram app[\s\S]*spaces between the digits, like 1 2 3 4 5/);
    // Hal pastes the code as Telegram showed it: Telegram sees its own code sent through Telegram and cancels it.
    assert.match(await say(hal, fake.lastCode(hal.phone)!), /^Telegram has cancelled that code/);
    assert.match(await say(hal, '/login +15550007101'), /^Telegram sent a login code/);
    assert.match(await say(hal, spaced(fake.lastCode(hal.phone)!)), /^Linked the Telegram account Hal \(\+15550007101\)/);
    const accounts = await h.ctx.orm.em.fork().find(TelegramAccount, { user: userId });
    assert.deepEqual(accounts.map((a) => [a.phone, a.status]), [['+15550007101', 'active']]);
    assert.match(await say(hal, '/code 1 2 3'), /No Telegram login here waits for a code/);
  });

  it('asks for the 2FA password and deletes the message holding it before using it; /code and /password as commands too', async () => {
    const { who: ida, userId } = await linkedPerson('+15550007102', 'Ida', 'pro', 'correct horse');
    await say(ida, '/login +15550007102');
    assert.match(await say(ida, `/code ${spaced(fake.lastCode(ida.phone)!)}`), /^This account has two-step verification[\s\S]*next message; I delete it/);
    const horses = (): string[] => fake.messages(botAccount.id, ida.id).map((m) => m.text).filter((t) => t.includes('horse'));
    const deletes = (): number => fake.stats().calls['messages.deleteMessages'] ?? 0;
    const deletesBefore = deletes();
    assert.match(await say(ida, 'wrong horse'), /password/i);
    assert.deepEqual(horses(), [], 'the message with the (wrong) password is gone from the chat, for both sides');
    assert.match(await say(ida, '/password correct horse'), /^Linked the Telegram account Ida/);
    assert.deepEqual(horses(), []);
    assert.equal(deletes(), deletesBefore + 2);
    assert.equal((await h.ctx.orm.em.fork().findOneOrFail(TelegramAccount, { user: userId })).status, 'active');
  });

  it('refuses what a login from the chat may not do, as a reply: a bad number, no login waiting, past the plan', async () => {
    const { who: jo, userId: joUserId } = await linkedPerson('+15550007103', 'Jo', 'free');
    assert.match(await say(jo, '/login 12345'), /^That is not a phone number/);
    assert.match(await say(jo, '/password x'), /No Telegram login here waits for a password/);
    assert.match(await say(jo, '/resend'), /No Telegram login here waits for a code/);
    // Free links one account, and Jo has one: a second is refused before any code is sent.
    const em = h.ctx.orm.em.fork();
    em.create(TelegramAccount, { user: joUserId, phone: '+15550007199', status: 'active' });
    await em.flush();
    const codesBefore = fake.stats().calls['auth.sendCode'] ?? 0;
    assert.match(await say(jo, '/login +15550007103'), /limit|plan/i);
    assert.equal(fake.stats().calls['auth.sendCode'] ?? 0, codesBefore);
    assert.equal(await em.fork().count(TelegramAccount, { user: joUserId }), 1, 'nothing half-written');
  });

  it('pages a long list with inline buttons: a press edits the message into the next page; a press the caller may not make is answered by the button', async () => {
    const { who: liz } = await linkedPerson('+15550007201', 'Liz');
    await h.ctx.orm.em.fork().nativeUpdate(User, { id: (await chatLinksOf(h.ctx).userOf('telegram', liz.id))! }, { role: 'admin' });
    for (let i = 0; i < 23; i++) await h.registerUser({ email: `pagetest-${String(i).padStart(2, '0')}@example.com` });
    assert.match(await say(liz, '/users pagetest'), /^Users matching "pagetest": 23 · page 1 of 3\npagetest-22@/);
    const list = fake.botMessages(botAccount, liz.id).at(-1)!;
    assert.deepEqual(list.buttons.map((row) => row.map((b) => [b.text, b.data?.toString()])), [[['2 ▶', 'pg:users:1:pagetest']]]);

    const press = fake.pressButton(liz.id, list, { text: '2 ▶' });
    await waitFor('the press answered', () => fake.callbackQueries(botAccount).find((q) => q.queryId === press.queryId)?.answer !== null, 10_000);
    const edited = fake.botMessages(botAccount, liz.id).at(-1)!;
    assert.equal(edited.id, list.id, 'the same message, edited');
    assert.match(edited.text, /^Users matching "pagetest": 23 · page 2 of 3\npagetest-12@/);
    assert.deepEqual(edited.buttons.flat().map((b) => b.text), ['◀ 1', '3 ▶']);

    // Liz loses her admin role; the old list's buttons now refuse, by the button, and leave the list as it was.
    await h.ctx.orm.em.fork().nativeUpdate(User, { id: (await chatLinksOf(h.ctx).userOf('telegram', liz.id))! }, { role: 'free_user' });
    const refused = fake.pressButton(liz.id, edited, { text: '3 ▶' });
    await waitFor('the refusal', () => fake.callbackQueries(botAccount).find((q) => q.queryId === refused.queryId)?.answer !== null, 10_000);
    const answer = fake.callbackQueries(botAccount).find((q) => q.queryId === refused.queryId)!.answer!;
    assert.deepEqual([answer.alert, answer.message], [true, '/users is for administrators.\n/help lists the commands you can use.']);
    assert.match(fake.botMessages(botAccount, liz.id).at(-1)!.text, /page 2 of 3/);
  });

  it('gives an administrator\'s chat a menu of its own with the admin commands, and drops it once they are not one', async () => {
    const { who: ned, userId } = await linkedPerson('+15550007402', 'Ned');
    const menuOf = (): string[] => fake.botCommands(botAccount, { scope: `peer:${ned.id}` }).map((c) => c.command);
    await say(ned, '/plan');
    assert.deepEqual(menuOf(), [], 'a user sees the menu everyone sees');
    await h.ctx.orm.em.fork().nativeUpdate(User, { id: userId }, { role: 'admin' });
    await say(ned, '/plan');
    await waitFor('the admin menu', () => menuOf().length > 0, 10_000);
    assert.deepEqual(menuOf(), telegramBotCommands(COMMANDS, { admin: true }).map((c) => c.command));
    assert.ok(menuOf().includes('users') && !fake.botCommands(botAccount).some((c) => c.command === 'users'));
    await h.ctx.orm.em.fork().nativeUpdate(User, { id: userId }, { role: 'premium_user' });
    await say(ned, '/plan');
    await waitFor('the admin menu dropped', () => menuOf().length === 0, 10_000);
  });

  it('answers every catalogue command for a linked admin, none with a failure', async () => {
    const { who: max, userId } = await linkedPerson('+15550007301', 'Max');
    await h.ctx.orm.em.fork().nativeUpdate(User, { id: userId }, { role: 'admin' });
    const target = await h.registerUser();
    for (const step of commandSweep(target.email)) {
      const text = `/${step.command} ${step.args.map((a) => (/\s/.test(a) ? `"${a}"` : a)).join(' ')}`.trim();
      const reply = await say(max, text);
      assert.doesNotMatch(reply, /Something went wrong/, text);
      assert.match(reply, step.expect, `${text} → ${reply}`);
    }
  });

  it('stays silent on plain chat and on commands for another bot', async () => {
    const dan = person('+15550007003', 'Dan');
    fake.sendAsUser(dan.id, botAccount, { text: 'hello there' });
    fake.sendAsUser(dan.id, botAccount, { text: '/plan@another_bot' });
    assert.match(await say(dan, '/help'), /\/link CODE/);
    assert.equal(fake.botMessages(botAccount, dan.id).length, 1, 'only /help was answered');
  });

  it('in a group, points a command for it to the private chat instead of answering about the account there', async () => {
    const eve = person('+15550007004', 'Eve');
    const group = fake.createGroup({ title: 'Team', members: [eve.id, botAccount.id], creatorId: eve.id });
    fake.sendAsUser(eve.id, group, { text: '/plan@Switchboard_bot' });
    await waitFor('the pointer', () => fake.messages(group).some((m) => m.fromId === botAccount.id), 10_000);
    const answer = fake.messages(group).find((m) => m.fromId === botAccount.id)!;
    assert.equal(answer.text, 'I answer about your account in a private chat only: write to me at @Switchboard_bot.');
  });

  it('pushes a queued notice to the linked user in their private chat; one who blocked the bot is counted as refused', async () => {
    const { who: fay, userId: fayUserId } = await linkedPerson('+15550007005', 'Fay', 'free');
    fake.blockBot(fay.id, botAccount);
    const outbox = new NoticeOutbox(h.ctx.redis);
    const reader = h.ctx.redis.duplicate();
    const delivery = new NoticeDelivery({
      outbox: new NoticeOutbox(reader), links: chatLinksOf(h.ctx), senders: { telegram: (user, text) => controlBot.notify(user, text) },
      logger: pino({ level: 'silent' }), consumer: 'tg-test', blockMs: 100,
    });
    await delivery.start();
    try {
      const before = fake.botMessages(botAccount, annOnTelegram.id).length;
      for (const userId of [ann.userId, fayUserId]) {
        await outbox.publish(planExpiringNotice(userId, `sub-${userId}`, 'Pro', new Date('2026-12-09T00:00:00Z')));
      }
      await waitFor('the notice to Ann', () => fake.botMessages(botAccount, annOnTelegram.id).length === before + 1, 10_000);
      await waitFor('Fay refused', () => delivery.counts.refused === 1, 10_000);
      const notice = fake.botMessages(botAccount, annOnTelegram.id).at(-1)!;
      assert.equal(notice.text, 'Your Pro plan ends on 2026-12-09; then your account moves to Free, and pairs and accounts past its limits are paused. /upgrade shows how to renew.');
      assert.ok(notice.entities.some((e) => e.className === 'MessageEntityBold'));
    } finally {
      await delivery.stop();
      await reader.quit();
    }
  });
});
