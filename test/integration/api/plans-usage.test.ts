import assert from 'node:assert/strict';
import { UsagePeriod, UserSubscription } from '../../../src/db/entities/index.ts';
import { flushUsage } from '../../../src/api/usage/flush-usage.ts';
import { usagePeriodAt } from '../../../src/api/usage/usage-period.ts';
import type { RegisteredUser } from '../../helpers/api-harness.ts';
import { channelId, linkBot, pairBody, startResourceWorld, type ResourceWorld } from './resource-fixtures.ts';

describe('api: me, plans, subscription, usage, upgrade', function () {
  this.timeout(30_000);
  let world: ResourceWorld;

  before(async () => {
    world = await startResourceWorld();
  });
  after(async () => {
    await world?.close();
  });

  const as = (user: RegisteredUser, method: string, path: string) => world.h.request(method, path, { token: user.accessToken });
  const label = () => usagePeriodAt(new Date()).label;

  it('lists the plans to anyone', async () => {
    const res = await world.h.request('get', '/v1/plans');
    assert.equal(res.status, 200);
    assert.deepEqual(res.body.items.map((p: { name: string }) => p.name), ['free', 'pro', 'elite']);
    assert.equal(res.body.items[0].limits.pairs, 5);
    assert.equal(res.body.items[2].limits.pairs, null);
  });

  it('describes the caller', async () => {
    const u = await world.h.registerUser({ plan: 'pro' });
    const me = await as(u, 'get', '/v1/me');
    assert.equal(me.status, 200);
    assert.deepEqual([me.body.id, me.body.email, me.body.role, me.body.plan, me.body.via, me.body.impersonatorId], [u.userId, u.email, 'premium_user', 'pro', 'access_token', null]);
    assert.equal((await world.h.request('get', '/v1/me')).status, 401);
  });

  it('shows the subscription, falling back to Free once its expiry passed', async () => {
    const free = await world.h.registerUser();
    const none = await as(free, 'get', '/v1/subscription');
    assert.deepEqual([none.body.plan.name, none.body.status, none.body.expiresAt, none.body.subscribedPlan], ['free', 'active', null, 'free']);
    const pro = await world.h.registerUser({ plan: 'pro' });
    const active = await as(pro, 'get', '/v1/subscription');
    assert.deepEqual([active.body.plan.name, active.body.status, active.body.plan.features.copyMode], ['pro', 'active', true]);
    await world.h.ctx.orm.em.fork().nativeUpdate(UserSubscription, { user: pro.userId }, { expiresAt: new Date(Date.now() - 1000) });
    const lapsed = await as(pro, 'get', '/v1/subscription');
    assert.deepEqual([lapsed.body.plan.name, lapsed.body.status, lapsed.body.subscribedPlan], ['free', 'expired', 'pro']);
    assert.ok(lapsed.body.expiresAt);
  });

  it('reports usage against the limits, warning from 80 %, messages from the runtime\'s counter', async () => {
    const u = await world.h.registerUser();
    const bot = await linkBot(world, u);
    for (let i = 0; i < 4; i += 1) await world.h.request('post', '/v1/pairs', { token: u.accessToken, body: pairBody(bot, 0, 1, { source: { platform: 'discord', accountId: bot.accountId, chatId: channelId(world, bot) } }) });
    await world.h.ctx.redis.set(`usage:messages:${u.userId}:${label()}`, '8000');
    const res = await as(u, 'get', '/v1/usage');
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const f = res.body.figures;
    assert.deepEqual(f.pairs, { used: 4, limit: 5, warning: true });
    assert.deepEqual(f.sessions, { used: 1, limit: 1, warning: true });
    assert.deepEqual(f.messagesForwarded, { used: 8000, limit: 10_000, warning: true });
    assert.deepEqual(f.commands, { used: 0, limit: 1000, warning: false });
    assert.equal(f.apiCalls.warning, false);
    assert.ok(f.apiCalls.used >= 6, 'every authenticated call counts, this one included');
    assert.equal(res.body.period.start, usagePeriodAt(new Date()).start.toISOString());
  });

  it('counts API calls per period and refuses past the plan\'s quota (402)', async () => {
    const u = await world.h.registerUser();
    const first = (await as(u, 'get', '/v1/usage')).body.figures.apiCalls.used;
    const second = (await as(u, 'get', '/v1/usage')).body.figures.apiCalls.used;
    assert.equal(second, first + 1);
    await world.h.ctx.redis.set(`usage:api_calls:${u.userId}:${label()}`, '10000');
    const refused = await as(u, 'get', '/v1/pairs');
    assert.deepEqual(
      [refused.status, refused.body.error.code, refused.body.error.resource, refused.body.error.limit, refused.body.error.plan],
      [402, 'quota_exceeded', 'api_calls', 10_000, 'free'],
    );
  });

  it('flushes the counters into usage_periods, never lowering a stored figure', async () => {
    const u = await world.h.registerUser();
    await world.h.ctx.redis.set(`usage:messages:${u.userId}:${label()}`, '12');
    await as(u, 'get', '/v1/me');
    await flushUsage(world.h.ctx, new Date());
    const em = world.h.ctx.orm.em.fork();
    const row = await em.findOneOrFail(UsagePeriod, { user: u.userId, periodStart: usagePeriodAt(new Date()).start });
    assert.equal(row.messagesForwarded, 12);
    assert.ok(row.apiCalls >= 1);
    await world.h.ctx.redis.del(`usage:messages:${u.userId}:${label()}`);
    await flushUsage(world.h.ctx, new Date());
    await em.refresh(row);
    assert.equal(row.messagesForwarded, 12, 'a lost Redis counter does not lower the stored figure');
    assert.equal((await as(u, 'get', '/v1/usage')).body.figures.messagesForwarded.used, 12, 'the API reads the larger of the two');
  });

  it('lists upgrade options from the current plan and says payment is not there yet', async () => {
    const free = await world.h.registerUser();
    const res = await as(free, 'get', '/v1/upgrade');
    assert.equal(res.status, 200);
    assert.equal(res.body.currentPlan, 'free');
    assert.deepEqual(res.body.options.map((o: { plan: { name: string } }) => o.plan.name), ['pro', 'elite']);
    assert.ok(res.body.options[0].gains.features.includes('copyMode'));
    assert.deepEqual(res.body.options[0].gains.limits.find((l: { limit: string }) => l.limit === 'pairs'), { limit: 'pairs', from: 5, to: null });
    assert.equal(res.body.payment.available, false);
    const elite = await world.h.registerUser({ plan: 'elite' });
    assert.deepEqual((await as(elite, 'get', '/v1/upgrade')).body.options, []);
  });
});
