import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { ForwardingPair, RefreshTokenFamily, User, UserSubscription } from '../../../src/db/entities/index.ts';
import type { RegisteredUser } from '../../helpers/api-harness.ts';
import { auditOf, channelId, linkBot, pairBody, startResourceWorld, type ResourceWorld } from './resource-fixtures.ts';

describe('api: admin users', function () {
  this.timeout(30_000);
  let world: ResourceWorld;
  let admin: RegisteredUser;
  let plain: RegisteredUser;

  before(async () => {
    world = await startResourceWorld();
    [admin, plain] = await Promise.all([world.h.registerUser({ role: 'admin' }), world.h.registerUser()]);
  });
  after(async () => {
    await world?.close();
  });

  const as = (user: RegisteredUser, method: string, path: string, body?: unknown) =>
    world.h.request(method, path, { token: user.accessToken, ...(body === undefined ? {} : { body }) });

  it('refuses every admin route to a Free user (403) and to anyone signed out (401)', async () => {
    const routes = world.h.ctx.doc.routes().filter((r) => r.path.startsWith('/v1/admin'));
    // The count makes a new admin route fail here until someone looks at it (22: GET /v1/admin/payments).
    assert.equal(routes.length, 22, 'every admin route is checked');
    for (const route of routes) {
      const path = route.path.replace('{id}', randomUUID());
      const body = route.body === undefined ? undefined : {};
      const res = await as(plain, route.method, path, body);
      assert.equal(res.status, 403, `${route.method} ${path}`);
      assert.equal(res.body.error.code, 'forbidden_role');
      const anonymous = await world.h.request(route.method, path, body === undefined ? {} : { body });
      assert.equal(anonymous.status, 401, `${route.method} ${path} anonymous`);
    }
  });

  it('lists users by email, plan, role and status, paginated, with plan and usage', async () => {
    const tag = randomUUID().slice(0, 8);
    const pro = await world.h.registerUser({ plan: 'pro', email: `list-${tag}-pro@example.com` });
    await world.h.registerUser({ email: `list-${tag}-free@example.com` });
    await world.h.ctx.redis.set(`usage:messages:${pro.userId}:${new Date().toISOString().slice(0, 7)}`, '42');
    const all = await as(admin, 'get', `/v1/admin/users?email=LIST-${tag}`);
    assert.equal(all.status, 200, JSON.stringify(all.body));
    assert.equal(all.body.total, 2);
    const byPlan = await as(admin, 'get', `/v1/admin/users?email=list-${tag}&plan=pro`);
    assert.deepEqual(byPlan.body.items.map((u: { id: string }) => u.id), [pro.userId]);
    assert.equal(byPlan.body.items[0].plan, 'pro');
    assert.equal(byPlan.body.items[0].role, 'premium_user');
    assert.equal(byPlan.body.items[0].usage.messagesForwarded, 42);
    const page = await as(admin, 'get', `/v1/admin/users?email=list-${tag}&limit=1&offset=1`);
    assert.deepEqual([page.body.items.length, page.body.total, page.body.limit, page.body.offset], [1, 2, 1, 1]);
    const past = await as(admin, 'get', `/v1/admin/users?email=list-${tag}&offset=5`);
    assert.deepEqual([past.body.items.length, past.body.total], [0, 2]);
    assert.equal((await as(admin, 'get', '/v1/admin/users?role=admin')).body.items.some((u: { id: string }) => u.id === admin.userId), true);
    assert.equal((await as(admin, 'get', `/v1/admin/users?email=list-${tag}&status=suspended`)).body.total, 0);
    assert.equal((await as(admin, 'get', '/v1/admin/users?email=%25')).body.total, 0, 'a % in the search is literal');
    const bad = await as(admin, 'get', '/v1/admin/users?plan=gold&limit=0');
    assert.equal(bad.status, 400);
    assert.deepEqual(bad.body.error.details.map((d: { path: string }) => d.path).sort(), ['limit', 'plan']);
  });

  it('shows one user with subscription, usage, accounts, pairs and sessions', async () => {
    const u = await world.h.registerUser({ plan: 'pro' });
    const bot = await linkBot(world, u);
    await as(u, 'post', '/v1/pairs', pairBody(bot));
    const res = await as(admin, 'get', `/v1/admin/users/${u.userId}`);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.plan, 'pro');
    assert.equal(res.body.subscriptions[0].status, 'active');
    assert.equal(res.body.usage.pairs.used, 1);
    assert.equal(res.body.discordAccounts[0].id, bot.accountId);
    assert.equal(res.body.pairs.length, 1);
    assert.equal(res.body.sessions.length, 1);
    assert.equal((await as(admin, 'get', `/v1/admin/users/${randomUUID()}`)).status, 404);
  });

  it('suspends and reactivates, audited with actor, target, address and before/after', async () => {
    const u = await world.h.registerUser();
    const suspended = await as(admin, 'post', `/v1/admin/users/${u.userId}/suspend`);
    assert.equal(suspended.status, 200);
    assert.equal(suspended.body.status, 'suspended');
    const refused = await as(u, 'get', '/v1/me');
    assert.deepEqual([refused.status, refused.body.error.code], [403, 'account_inactive']);
    assert.equal((await as(admin, 'post', `/v1/admin/users/${u.userId}/reactivate`)).body.status, 'active');
    assert.equal((await as(u, 'get', '/v1/me')).status, 200);
    const trail = (await auditOf(world, u.userId)).filter((a) => a.action.startsWith('admin.'));
    assert.deepEqual(trail.map((a) => [a.action, a.actor, a.before, a.after]), [
      ['admin.user_suspended', admin.userId, { status: 'active' }, { status: 'suspended' }],
      ['admin.user_reactivated', admin.userId, { status: 'suspended' }, { status: 'active' }],
    ]);
    assert.match(trail[0]!.ip ?? '', /127\.0\.0\.1/);
    assert.deepEqual(world.changes.filter((c) => c.id === u.userId).map((c) => c.action), ['pause', 'resume']);
    const self = await as(admin, 'post', `/v1/admin/users/${admin.userId}/suspend`);
    assert.deepEqual([self.status, self.body.error.code], [409, 'admin_self_action']);
  });

  it('deletes softly: status deleted, sessions revoked, tokens refused, actors stopped, data kept', async () => {
    const u = await world.h.registerUser({ plan: 'pro' });
    const bot = await linkBot(world, u);
    await as(u, 'post', '/v1/pairs', pairBody(bot));
    const res = await as(admin, 'delete', `/v1/admin/users/${u.userId}`);
    assert.equal(res.status, 200);
    assert.equal(res.body.status, 'deleted');
    assert.ok(res.body.deletedAt && res.body.tokensNotBefore);
    const em = world.h.ctx.orm.em.fork();
    assert.equal(await em.count(RefreshTokenFamily, { user: u.userId, revokedAt: null }), 0);
    assert.equal(await em.count(ForwardingPair, { user: u.userId }), 1, 'data kept');
    assert.equal((await as(u, 'get', '/v1/pairs')).status, 403);
    assert.ok(world.changes.some((c) => c.kind === 'user' && c.id === u.userId && c.action === 'delete'));
    const [entry] = (await auditOf(world, u.userId)).filter((a) => a.action === 'admin.user_deleted');
    assert.deepEqual(entry!.after, { status: 'deleted', deletedAt: res.body.deletedAt, sessionsRevoked: 1 });
    const again = await as(admin, 'post', `/v1/admin/users/${u.userId}/reactivate`);
    assert.deepEqual([again.status, again.body.error.code], [409, 'account_state_conflict']);
  });

  it('changes the plan with an expiry, and a downgrade pauses what no longer fits (newest first)', async () => {
    const u = await world.h.registerUser({ plan: 'elite' });
    const bots = [await linkBot(world, u), await linkBot(world, u)];
    const pairIds: string[] = [];
    for (let i = 0; i < 7; i += 1) {
      const res = await as(u, 'post', '/v1/pairs', pairBody(bots[0]!, 0, 1, { source: { platform: 'discord', accountId: bots[0]!.accountId, chatId: channelId(world, bots[0]!) } }));
      pairIds.push(res.body.id);
    }
    const past = await as(admin, 'put', `/v1/admin/users/${u.userId}/plan`, { plan: 'pro', expiresAt: '2000-01-01T00:00:00Z' });
    assert.deepEqual([past.status, past.body.error.details[0].path], [400, 'expiresAt']);
    const expiry = new Date(Date.now() + 30 * 86_400_000).toISOString();
    const pro = await as(admin, 'put', `/v1/admin/users/${u.userId}/plan`, { plan: 'pro', expiresAt: expiry });
    assert.equal(pro.status, 200, JSON.stringify(pro.body));
    assert.deepEqual([pro.body.subscription.plan, pro.body.subscription.expiresAt, pro.body.pausedPairIds], ['pro', new Date(expiry).toISOString(), []]);
    const free = await as(admin, 'put', `/v1/admin/users/${u.userId}/plan`, { plan: 'free' });
    assert.equal(free.status, 200);
    assert.equal(free.body.user.role, 'free_user');
    assert.deepEqual(free.body.pausedPairIds.sort(), pairIds.slice(5).sort());
    assert.deepEqual(free.body.pausedAccounts, [{ id: bots[1]!.accountId, platform: 'discord' }]);
    const em = world.h.ctx.orm.em.fork();
    const subs = await em.find(UserSubscription, { user: u.userId }, { populate: ['plan'], orderBy: { createdAt: 'asc' } });
    assert.deepEqual(subs.map((s) => [s.plan.getEntity().name, s.status]), [['elite', 'cancelled'], ['pro', 'cancelled'], ['free', 'active']]);
    const paused = await em.find(ForwardingPair, { user: u.userId, status: 'paused' });
    assert.ok(paused.every((p) => p.pausedReason === 'plan_limit'));
    const trail = (await auditOf(world, u.userId)).filter((a) => a.action === 'admin.plan_changed');
    assert.deepEqual(trail.map((a) => [(a.before as { plan: string }).plan, (a.after as { plan: string }).plan]), [['elite', 'pro'], ['pro', 'free']]);
  });

  it('revokes every session: the user\'s access token stops working at once', async () => {
    const u = await world.h.registerUser();
    assert.equal((await as(u, 'get', '/v1/me')).status, 200);
    const res = await as(admin, 'post', `/v1/admin/users/${u.userId}/revoke-sessions`);
    assert.deepEqual([res.status, res.body.revoked], [200, 1]);
    const after = await as(u, 'get', '/v1/me');
    assert.deepEqual([after.status, after.body.error.code], [401, 'token_revoked']);
    const user = await world.h.ctx.orm.em.fork().findOneOrFail(User, { id: u.userId });
    assert.ok(user.tokensNotBefore instanceof Date);
    assert.equal((await auditOf(world, u.userId)).filter((a) => a.action === 'admin.sessions_revoked').length, 1);
  });

  it('clears a user\'s rate limit', async () => {
    const u = await world.h.registerUser();
    let status = 200;
    for (let i = 0; i < 70 && status !== 429; i += 1) status = (await as(u, 'get', '/v1/me')).status;
    assert.equal(status, 429);
    assert.equal((await as(admin, 'delete', `/v1/admin/users/${u.userId}/rate-limits`)).status, 204);
    assert.equal((await as(u, 'get', '/v1/me')).status, 200);
    assert.equal((await auditOf(world, u.userId)).filter((a) => a.action === 'admin.rate_limits_cleared').length, 1);
  });

  it('impersonates a user with a marked token, audited; never an admin', async () => {
    const u = await world.h.registerUser();
    const res = await as(admin, 'post', `/v1/admin/users/${u.userId}/impersonate`);
    assert.equal(res.status, 200);
    const me = await world.h.request('get', '/v1/me', { token: res.body.accessToken });
    assert.deepEqual([me.status, me.body.id, me.body.impersonatorId], [200, u.userId, admin.userId]);
    const [entry] = (await auditOf(world, u.userId)).filter((a) => a.action === 'admin.impersonation_started');
    assert.equal(entry!.actor, admin.userId);
    const otherAdmin = await world.h.registerUser({ role: 'admin' });
    const refused = await as(admin, 'post', `/v1/admin/users/${otherAdmin.userId}/impersonate`);
    assert.deepEqual([refused.status, refused.body.error.code], [403, 'impersonation_refused']);
    const nested = await world.h.request('post', `/v1/admin/users/${plain.userId}/impersonate`, { token: res.body.accessToken });
    assert.equal(nested.status, 403);
  });

  it('reports users and pairs by tier and messages this period', async () => {
    const before = (await as(admin, 'get', '/v1/admin/stats')).body;
    const u = await world.h.registerUser({ plan: 'elite' });
    const bot = await linkBot(world, u);
    await as(u, 'post', '/v1/pairs', pairBody(bot));
    await world.h.ctx.redis.set(`usage:messages:${u.userId}:${new Date().toISOString().slice(0, 7)}`, '7');
    const after = await as(admin, 'get', '/v1/admin/stats');
    assert.equal(after.status, 200, JSON.stringify(after.body));
    assert.equal(after.body.users.byTier.elite, before.users.byTier.elite + 1);
    assert.equal(after.body.pairs.active.elite, before.pairs.active.elite + 1);
    assert.equal(after.body.messagesThisPeriod.byTier.elite, before.messagesThisPeriod.byTier.elite + 7);
  });

  it('filters the audit trail by actor, target, action and time', async () => {
    const u = await world.h.registerUser();
    const start = new Date(Date.now() - 1000).toISOString();
    await as(admin, 'post', `/v1/admin/users/${u.userId}/suspend`);
    await as(admin, 'post', `/v1/admin/users/${u.userId}/reactivate`);
    const res = await as(admin, 'get', `/v1/admin/audit?target=${u.userId}&action=admin.&actor=${admin.userId}&since=${encodeURIComponent(start)}`);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.deepEqual(res.body.items.map((e: { action: string }) => e.action), ['admin.user_reactivated', 'admin.user_suspended']);
    const one = await as(admin, 'get', `/v1/admin/audit?target=${u.userId}&action=admin.user_suspended&limit=1`);
    assert.deepEqual([one.body.total, one.body.items[0].actorUserId, one.body.items[0].targetType], [1, admin.userId, 'user']);
    assert.equal((await as(admin, 'get', `/v1/admin/audit?target=${u.userId}&until=${encodeURIComponent(start)}`)).body.total, 0);
    assert.equal((await as(admin, 'get', '/v1/admin/audit?since=yesterday')).status, 400);
  });
});
