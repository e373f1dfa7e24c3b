/**
 * The control bot on Discord, end to end: the real discord.js client of
 * DiscordControlBot against the Discord fake, the real API context,
 * PostgreSQL and Redis. A user of a server uses the slash commands as
 * Discord's client would send them; what they see is read back from the
 * fake (ephemeral in a server, never "thinking" forever). Queued notices
 * reach linked users by DM.
 */
import assert from 'node:assert/strict';
import { chatLinksOf } from '../../../src/api/routes/chat-links.ts';
import { PLANS } from '../../../config/plans.ts';
import { COMMANDS } from '../../../src/commands/command-catalogue.ts';
import { SLASH_OPTIONS } from '../../../src/commands/slash-commands.ts';
import { commandSweep } from '../../helpers/command-sweep.ts';
import { DiscordAccount, ForwardingPair } from '../../../src/db/entities/index.ts';
import { CommandRunner } from '../../../src/commands/command-runner.ts';
import { DiscordControlBot } from '../../../src/commands/discord-control-bot.ts';
import { planExpiringNotice } from '../../../src/commands/notices/chat-notice.ts';
import { NoticeDelivery } from '../../../src/commands/notices/notice-delivery.ts';
import { NoticeOutbox } from '../../../src/commands/notices/notice-outbox.ts';
import { DiscordFake } from '../../fakes/discord/discord-fake.ts';
import { waitFor } from '../discord/discord-test-kit.ts';
import { startApiHarness, type ApiHarness, type RegisteredUser, type RegisterOptions } from '../../helpers/api-harness.ts';
import pino from 'pino';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TelegramAccount } from '../../../src/db/entities/telegram-account.ts';
import { TelegramFake } from '../../fakes/telegram/telegram-fake.ts';

describe('control bot on Discord (real discord.js, the Discord fake, the real API context)', function () {
  this.timeout(30_000);
  let h: ApiHarness;
  let fake: DiscordFake;
  let controlBot: DiscordControlBot;
  let app: { id: string; token: string; applicationId: string };
  let channelId: string;
  let guildId: string;
  let ann: RegisteredUser;
  let annOnDiscord: { id: string };
  let telegram: TelegramFake;
  let keyDir = '';

  before(async () => {
    telegram = await TelegramFake.start({ floodLimits: false });
    keyDir = mkdtempSync(join(tmpdir(), 'sb-dc-bot-key-'));
    writeFileSync(join(keyDir, 'server.pem'), telegram.publicKeyPem);
    // Telegram accounts linked from Discord log in on this fake.
    h = await startApiHarness({
      env: {
        TELEGRAM_API_ID: '12345', TELEGRAM_API_HASH: '0123456789abcdef0123456789abcdef',
        TELEGRAM_SERVER: `${telegram.host}:${telegram.port}`, TELEGRAM_SERVER_KEY_FILE: join(keyDir, 'server.pem'),
      },
    });
    fake = await DiscordFake.start({ heartbeatIntervalMs: 400 });
    app = fake.createBot({ username: 'switchboard' });
    annOnDiscord = fake.createUser({ username: 'ann', globalName: 'Ann' });
    const guild = fake.createGuild({ name: 'Team', bots: [app.id], users: [annOnDiscord.id] });
    guildId = guild.id;
    channelId = fake.createChannel(guild.id, 'general').id;
    ann = await h.registerUser({ plan: 'pro' });
    controlBot = await DiscordControlBot.start({
      token: app.token, apiUrl: fake.apiUrl, runner: new CommandRunner(h.ctx, chatLinksOf(h.ctx)), logger: pino({ level: 'silent' }),
    });
  });
  after(async () => {
    await controlBot?.stop();
    await fake?.close();
    await h?.close();
    await telegram?.close();
    rmSync(keyDir, { recursive: true, force: true });
  });

  /** Ann (or `userId`) uses a slash command; resolves with the text she sees once the bot has answered. */
  async function use(name: string, options: Record<string, string> = {}, userId = annOnDiscord.id): Promise<{ text: string; ephemeral: boolean }> {
    const { interactionId } = fake.invokeCommand({ channelId, name, options, userId });
    await waitFor(`the answer to /${name}`, () => fake.interactionReplies(interactionId).some((r) => !r.loading), 10_000);
    const replies = fake.interactionReplies(interactionId);
    return { text: replies.map((r) => r.content).join('\n'), ephemeral: replies.every((r) => r.ephemeral) };
  }

  /** A member of the server whose Discord identity is linked to a new Switchboard user. */
  async function linkedMember(username: string, options: RegisterOptions = {}): Promise<{ member: { id: string }; user: RegisteredUser }> {
    const member = fake.createUser({ username });
    fake.addMember(guildId, member.id);
    const user = await h.registerUser(options);
    const { code } = await chatLinksOf(h.ctx).issueCode(user.userId);
    await chatLinksOf(h.ctx).redeem({ platform: 'discord', chatUserId: member.id, displayName: username }, code);
    return { member, user };
  }

  it('registers every catalogue command as a slash command', () => {
    assert.deepEqual(fake.commands(app.applicationId).map((c) => c.name).sort(), COMMANDS.map((c) => c.name).sort());
  });

  it('tells an unlinked user to link, links with a code from the API, then answers as their account, privately', async () => {
    const before = await use('plan');
    assert.match(before.text, /needs this chat linked/);
    assert.equal(before.ephemeral, true, 'only the caller sees answers about their account in a server');
    const code = (await h.request('post', '/v1/me/chat-links', { token: ann.accessToken })).body.code as string;
    assert.match((await use('link', { code })).text, /^Linked: this chat now acts as /);
    assert.equal(await chatLinksOf(h.ctx).userOf('discord', annOnDiscord.id), ann.userId);
    assert.match((await use('plan')).text, /Your plan: \*\*Pro\*\*/);
    assert.match((await use('pairs')).text, /You have no forwarding pairs yet/);
  });

  it('pages a long list with buttons, privately: a click updates the message into the next page', async () => {
    const em = h.ctx.orm.em.fork();
    const bot = em.create(DiscordAccount, { user: ann.userId, botUserId: '900000000000000009', botUsername: 'annbot', tokenCiphertext: 'x', status: 'active' });
    for (let i = 0; i < 25; i += 1) {
      em.create(ForwardingPair, {
        user: ann.userId, name: `${String(i).padStart(2, '0')} ${'a long pair name '.repeat(5).trim()}`, sourcePlatform: 'discord', sourceAccountId: bot.id,
        sourceChatId: String(100_000_000_000_000_000n + BigInt(i)), destinationPlatform: 'discord', destinationAccountId: bot.id, destinationChatId: String(200_000_000_000_000_000n + BigInt(i)),
      });
    }
    await em.flush();
    const { interactionId } = fake.invokeCommand({ channelId, name: 'pairs', userId: annOnDiscord.id });
    await waitFor('the first page', () => fake.interactionReplies(interactionId).some((r) => !r.loading), 10_000);
    const [first] = fake.interactionReplies(interactionId);
    assert.ok(first!.ephemeral);
    assert.ok(first!.content.startsWith('**Your pairs \\(25)** · page 1 of 3'), first!.content.slice(0, 60));
    const names = (content: string): string[] => [...content.matchAll(/▶ \*\*(\d\d) a long/g)].map((m) => m[1]!);
    assert.equal(names(first!.content).length, 10);
    assert.deepEqual(JSON.parse(JSON.stringify(first!.components)), [{ type: 1, id: 1, components: [{ type: 2, id: 2, style: 2, label: '2 ▶', custom_id: 'pg:pairs:1:' }] }]);

    const click = fake.clickButton({ channelId, messageId: first!.messageId, customId: 'pg:pairs:1:', userId: annOnDiscord.id });
    await waitFor('the update', () => fake.interactionReplies(click.interactionId).some((r) => !r.loading), 10_000);
    const [updated] = fake.interactionReplies(click.interactionId);
    assert.deepEqual([updated!.kind, updated!.messageId], ['update', first!.messageId]);
    assert.match(updated!.content, /page 2 of 3/);
    assert.equal(names(updated!.content).length, 10);
    assert.equal(new Set([...names(first!.content), ...names(updated!.content)]).size, 20, 'the next ten, none repeated');
    assert.deepEqual((updated!.components as Array<{ components: Array<{ label: string }> }>)[0]!.components.map((b) => b.label), ['◀ 1', '3 ▶']);
  });

  it('refuses what the caller may not do, as a reply: an admin command, a wrong code, a pair that is not theirs', async () => {
    assert.match((await use('users')).text, /is for administrators/);
    assert.match((await use('pairs', { action: 'pause', pair: 'nothing-here' })).text, /You have no pair named "nothing-here"/);
    assert.match((await use('link', { code: 'ZZZZ-ZZZZ' })).text, /This link code is not valid/);
  });

  it('links a Telegram account with /login, /code and /password, every answer private', async () => {
    const kim = telegram.createUser({ phone: '+15550009001', firstName: 'Kim', password: 'open sesame' });
    const started = await use('login', { phone: '+1 555 000 9001' });
    assert.match(started.text, /^Telegram sent a login code for \*\*\+15550009001\*\*[\s\S]*Send it with `\/code`/);
    assert.equal(started.ephemeral, true);
    // On Discord the code may come whole: it never passes through Telegram.
    assert.match((await use('code', { code: telegram.lastCode(kim.phone)! })).text, /two-step verification[\s\S]*`\/password`: no one else sees it/);
    assert.match((await use('password', { password: 'open sesame' })).text, /^Linked the Telegram account \*\*Kim\*\*/);
    const account = await h.ctx.orm.em.fork().findOneOrFail(TelegramAccount, { phone: kim.phone });
    assert.deepEqual([account.user.id, account.status], [ann.userId, 'active']);
  });

  it('pushes a queued notice to the linked user by DM; a user with closed DMs is counted as refused, and the notice is acknowledged', async () => {
    const { member: bob, user: bobUser } = await linkedMember('bob');
    fake.closeDms(bob.id);
    const outbox = new NoticeOutbox(h.ctx.redis);
    const reader = h.ctx.redis.duplicate();
    const delivery = new NoticeDelivery({
      outbox: new NoticeOutbox(reader), links: chatLinksOf(h.ctx), senders: { discord: (user, text) => controlBot.notify(user, text) },
      logger: pino({ level: 'silent' }), consumer: 'dc-test', blockMs: 100,
    });
    await delivery.start();
    try {
      for (const user of [ann, bobUser]) {
        await outbox.publish(planExpiringNotice(user.userId, `sub-${user.userId}`, 'Pro', new Date('2026-12-09T00:00:00Z')));
      }
      await waitFor('the DM to Ann', () => fake.dmMessages(app.id, annOnDiscord.id).length === 1, 10_000);
      await waitFor('Bob refused', () => delivery.counts.refused === 1, 10_000);
      assert.equal(fake.dmMessages(app.id, annOnDiscord.id)[0]!.content, '**Your Pro plan ends on 2026-12-09**; then your account moves to Free, and pairs and accounts past its limits are paused. /upgrade shows how to renew.');
      assert.deepEqual(fake.dmMessages(app.id, bob.id).map((m) => m.content), []);
    } finally {
      await delivery.stop();
      await reader.quit();
    }
  });
  it('answers every catalogue command for a linked admin, none with a failure', async () => {
    const { member: max } = await linkedMember('max', { plan: 'pro', role: 'admin' });
    const target = await h.registerUser();
    for (const step of commandSweep(target.email)) {
      const options = Object.fromEntries(step.args.map((value, i) => [SLASH_OPTIONS[step.command]![i]!.name, value]));
      // Discord markdown aside: the sweep's patterns are about the words.
      const reply = (await use(step.command, options, max.id)).text.replace(/\*\*|`|\\/g, '');
      assert.doesNotMatch(reply, /Something went wrong/, step.command);
      assert.match(reply, step.expect, `/${step.command} → ${reply}`);
    }
  });
  it('holds a Free user to the plan\'s commands per minute, saying how long to wait', async () => {
    const { member: gus } = await linkedMember('gus');
    const plan = async (): Promise<string> => (await use('plan', {}, gus.id)).text;
    for (let i = 0; i < PLANS.free.rateLimits.commandsPerMinute; i++) assert.match(await plan(), /^Your plan: \*\*Free\*\*/);
    assert.match(await plan(), /^Too many requests; retry in \d+ s$/);
  });
});
