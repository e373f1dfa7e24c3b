import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { columnContext, openSecret } from '../../../src/crypto/secret-box.ts';
import { DiscordAccount, ForwardingPair, TelegramAccount } from '../../../src/db/entities/index.ts';
import type { RegisteredUser } from '../../helpers/api-harness.ts';
import { countsOf, linkBot, pairBody, startResourceWorld, type ResourceWorld } from './resource-fixtures.ts';

describe('api: linked accounts', function () {
  this.timeout(30_000);
  let world: ResourceWorld;

  before(async () => {
    world = await startResourceWorld();
  });
  after(async () => {
    await world?.close();
  });

  const as = (user: RegisteredUser, method: string, path: string, body?: unknown) =>
    world.h.request(method, path, { token: user.accessToken, ...(body === undefined ? {} : { body }) });

  it('links a Discord bot checked with Discord, seals its token and never returns it', async () => {
    const u = await world.h.registerUser();
    const bot = world.fake.createBot({ username: 'relay' });
    const guild = world.fake.createGuild({ name: 'Team', bots: [bot.id] });
    const res = await as(u, 'post', '/v1/discord-accounts', { token: bot.token });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    assert.deepEqual([res.body.botUserId, res.body.botUsername, res.body.status], [bot.id, 'relay', 'active']);
    assert.deepEqual(res.body.servers, [{ id: guild.id, name: 'Team' }]);
    assert.ok(!JSON.stringify(res.body).includes(bot.token));
    const row = await world.h.ctx.orm.em.fork().findOneOrFail(DiscordAccount, { id: res.body.id });
    assert.match(row.tokenCiphertext, /^v1\./);
    assert.ok(!row.tokenCiphertext.includes(bot.token));
    assert.equal(openSecret(world.h.ctx.keyring, row.tokenCiphertext, columnContext('discord_accounts', 'token_ciphertext', row.id)), bot.token);
    const list = await as(u, 'get', '/v1/discord-accounts');
    assert.deepEqual(list.body.items.map((a: { id: string }) => a.id), [res.body.id]);
    assert.ok(!JSON.stringify(list.body).includes(bot.token));
    assert.deepEqual(world.changes.filter((c) => c.id === res.body.id).map((c) => [c.kind, c.action]), [['discord_account', 'upsert']]);

    const again = await as(u, 'post', '/v1/discord-accounts', { token: bot.token });
    assert.equal(again.status, 402, 'Free has one session: the quota answers before the duplicate');
    assert.deepEqual(
      [again.body.error.code, again.body.error.resource, again.body.error.current, again.body.error.limit, again.body.error.plan],
      ['quota_exceeded', 'sessions', 1, 1, 'free'],
    );
  });

  it('refuses a token Discord refuses, a duplicate bot and a bad body, storing nothing', async () => {
    const u = await world.h.registerUser({ plan: 'pro' });
    const bad = await as(u, 'post', '/v1/discord-accounts', { token: 'not.a.token' });
    assert.deepEqual([bad.status, bad.body.error.code], [400, 'discord_token_invalid']);
    const revoked = world.fake.createBot();
    world.fake.revokeToken(revoked.id);
    assert.equal((await as(u, 'post', '/v1/discord-accounts', { token: revoked.token })).body.error.code, 'discord_token_invalid');
    for (const body of [{}, { token: '' }, { token: 5 }, { token: 'x', extra: 1 }]) {
      const res = await as(u, 'post', '/v1/discord-accounts', body);
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.equal(res.body.error.code, 'validation_failed');
    }
    const first = await linkBot(world, u);
    const twin = await as(u, 'post', '/v1/discord-accounts', { token: first.token });
    assert.deepEqual([twin.status, twin.body.error.code, twin.body.error.accountId], [409, 'account_already_linked', first.accountId]);
    assert.equal((await countsOf(world, u.userId)).discord, 1);
  });

  it('pauses and resumes a bot, resuming only within the session limit', async () => {
    const u = await world.h.registerUser();
    const bot = await linkBot(world, u);
    const paused = await as(u, 'patch', `/v1/discord-accounts/${bot.accountId}`, { status: 'paused' });
    assert.deepEqual([paused.status, paused.body.status], [200, 'paused']);
    assert.equal((await as(u, 'patch', `/v1/discord-accounts/${bot.accountId}`, { status: 'gone' })).status, 400);
    const resumed = await as(u, 'patch', `/v1/discord-accounts/${bot.accountId}`, { status: 'active' });
    assert.equal(resumed.body.status, 'active');
    assert.deepEqual(world.changes.filter((c) => c.id === bot.accountId).map((c) => c.action), ['upsert', 'pause', 'resume']);
    // Two bots on a one-session plan (left over from a bigger plan): only one may run.
    const second = world.fake.createBot();
    await world.h.ctx.orm.em.fork().nativeUpdate(DiscordAccount, { id: bot.accountId }, { status: 'paused' });
    const em = world.h.ctx.orm.em.fork();
    em.create(DiscordAccount, { user: u.userId, botUserId: second.id, botUsername: 'b2', tokenCiphertext: 'v1.x', status: 'active' });
    await em.flush();
    const refused = await as(u, 'patch', `/v1/discord-accounts/${bot.accountId}`, { status: 'active' });
    assert.deepEqual([refused.status, refused.body.error.code, refused.body.error.resource], [402, 'quota_exceeded', 'sessions']);
    await world.h.ctx.orm.em.fork().nativeUpdate(DiscordAccount, { id: bot.accountId }, { status: 'revoked' });
    const revoked = await as(u, 'patch', `/v1/discord-accounts/${bot.accountId}`, { status: 'paused' });
    assert.deepEqual([revoked.status, revoked.body.error.code], [409, 'account_state_conflict']);
  });

  it('unlinks a bot together with the pairs that use it', async () => {
    const u = await world.h.registerUser();
    const bot = await linkBot(world, u);
    const pair = (await as(u, 'post', '/v1/pairs', pairBody(bot))).body;
    const res = await as(u, 'delete', `/v1/discord-accounts/${bot.accountId}`);
    assert.deepEqual([res.status, res.body.deletedPairIds], [200, [pair.id]]);
    assert.deepEqual(await countsOf(world, u.userId), { pairs: 0, discord: 0, telegram: 0 });
    assert.ok(world.changes.some((c) => c.kind === 'pair' && c.id === pair.id && c.action === 'delete'));
  });

  it('answers telegram_unavailable when Telegram is not configured, checking nothing else and storing nothing', async () => {
    // The login itself, with the plan rules, runs against the MTProto fake in telegram-login.test.ts.
    const free = await world.h.registerUser();
    await linkBot(world, free);
    const res = await as(free, 'post', '/v1/telegram-accounts', { phone: '+15551234567' });
    assert.deepEqual([res.status, res.body.error.code], [409, 'telegram_unavailable'], 'before the plan, which would refuse it');
    const bad = await as(free, 'post', '/v1/telegram-accounts', { phone: '5551234567' });
    assert.deepEqual([bad.status, bad.body.error.details[0].path], [400, 'phone'], 'the body is checked first');
    assert.equal((await countsOf(world, free.userId)).telegram, 0);
    // A login left from when Telegram was configured cannot go on either.
    const em = world.h.ctx.orm.em.fork();
    const pending = em.create(TelegramAccount, { user: free.userId, phone: '+15551234567', status: 'pending_code', loginExpiresAt: new Date(Date.now() + 60_000) });
    await em.flush();
    for (const [step, body] of [['code', { code: '12345' }], ['password', { password: 'pw' }], ['resend', undefined]] as const) {
      const res = await as(free, 'post', `/v1/telegram-accounts/${pending.id}/${step}`, body);
      assert.deepEqual([res.status, res.body.error.code], [409, 'telegram_unavailable'], step);
    }
  });

  it('never lets another user read, change or unlink an account', async () => {
    const [a, b] = await Promise.all([world.h.registerUser(), world.h.registerUser()]);
    const bot = await linkBot(world, a);
    const em = world.h.ctx.orm.em.fork();
    const tg = em.create(TelegramAccount, { user: b.userId, phone: '+15559990000', status: 'pending_code', loginExpiresAt: new Date(Date.now() + 60_000) });
    await em.flush();
    for (const [user, platform, id] of [[b, 'discord', bot.accountId], [a, 'telegram', tg.id]] as const) {
      for (const [method, body] of [['get', undefined], ['patch', { status: 'paused' }], ['delete', undefined]] as const) {
        const res = await as(user, method, `/v1/${platform}-accounts/${id}`, body);
        assert.deepEqual([res.status, res.body.error.code], [404, 'linked_account_not_found'], `${method} ${platform}`);
      }
    }
    assert.equal((await as(b, 'get', '/v1/discord-accounts')).body.items.length, 0);
    assert.equal((await as(a, 'get', `/v1/discord-accounts/${bot.accountId}`)).body.status, 'active');
    assert.equal((await as(b, 'get', `/v1/telegram-accounts/${tg.id}`)).body.status, 'pending_code');
    assert.equal((await as(a, 'get', `/v1/discord-accounts/${randomUUID()}`)).status, 404);
    assert.equal((await as(a, 'get', '/v1/discord-accounts/not-a-uuid')).status, 400);
    assert.equal(await world.h.ctx.orm.em.fork().count(ForwardingPair, { user: b.userId }), 0);
  });
});
