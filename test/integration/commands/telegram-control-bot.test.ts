/**
 * The control bot on Telegram, end to end: TelegramControlBot's real gramjs
 * client logged in as a bot on the MTProto fake, the real API context,
 * PostgreSQL and Redis. People write to the bot as the Telegram app would
 * (their messages reach it as updateShortMessage); what they read is read
 * back from the fake. Queued notices reach linked users in their private
 * chat with the bot.
 */
import assert from 'node:assert/strict';
import pino from 'pino';
import { PLANS } from '../../../config/plans.ts';
import { chatLinksOf } from '../../../src/api/routes/chat-links.ts';
import { CommandRunner } from '../../../src/commands/command-runner.ts';
import { planExpiringNotice } from '../../../src/commands/notices/chat-notice.ts';
import { NoticeDelivery } from '../../../src/commands/notices/notice-delivery.ts';
import { NoticeOutbox } from '../../../src/commands/notices/notice-outbox.ts';
import { telegramBotCommands } from '../../../src/commands/telegram-bot-commands.ts';
import { TelegramControlBot } from '../../../src/commands/telegram-control-bot.ts';
import { TelegramFake, type FakeBot, type FakeUser } from '../../fakes/telegram/telegram-fake.ts';
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
  const people: FakeUser[] = [];

  /** Someone on Telegram, unlinked at the end. */
  function person(phone: string, firstName: string): FakeUser {
    const created = fake.createUser({ phone, firstName });
    people.push(created);
    return created;
  }

  before(async () => {
    h = await startApiHarness();
    fake = await TelegramFake.start({ floodLimits: false });
    botAccount = fake.createBot({ username: 'Switchboard_bot', firstName: 'Switchboard' });
    annOnTelegram = person('+15550007001', 'Ann');
    ann = await h.registerUser({ plan: 'pro' });
    controlBot = await TelegramControlBot.start({
      token: botAccount.token,
      endpoint: { apiId: API_ID, apiHash: API_HASH, server: { host: fake.host, port: fake.port }, serverPublicKeys: [fake.publicKeyPem], dcId: fake.dcId },
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
  });

  /** `who` writes `text` to the bot; resolves with what the bot answered (every part, joined). */
  async function say(who: FakeUser, text: string, parts = 1): Promise<string> {
    const before = fake.botMessages(botAccount, who.id).length;
    fake.sendAsUser(who.id, botAccount, { text });
    await waitFor(`the answer to ${text}`, () => fake.botMessages(botAccount, who.id).length >= before + parts, 10_000);
    return fake.botMessages(botAccount, who.id).slice(before).map((m) => m.text).join('\n');
  }

  it('logs in with its token and sets the command menu from the catalogue', () => {
    assert.equal(controlBot.username, 'Switchboard_bot');
    assert.deepEqual(fake.botCommands(botAccount).map((c) => ({ command: c.command, description: c.description })), telegramBotCommands());
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

  it('refuses what the caller may not do, as a reply: an admin command, a bad argument, an unknown command, a wrong code', async () => {
    const carl = person('+15550007002', 'Carl');
    const carlUser = await h.registerUser();
    const { code } = await chatLinksOf(h.ctx).issueCode(carlUser.userId);
    await say(carl, `/link ${code}`);
    assert.match(await say(carl, '/users'), /is for administrators/);
    assert.match(await say(carl, '/pairs pause nothing-here'), /You have no pair named "nothing-here"/);
    assert.match(await say(carl, '/frobnicate'), /There is no \/frobnicate command/);
    assert.match(await say(carl, '/link ZZZZ-ZZZZ'), /This link code is not valid/);
  });

  it('holds a Free user to the plan\'s commands per minute, saying how long to wait', async () => {
    const gil = person('+15550007006', 'Gil');
    const gilUser = await h.registerUser();
    const { code } = await chatLinksOf(h.ctx).issueCode(gilUser.userId);
    await say(gil, `/link ${code}`);
    for (let i = 0; i < PLANS.free.rateLimits.commandsPerMinute; i++) assert.match(await say(gil, '/plan'), /^Your plan: Free/);
    assert.match(await say(gil, '/plan'), /^Too many requests; retry in \d+ s$/);
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
    const fay = person('+15550007005', 'Fay');
    const fayUser = await h.registerUser();
    const { code } = await chatLinksOf(h.ctx).issueCode(fayUser.userId);
    await say(fay, `/link ${code}`);
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
      for (const user of [ann, fayUser]) {
        await outbox.publish(planExpiringNotice(user.userId, `sub-${user.userId}`, 'Pro', new Date('2026-12-09T00:00:00Z')));
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
