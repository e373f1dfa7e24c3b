/**
 * The control bot's commands, platform-neutral, against the real API
 * context, PostgreSQL and Redis: a chat identity links with a code from the
 * API, then asks for its plan, usage, upgrades, accounts and pairs, pauses
 * and resumes a pair; refusals (unlinked, not an admin, unknown pair, a
 * stale code, the plan's rate) are replies that change nothing.
 */
import assert from 'node:assert/strict';
import { PLANS } from '../../../config/plans.ts';
import { chatLinksOf } from '../../../src/api/routes/chat-links.ts';
import { CommandRunner } from '../../../src/commands/command-runner.ts';
import { DiscordAccount, ForwardingPair, TelegramAccount } from '../../../src/db/entities/index.ts';
import { startApiHarness, type ApiHarness, type RegisteredUser } from '../../helpers/api-harness.ts';

describe('bot commands, platform-neutral (real API context, PostgreSQL and Redis)', function () {
  this.timeout(30_000);
  let h: ApiHarness;
  let runner: CommandRunner;
  let ann: RegisteredUser;
  let chatUserId = 500_000;
  const tg = () => ({ platform: 'telegram' as const, chatUserId: String(chatUserId += 1), displayName: 'Ann' });
  const ask = async (who: ReturnType<typeof tg>, text: string): Promise<string> => (await runner.handle(who, text))?.text ?? '(nothing)';

  async function linked(user: RegisteredUser): Promise<ReturnType<typeof tg>> {
    const who = tg();
    const code = (await h.request('post', '/v1/me/chat-links', { token: user.accessToken })).body.code as string;
    assert.match(await ask(who, `/link ${code}`), new RegExp(`^Linked: this chat now acts as ${user.email.replace(/[.+]/g, '\\$&')}`));
    return who;
  }

  before(async () => {
    h = await startApiHarness();
    runner = new CommandRunner(h.ctx, chatLinksOf(h.ctx));
    ann = await h.registerUser({ plan: 'pro' });
    const em = h.ctx.orm.em.fork();
    em.create(TelegramAccount, { user: ann.userId, phone: '+15550008001', displayName: 'Ann TG', status: 'active' });
    const bot = em.create(DiscordAccount, { user: ann.userId, botUserId: '900000000000000001', botUsername: 'annbot', tokenCiphertext: 'x', status: 'revoked', lastError: 'Discord rejected the bot token' });
    for (const name of ['news', 'alerts']) {
      em.create(ForwardingPair, {
        user: ann.userId, name, sourcePlatform: 'discord', sourceAccountId: bot.id, sourceChatId: `1${name.length}00000000000000001`,
        destinationPlatform: 'discord', destinationAccountId: bot.id, destinationChatId: `2${name.length}00000000000000001`,
      });
    }
    await em.flush();
  });
  after(async () => {
    await h?.close();
  });

  it('an unlinked chat gets /start and /help, and is told to link for the rest; a stale code links nothing', async () => {
    const who = tg();
    assert.match(await ask(who, '/start'), /Link this chat first/);
    assert.match(await ask(who, '/help'), /\/link CODE/);
    assert.match(await ask(who, '/plan'), /needs this chat linked/);
    assert.match(await ask(who, '/link ZZZZ-ZZZZ'), /This link code is not valid/);
    assert.equal(await chatLinksOf(h.ctx).userOf('telegram', who.chatUserId), null);
    assert.equal(await ask(who, 'hello there'), '(nothing)', 'not a command: no reply');
  });

  it('a linked chat reads its plan, usage, upgrades, accounts and status', async () => {
    const who = await linked(ann);
    assert.match(await ask(who, '/plan'), /Your plan: Pro/);
    assert.match(await ask(who, '/usage'), /Forwarding pairs: 2 \/ unlimited/);
    const upgrade = await ask(who, '/upgrade');
    assert.match(upgrade, /Elite/);
    assert.match(upgrade, /contact an administrator/);
    const accounts = await ask(who, '/accounts');
    assert.match(accounts, /Telegram Ann TG · running/);
    assert.match(accounts, /Discord annbot · signed out by the platform/);
    assert.match(await ask(who, '/status'), /Accounts: 1 of 2 running\. Pairs: 2 of 2 active\./);
  });

  it('/pairs lists the pairs and pauses and resumes one by name or id start, through the API\'s rules', async () => {
    const who = await linked(ann);
    const list = await ask(who, '/pairs');
    assert.match(list, /Your pairs \(2\)/);
    assert.match(list, /news · active/);
    assert.match(await ask(who, '/pairs pause NEWS'), /^news is paused\.$/);
    const news = await h.ctx.orm.em.fork().findOneOrFail(ForwardingPair, { user: ann.userId, name: 'news' });
    assert.equal(news.status, 'paused');
    assert.match(await ask(who, '/pairs'), /news · paused/);
    assert.match(await ask(who, `/pairs resume ${news.id.slice(0, 8)}`), /^news forwards again\.$/);
    assert.match(await ask(who, '/pairs pause nothing-here'), /You have no pair named "nothing-here"/);
    assert.match(await ask(who, '/pairs stop news'), /^Usage: \/pairs \[pause\|resume NAME\]$/);
    assert.equal((await h.ctx.orm.em.fork().findOneOrFail(ForwardingPair, { id: news.id })).status, 'active');
  });

  it('refuses admin commands to users; gives admins the user directory, the stats and the workers', async () => {
    const who = await linked(ann);
    assert.match(await ask(who, '/users'), /is for administrators/);
    assert.match(await ask(who, '/stats'), /is for administrators/);
    const admin = await h.registerUser({ role: 'admin' });
    const boss = await linked(admin);
    const users = await ask(boss, `/users ${ann.email.slice(0, 12)}`);
    assert.match(users, /^Users matching ".+": 1\n/);
    assert.match(users, new RegExp(`${ann.email.replace(/[.+]/g, '\\$&')} · pro · premium_user · active · 2 pairs · 1 sessions`));
    assert.match(await ask(boss, '/users nobody-has-this-email'), /No user's email contains "nobody-has-this-email"/);
    const stats = await ask(boss, '/stats');
    assert.match(stats, /^Switchboard now\nUsers \d+: elite \d+ · pro \d+ · free \d+/);
    // Supervisors of other suites may publish under this prefix; the figures' shapes are in the replies' unit test.
    assert.match(stats, /No supervisor is running|Sessions: elite \d+/);
    assert.match(await ask(boss, '/workers'), /No supervisor is running\.|sessions/);
  });

  it('/unlink unties the chat; its next command is refused as unlinked', async () => {
    const who = await linked(ann);
    assert.match(await ask(who, '/unlink'), /^Unlinked/);
    assert.match(await ask(who, '/plan'), /needs this chat linked/);
  });

  it('counts commands against the plan\'s rate: past Free\'s per-minute limit the reply says how long to wait', async () => {
    const free = await h.registerUser();
    const who = await linked(free);
    for (let i = 0; i < PLANS.free.rateLimits.commandsPerMinute; i++) assert.match(await ask(who, '/plan'), /Your plan: Free/);
    assert.match(await ask(who, '/plan'), /^Too many requests; retry in \d+ s$/);
  });
});
