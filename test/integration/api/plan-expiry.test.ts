import assert from 'node:assert/strict';
import { API_JOBS_LOCK_KEY, startApiJobs } from '../../../src/api/jobs/api-jobs.ts';
import { runExpiry } from '../../../src/api/jobs/expire-subscriptions.ts';
import { DiscordAccount, ForwardingPair, User, UserSubscription } from '../../../src/db/entities/index.ts';
import { auditOf, channelId, linkBot, pairBody, startResourceWorld, type ResourceWorld } from './resource-fixtures.ts';

const HOUR = 3_600_000;

describe('api: plan expiry job', function () {
  this.timeout(30_000);
  let world: ResourceWorld;

  before(async () => {
    world = await startResourceWorld();
  });
  after(async () => {
    await world?.close();
  });

  it('moves a lapsed plan to Free at the virtual now: pauses the newest pairs and accounts, tells the user', async () => {
    const u = await world.h.registerUser({ plan: 'pro' });
    const bots = [await linkBot(world, u), await linkBot(world, u), await linkBot(world, u)];
    const pairIds: string[] = [];
    for (let i = 0; i < 7; i += 1) {
      const res = await world.h.request('post', '/v1/pairs', {
        token: u.accessToken,
        body: pairBody(bots[0]!, 0, 1, { source: { platform: 'discord', accountId: bots[0]!.accountId, chatId: channelId(world, bots[0]!) } }),
      });
      pairIds.push(res.body.id);
    }
    const em = world.h.ctx.orm.em.fork();
    const base = Date.now() - 10 * HOUR;
    // Distinct creation times, so "oldest kept" does not hinge on rows created in the same millisecond.
    for (const [i, id] of pairIds.entries()) await em.nativeUpdate(ForwardingPair, { id }, { createdAt: new Date(base + i * 1000) });
    for (const [i, b] of bots.entries()) await em.nativeUpdate(DiscordAccount, { id: b.accountId }, { createdAt: new Date(base + i * 1000) });
    const expiresAt = new Date(Date.now() + HOUR);
    await em.nativeUpdate(UserSubscription, { user: u.userId }, { expiresAt });

    const early = await runExpiry(world.h.ctx, new Date(expiresAt.getTime() - 60_000));
    assert.equal(early.expired.filter((c) => c.userId === u.userId).length, 0, 'not yet');

    const report = await runExpiry(world.h.ctx, new Date(expiresAt.getTime() + 60_000));
    const mine = report.expired.find((c) => c.userId === u.userId);
    assert.ok(mine, 'expired at the virtual now');
    assert.deepEqual([mine.fromPlan, mine.toPlan, mine.roleBefore, mine.roleAfter], ['pro', 'free', 'premium_user', 'free_user']);
    assert.deepEqual(mine.paused.pausePairs, pairIds.slice(5));
    assert.deepEqual(mine.paused.pauseAccounts.map((a) => a.id), [bots[1]!.accountId, bots[2]!.accountId]);

    const fresh = world.h.ctx.orm.em.fork();
    const subs = await fresh.find(UserSubscription, { user: u.userId }, { populate: ['plan'], orderBy: { createdAt: 'asc' } });
    assert.deepEqual(subs.map((s) => [s.plan.getEntity().name, s.status, s.expiresAt ?? null]), [['pro', 'expired', expiresAt], ['free', 'active', null]]);
    assert.equal((await fresh.findOneOrFail(User, { id: u.userId })).role, 'free_user');
    const pairs = await fresh.find(ForwardingPair, { user: u.userId }, { orderBy: { createdAt: 'asc' } });
    assert.deepEqual(pairs.map((p) => [p.status, p.pausedReason ?? null]), [
      ...Array(5).fill(['active', null]), ['paused', 'plan_limit'], ['paused', 'plan_limit'],
    ]);
    const accounts = await fresh.find(DiscordAccount, { user: u.userId }, { orderBy: { createdAt: 'asc' } });
    assert.deepEqual(accounts.map((a) => a.status), ['active', 'paused', 'paused']);

    const [entry] = (await auditOf(world, u.userId)).filter((a) => a.action === 'subscription.expired');
    assert.equal(entry!.actor, null);
    assert.deepEqual((entry!.after as { pausedPairs: string[] }).pausedPairs, pairIds.slice(5));
    const mail = world.h.mail.last(u.email);
    assert.match(mail.subject, /Pro plan has ended/);
    assert.ok(pairIds.slice(5).every((id) => mail.text.includes(id)));
    const told = world.changes.filter((c) => c.userId === u.userId && c.action !== 'upsert');
    assert.deepEqual(told.map((c) => [c.kind, c.action]).sort(), [
      ['discord_account', 'pause'], ['discord_account', 'pause'], ['pair', 'pause'], ['pair', 'pause'],
    ]);
    assert.ok(world.changes.some((c) => c.kind === 'user' && c.id === u.userId && c.action === 'upsert'));

    const again = await runExpiry(world.h.ctx, new Date(expiresAt.getTime() + 120_000));
    assert.equal(again.expired.filter((c) => c.userId === u.userId).length, 0, 'a second run changes nothing');
    const resume = await world.h.request('patch', `/v1/pairs/${pairIds[6]}`, { token: u.accessToken, body: { status: 'active' } });
    assert.deepEqual([resume.status, resume.body.error.code, resume.body.error.resource], [402, 'quota_exceeded', 'active_pairs']);
  });

  it('runs the jobs on one API process at a time (Redis lock)', async () => {
    const jobs = startApiJobs(world.h.ctx, { intervalMs: 3_600_000 });
    try {
      await world.h.ctx.redis.set(API_JOBS_LOCK_KEY, 'another-process', 'PX', 10_000);
      assert.equal(await jobs.runOnce(), false, 'another member holds the lock');
      await world.h.ctx.redis.del(API_JOBS_LOCK_KEY);
      assert.equal(await jobs.runOnce(), true);
      assert.equal(await world.h.ctx.redis.exists(API_JOBS_LOCK_KEY), 0, 'released after the run');
    } finally {
      await jobs.stop();
    }
  });
});
