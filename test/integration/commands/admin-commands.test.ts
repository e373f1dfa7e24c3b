/**
 * The admin bot commands that change things, platform-neutral, against the
 * real API context, PostgreSQL, Redis and the supervisors' admin channel
 * (a stand-in supervisor: a published snapshot and an AdminCommandListener,
 * as the admin API's runtime tests do): sessions stopped, paused, resumed
 * and moved, dead letters listed and replayed, users suspended,
 * reactivated and moved to another plan. Each is audited like its API
 * twin, marked with the bot it came through; refusals change nothing.
 */
import assert from 'node:assert/strict';
import { publishSnapshot, removeSnapshot } from '../../../src/cluster/admin-channel.ts';
import { StandInSupervisors } from '../../helpers/stand-in-supervisors.ts';
import { chatLinksOf } from '../../../src/api/routes/chat-links.ts';
import { CommandRunner } from '../../../src/commands/command-runner.ts';
import { ForwardingPair, User, UserSubscription } from '../../../src/db/entities/index.ts';
import { SessionStateConflictError } from '../../../src/errors/registry.ts';
import type { RegisteredUser } from '../../helpers/api-harness.ts';
import { snapshotA, snapshotB } from '../../helpers/snapshot-fixtures.ts';
import { auditOf, startResourceWorld, type ResourceWorld } from '../api/resource-fixtures.ts';

describe('bot admin commands that change things (real API context, admin channel, PostgreSQL and Redis)', function () {
  this.timeout(30_000);
  let world: ResourceWorld;
  let runner: CommandRunner;
  let boss: { platform: 'discord'; chatUserId: string; displayName: string };
  let admin: RegisteredUser;
  let chatUserId = 700_000;
  let supervisors: StandInSupervisors;
  const ask = async (who: { platform: 'discord' | 'telegram'; chatUserId: string }, text: string): Promise<string> =>
    (await runner.handle({ ...who, displayName: 'x' }, text))?.text ?? '(nothing)';

  async function linked(user: RegisteredUser): Promise<{ platform: 'discord'; chatUserId: string; displayName: string }> {
    const who = { platform: 'discord' as const, chatUserId: String(chatUserId += 1), displayName: 'Boss' };
    const code = (await world.h.request('post', '/v1/me/chat-links', { token: user.accessToken })).body.code as string;
    assert.match(await ask(who, `/link ${code}`), /^Linked/);
    return who;
  }

  before(async () => {
    world = await startResourceWorld();
    supervisors = new StandInSupervisors(world.h.ctx.redis);
    runner = new CommandRunner(world.h.ctx, chatLinksOf(world.h.ctx));
    // Elite: the plan's 60 commands a minute leave room for every command here.
    admin = await world.h.registerUser({ role: 'admin', plan: 'elite' });
    boss = await linked(admin);
  });
  beforeEach(async () => {
    const now = Date.now();
    await publishSnapshot(world.h.ctx.redis, snapshotA(now), 60_000);
    await publishSnapshot(world.h.ctx.redis, snapshotB(now), 60_000);
  });
  afterEach(async () => {
    await supervisors.stopAll();
    await removeSnapshot(world.h.ctx.redis, 'sup-a');
    await removeSnapshot(world.h.ctx.redis, 'sup-b');
  });
  after(async () => {
    await world?.close();
  });

  it('stops, pauses, resumes and moves a session on the supervisor running it, audited as from the bot', async () => {
    const seen = await supervisors.answer('sup-a', async () => ({ ok: true }));
    assert.equal(await ask(boss, '/session tg-alice stop'), 'Session tg-alice stopped on sup-a.');
    assert.equal(await ask(boss, '/session tg-alice pause'), 'Session tg-alice paused on sup-a.');
    assert.equal(await ask(boss, '/session tg-bob resume'), 'Session tg-bob resumed on sup-a.');
    assert.equal(await ask(boss, '/reassign tg-alice w-a2'), 'Session tg-alice moved to w-a2 on sup-a.');
    assert.deepEqual(seen.map((r) => r.command), ['stop', 'pause', 'resume', 'reassign']);
    const trail = (await auditOf(world, 'tg-alice')).filter((a) => a.actor === admin.userId);
    assert.deepEqual(trail.map((a) => a.action), ['admin.runtime_stop', 'admin.runtime_pause', 'admin.runtime_reassign']);
    assert.deepEqual([trail[0]!.actor, trail[0]!.ip, (trail[0]!.after as { via: string; outcome: string }).via], [admin.userId, null, 'bot:discord']);
  });

  it('refuses a bad verb, an unknown session or worker and a supervisor\'s refusal with its reason, sending nothing it should not', async () => {
    const seen = await supervisors.answer('sup-a', async (req) => {
      throw new SessionStateConflictError({ sessionId: (req as { sessionId: string }).sessionId, state: 'stopped', action: req.command });
    });
    assert.equal(await ask(boss, '/session tg-alice explode'), 'Usage: /session ID stop|pause|resume');
    assert.match(await ask(boss, '/session tg-nobody pause'), /tg-nobody/);
    assert.match(await ask(boss, '/reassign tg-alice w-none'), /w-none/);
    assert.equal(seen.length, 0);
    assert.match(await ask(boss, '/session tg-carol resume'), /stopped/);
    assert.equal(seen.length, 1);
    assert.equal(((await auditOf(world, 'tg-carol')).filter((a) => a.actor === admin.userId).at(-1)!.after as { outcome: string }).outcome, 'refused');
  });

  it('lists dead letters, replays one or all', async () => {
    const letters = Array.from({ length: 12 }, (_, i) => ({
      task: { id: `t${i}`, pairId: 'p1', userId: 'u', tier: 'pro', op: 'send', attempts: 5 }, error: 'Missing Access', reason: 'max_attempts', deadAt: Date.now() - 3 * 3_600_000,
    }));
    const seen = await supervisors.answer('sup-a', async (req) => {
      if (req.command === 'dead-letters' && req.action === 'list') return letters.slice(0, (req as { limit: number }).limit);
      return { replayed: ['t0'], missing: ['t99'], conflicting: [] };
    });
    const list = await ask(boss, '/dead_letters');
    assert.match(list, /^Dead letters on sup-a, oldest first\nt0 · pair p1 · pro · max_attempts · 3 h ago: Missing Access\n/);
    assert.equal(list.split('\n').filter((l) => l.startsWith('t')).length, 10);
    assert.match(list, /… and more/);
    assert.equal(await ask(boss, '/dead_letters replay t0'), 'Replayed 1. Not dead letters (unknown or replayed already): t99.');
    assert.equal(await ask(boss, '/dead_letters purge t0'), 'Usage: /dead_letters [replay ID|all]');
    assert.deepEqual(seen.map((r) => (r as { action: string }).action), ['list', 'replay']);
    assert.deepEqual((seen[1] as { ids: unknown }).ids, ['t0']);
  });

  it('suspends and reactivates a user by email, audited, and says when nothing changed', async () => {
    const ann = await world.h.registerUser();
    assert.equal(await ask(boss, `/suspend ${ann.email.toUpperCase()}`), `${ann.email} is suspended now.`);
    assert.equal(await ask(boss, `/suspend ${ann.email}`), `${ann.email} was suspended already.`);
    assert.equal((await world.h.ctx.orm.em.fork().findOneOrFail(User, { id: ann.userId })).status, 'suspended');
    assert.equal(await ask(boss, `/reactivate ${ann.email}`), `${ann.email} is active now.`);
    const trail = (await auditOf(world, ann.userId)).filter((a) => a.action.startsWith('admin.'));
    assert.deepEqual(trail.map((a) => a.action), ['admin.user_suspended', 'admin.user_suspended', 'admin.user_reactivated']);
    assert.equal((trail[0]!.after as { via: string }).via, 'bot:discord');
    assert.equal(await ask(boss, '/suspend nobody@example.com'), 'No user has the email nobody@example.com. /users SEARCH finds them.');
    assert.match(await ask(boss, `/suspend ${admin.email}`), /own account|yourself/i);
    assert.equal((await world.h.ctx.orm.em.fork().findOneOrFail(User, { id: admin.userId })).status, 'active');
  });

  it('moves a user to another plan; pairs over the new limits are paused and counted', async () => {
    const ann = await world.h.registerUser({ plan: 'pro' });
    const em = world.h.ctx.orm.em.fork();
    for (let i = 0; i < 7; i++) {
      em.create(ForwardingPair, {
        user: ann.userId, name: `p${i}`, sourcePlatform: 'discord', sourceAccountId: '00000000-0000-4000-8000-000000000001', sourceChatId: `1${i}0000000000000001`,
        destinationPlatform: 'discord', destinationAccountId: '00000000-0000-4000-8000-000000000001', destinationChatId: `2${i}0000000000000001`,
      });
    }
    await em.flush();
    assert.equal(await ask(boss, `/setplan ${ann.email} gold`), 'Usage: /setplan EMAIL free|pro|elite');
    assert.equal(await ask(boss, `/setplan ${ann.email} free`), `${ann.email} is on free now. Over the new limits, paused: 2 pairs, 0 accounts.`);
    const row = await world.h.ctx.orm.em.fork().findOneOrFail(UserSubscription, { user: ann.userId, status: 'active' }, { populate: ['plan'] });
    assert.deepEqual([row.plan.getEntity().name, row.expiresAt ?? null], ['free', null]);
    assert.deepEqual((await auditOf(world, ann.userId)).filter((a) => a.action.startsWith('admin.')).map((a) => a.action), ['admin.plan_changed']);
    const free = await linked(ann);
    assert.match(await ask(free, `/setplan ${ann.email} elite`), /is for administrators/);
  });
});
