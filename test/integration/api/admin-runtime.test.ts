/**
 * The admin runtime routes against the real admin channel on Redis, with a
 * stand-in supervisor (a published status snapshot and an
 * AdminCommandListener answering), as the CLI's tests do: a real supervisor
 * with worker processes would add seconds for nothing the channel does not show.
 */
import assert from 'node:assert/strict';
import { publishSnapshot, removeSnapshot } from '../../../src/cluster/admin-channel.ts';
import { StandInSupervisors } from '../../helpers/stand-in-supervisors.ts';
import { SessionStateConflictError } from '../../../src/errors/registry.ts';
import type { RegisteredUser } from '../../helpers/api-harness.ts';
import { snapshotA, snapshotB } from '../../helpers/snapshot-fixtures.ts';
import { auditOf, startResourceWorld, type ResourceWorld } from './resource-fixtures.ts';

describe('api: admin runtime control', function () {
  this.timeout(30_000);
  let world: ResourceWorld;
  let admin: RegisteredUser;
  let supervisors: StandInSupervisors;

  before(async () => {
    world = await startResourceWorld();
    supervisors = new StandInSupervisors(world.h.ctx.redis);
    admin = await world.h.registerUser({ role: 'admin' });
  });
  afterEach(async () => {
    await supervisors.stopAll();
    await removeSnapshot(world.h.ctx.redis, 'sup-a');
    await removeSnapshot(world.h.ctx.redis, 'sup-b');
  });
  after(async () => {
    await world?.close();
  });

  const as = (method: string, path: string, body?: unknown) =>
    world.h.request(method, path, { token: admin.accessToken, ...(body === undefined ? {} : { body }) });

  async function publishBoth(): Promise<void> {
    const now = Date.now();
    await publishSnapshot(world.h.ctx.redis, snapshotA(now), 60_000);
    await publishSnapshot(world.h.ctx.redis, snapshotB(now), 60_000);
  }

  it('answers 503 no_supervisor_running when no supervisor publishes a snapshot', async () => {
    for (const [method, path, body] of [
      ['get', '/v1/admin/workers', undefined],
      ['get', '/v1/admin/sessions', undefined],
      ['post', '/v1/admin/sessions/tg-alice/stop', {}],
      ['get', '/v1/admin/dead-letters', undefined],
    ] as const) {
      const res = await as(method, path, body);
      assert.deepEqual([res.status, res.body.error.code], [503, 'no_supervisor_running'], `${method} ${path}`);
    }
  });

  it('lists workers and sessions from the snapshots, with the CLI\'s filters', async () => {
    await publishBoth();
    const workers = await as('get', '/v1/admin/workers');
    assert.equal(workers.status, 200, JSON.stringify(workers.body));
    assert.deepEqual(workers.body.items.map((w: { workerId: string }) => w.workerId), ['w-a1', 'w-a2', 'w-b1']);
    assert.deepEqual((await as('get', '/v1/admin/workers?supervisorId=sup-b')).body.items.length, 1);
    assert.equal((await as('get', '/v1/admin/workers?supervisorId=sup-z')).body.error.code, 'supervisor_not_found');
    const paused = await as('get', '/v1/admin/sessions?state=paused');
    assert.deepEqual(paused.body.items.map((s: { actorId: string }) => s.actorId), ['lb-dave', 'tg-bob']);
    const free = await as('get', '/v1/admin/sessions?tier=free&workerId=w-a2');
    assert.deepEqual(free.body.items.map((s: { actorId: string }) => s.actorId), ['lb-dave', 'tg-carol']);
    assert.equal((await as('get', '/v1/admin/sessions?workerId=w-zz')).status, 404);
    assert.equal((await as('get', '/v1/admin/sessions?state=asleep')).status, 400);
  });

  it('stops, pauses, resumes and reassigns a session through its supervisor, audited', async () => {
    await publishBoth();
    const seen = await supervisors.answer('sup-a', async (req) => ({ done: req.command }));
    for (const verb of ['stop', 'pause', 'resume'] as const) {
      const res = await as('post', `/v1/admin/sessions/tg-alice/${verb}`, {});
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.deepEqual([res.body.supervisorId, res.body.result], ['sup-a', { done: verb }]);
    }
    const moved = await as('post', '/v1/admin/sessions/tg-alice/reassign', { toWorkerId: 'w-a2' });
    assert.equal(moved.status, 200);
    assert.deepEqual(seen.map((r) => r.command), ['stop', 'pause', 'resume', 'reassign']);
    assert.equal((seen[3] as { toWorkerId: string }).toWorkerId, 'w-a2');
    // Other suites of the run (the bot's admin commands) act on the fixtures' sessions too, as other admins.
    const trail = (await auditOf(world, 'tg-alice')).filter((a) => a.actor === admin.userId);
    assert.deepEqual(trail.map((a) => a.action), ['admin.runtime_stop', 'admin.runtime_pause', 'admin.runtime_resume', 'admin.runtime_reassign']);
    assert.ok(trail.every((a) => a.ip !== null && (a.after as { outcome: string; via?: string }).outcome === 'done' && !('via' in (a.after as object))));
  });

  it('passes a supervisor\'s refusal on with its code, and times out on a silent one', async () => {
    await publishBoth();
    await supervisors.answer('sup-a', async (req) => {
      throw new SessionStateConflictError({ sessionId: (req as { sessionId: string }).sessionId, state: 'stopped', action: req.command });
    });
    const refused = await as('post', '/v1/admin/sessions/tg-bob/resume', {});
    assert.deepEqual([refused.status, refused.body.error.code, refused.body.error.supervisorId], [409, 'session_state_conflict', 'sup-a']);
    const silent = await as('post', '/v1/admin/sessions/dc-erin/stop', { timeoutMs: 300 });
    assert.deepEqual([silent.status, silent.body.error.code], [504, 'supervisor_unreachable']);
    const trail = await auditOf(world, 'dc-erin');
    assert.equal((trail.at(-1)!.after as { outcome: string }).outcome, 'refused');
  });

  it('validates session commands before sending anything', async () => {
    await publishBoth();
    const seen = await supervisors.answer('sup-a', async () => null);
    const cases: Array<[string, unknown, number, string]> = [
      ['/v1/admin/sessions/bad%20id/stop', {}, 400, 'validation_failed'],
      ['/v1/admin/sessions/tg-alice/stop', { timeoutMs: 5 }, 400, 'validation_failed'],
      ['/v1/admin/sessions/tg-alice/reassign', {}, 400, 'validation_failed'],
      ['/v1/admin/sessions/tg-alice/reassign', { toWorkerId: 'w-none' }, 404, 'worker_not_found'],
      ['/v1/admin/sessions/tg-nobody/pause', {}, 404, 'session_not_found'],
    ];
    for (const [path, body, status, code] of cases) {
      const res = await as('post', path, body);
      assert.deepEqual([res.status, res.body.error.code], [status, code], `${path} ${JSON.stringify(body)}`);
    }
    assert.equal(seen.length, 0);
  });

  it('lists and replays dead letters on the supervisor that runs the queue', async () => {
    await publishBoth();
    const letters = [{ task: { id: 't1', pairId: 'p', userId: 'u', tier: 'pro', op: 'send', attempts: 5 }, error: 'x', reason: 'max_attempts', deadAt: 1 }];
    const seen = await supervisors.answer('sup-a', async (req) => (req.command === 'dead-letters' && req.action === 'list' ? letters : { replayed: 1 }));
    const list = await as('get', '/v1/admin/dead-letters?limit=10');
    assert.equal(list.status, 200, JSON.stringify(list.body));
    assert.deepEqual([list.body.supervisorId, list.body.items[0].task.id], ['sup-a', 't1']);
    const replay = await as('post', '/v1/admin/dead-letters/replay', { ids: ['t1'] });
    assert.deepEqual([replay.status, replay.body.result], [200, { replayed: 1 }]);
    assert.deepEqual(seen.map((r) => [r.command, (r as { action: string }).action]), [['dead-letters', 'list'], ['dead-letters', 'replay']]);
    assert.equal((await as('post', '/v1/admin/dead-letters/replay', { ids: [] })).status, 400);
    assert.equal((await as('post', '/v1/admin/dead-letters/replay', { ids: 'some' })).status, 400);
    const silent = await as('post', '/v1/admin/dead-letters/replay', { ids: 'all', supervisorId: 'sup-b', timeoutMs: 200 });
    assert.deepEqual([silent.status, silent.body.error.code], [504, 'supervisor_unreachable']);
    const trail = (await auditOf(world, 't1')).map((a) => a.action);
    assert.deepEqual(trail, ['admin.runtime_dead_letters']);
  });
});
