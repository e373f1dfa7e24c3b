import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { columnContext, openSecret } from '../../../src/crypto/secret-box.ts';
import { DiscordAccount, ForwardingPair } from '../../../src/db/entities/index.ts';
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

  it('starts a Telegram link as pending_code, judged by the plan', async () => {
    const free = await world.h.registerUser();
    const res = await as(free, 'post', '/v1/telegram-accounts', { phone: '+15551234567' });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    assert.deepEqual([res.body.status, res.body.telegramUserId, res.body.login.next, res.body.login.available], ['pending_code', null, 'code', false]);
    assert.equal((await as(free, 'get', `/v1/telegram-accounts/${res.body.id}`)).body.phone, '+15551234567');
    const second = await as(free, 'post', '/v1/telegram-accounts', { phone: '+15557654321' });
    assert.deepEqual([second.status, second.body.error.code, second.body.error.resource], [402, 'quota_exceeded', 'sessions']);
    for (const phone of ['5551234567', '+0123456789', '+1 555 123', 12345]) {
      const bad = await as(free, 'post', '/v1/telegram-accounts', { phone });
      assert.deepEqual([bad.status, bad.body.error.details[0].path], [400, 'phone'], String(phone));
    }
    const pro = await world.h.registerUser({ plan: 'pro' });
    assert.equal((await as(pro, 'post', '/v1/telegram-accounts', { phone: '+15550000001' })).status, 201);
    const multi = await as(pro, 'post', '/v1/telegram-accounts', { phone: '+15550000002' });
    assert.deepEqual([multi.status, multi.body.error.code, multi.body.error.feature], [402, 'feature_not_in_plan', 'multi_account']);
    const elite = await world.h.registerUser({ plan: 'elite' });
    assert.equal((await as(elite, 'post', '/v1/telegram-accounts', { phone: '+15550000001' })).status, 201);
    assert.equal((await as(elite, 'post', '/v1/telegram-accounts', { phone: '+15550000002' })).status, 201);
    const dup = await as(elite, 'post', '/v1/telegram-accounts', { phone: '+15550000002' });
    assert.deepEqual([dup.status, dup.body.error.code], [409, 'account_already_linked']);
    const pending = await as(elite, 'patch', `/v1/telegram-accounts/${(await as(elite, 'get', '/v1/telegram-accounts')).body.items[0].id}`, { status: 'active' });
    assert.deepEqual([pending.status, pending.body.error.code], [409, 'account_state_conflict'], 'a pending login cannot be resumed');
    const gone = await as(elite, 'delete', `/v1/telegram-accounts/${(await as(elite, 'get', '/v1/telegram-accounts')).body.items[1].id}`);
    assert.equal(gone.status, 200);
    assert.equal((await countsOf(world, elite.userId)).telegram, 1);
  });

  it('never lets another user read, change or unlink an account', async () => {
    const [a, b] = await Promise.all([world.h.registerUser(), world.h.registerUser()]);
    const bot = await linkBot(world, a);
    const tg = (await as(b, 'post', '/v1/telegram-accounts', { phone: '+15559990000' })).body;
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
