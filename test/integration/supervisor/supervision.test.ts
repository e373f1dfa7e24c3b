/**
 * The supervisor against real worker processes: crash recovery by SIGKILL,
 * restart intensity, graceful shutdown, RAM pressure end to end.
 */
import assert from 'node:assert/strict';
import type { Redis } from 'ioredis';
import type { SessionSnapshot } from '../../../src/cluster/status-snapshot.ts';
import type { Tier } from '../../../src/domain/plans/plan-types.ts';
import type { Supervisor } from '../../../supervisor/supervisor.ts';
import { loopbackSpec, makeSupervisor, network, redisFor, suitePrefix, waitFor } from './fixture.ts';

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('supervisor (real worker processes)', function () {
  this.timeout(60_000);
  let redis: Redis;
  let prefix: string;
  let supervisor: Supervisor | null = null;

  beforeEach(() => {
    prefix = suitePrefix('supervisor');
    redis = redisFor(prefix);
  });

  afterEach(async () => {
    await supervisor?.stop();
    supervisor = null;
    redis.disconnect();
  });

  it('places every session and keeps all of one user on one worker', async () => {
    supervisor = makeSupervisor(redis, prefix, { sessionsPerWorker: 25 });
    await supervisor.start();
    for (let i = 0; i < 40; i++) await supervisor.addSession(loopbackSpec(i, 'free', `user-${i % 10}`));
    const sessions = supervisor.sessions.snapshot();
    assert.ok(sessions.every((s) => s.state === 'running'), JSON.stringify(sessions.filter((s) => s.state !== 'running')));
    for (let u = 0; u < 10; u++) {
      const workers = new Set(sessions.filter((s) => s.userId === `user-${u}`).map((s) => s.workerId));
      assert.equal(workers.size, 1, `user-${u} is split over ${[...workers].join(', ')}`);
    }
    assert.equal(new Set(sessions.map((s) => s.workerId)).size, 2, 'a full worker sends the rest to the other');
  });

  it('SIGKILL of a worker: its actors run again on a live worker within 5 s, no lease held twice', async () => {
    supervisor = makeSupervisor(redis, prefix);
    await supervisor.start();
    for (let i = 0; i < 200; i++) await supervisor.addSession(loopbackSpec(i, (['free', 'pro', 'elite'] as const)[i % 3] as Tier));
    const victim = supervisor.workers()[0];
    assert.ok(victim);
    const orphans = supervisor.sessions.onWorker(victim.workerId).map((r) => r.spec.actorId);
    assert.ok(orphans.length > 0);

    process.kill(victim.pid, 'SIGKILL');
    const sup = supervisor;
    const elapsed = await waitFor('orphans running again', () =>
      orphans.every((id) => {
        const r = sup.sessions.get(id);
        return r?.state === 'running' && r.workerId !== victim.workerId;
      }), 5_000);
    assert.ok(elapsed < 5_000);

    const holders = await sup.leases.holders(orphans);
    const live = new Set(sup.workers().filter((w) => w.alive).map((w) => w.workerId));
    for (const [id, grant] of holders) {
      assert.ok(grant, `${id} has a lease`);
      assert.ok(live.has(grant.owner), `${id} is held by live worker ${grant.owner}`);
      assert.equal(sup.sessions.get(id)?.leaseToken, grant.token, `${id} runs under the current token`);
    }
    assert.deepEqual(await network(redis).violations(), {});
  });

  it('escalates when workers crash more often than the restart intensity allows', async () => {
    supervisor = makeSupervisor(redis, prefix, { workerRestartIntensity: 1, restartPeriodMs: 60_000 });
    await supervisor.start();
    const escalated = new Promise<string>((resolve) => supervisor?.once('escalate', resolve));
    const first = supervisor.workers()[0];
    assert.ok(first);
    process.kill(first.pid, 'SIGKILL');
    const sup = supervisor;
    await waitFor('replacement worker', () =>
      !first.alive && sup.workers().filter((w) => w.alive && w.state === 'running').length === 2);
    const second = sup.workers()[0];
    assert.ok(second);
    process.kill(second.pid, 'SIGKILL');
    assert.match(await escalated, /more than 1 worker crashes within 60000 ms/);
  });

  it('shuts down in order: actors stopped with cursors kept, leases released, workers gone', async () => {
    supervisor = makeSupervisor(redis, prefix);
    await supervisor.start();
    for (let i = 0; i < 20; i++) await supervisor.addSession(loopbackSpec(i, 'pro'));
    const pids = supervisor.workers().map((w) => w.pid);
    const ids = supervisor.sessions.snapshot().map((s) => s.actorId);
    await supervisor.stop();
    assert.ok(supervisor.sessions.snapshot().every((s) => s.state === 'stopped'));
    assert.ok(pids.every((pid) => !isAlive(pid)), 'no worker process left');
    const holders = await supervisor.leases.holders(ids);
    assert.ok([...holders.values()].every((g) => g === null), 'every lease released');
    assert.deepEqual(await redis.exists(`supervisor:${supervisor.id}:snapshot`), 0, 'snapshot withdrawn');
    await assert.rejects(supervisor.addSession(loopbackSpec(99, 'free')), { code: 'supervisor_stopping' });
  });

  it('kills a worker that does not stop within the shutdown timeout', async () => {
    supervisor = makeSupervisor(redis, prefix, { workers: 1, workerShutdownTimeoutMs: 1_000 });
    await supervisor.start();
    await supervisor.addSession(loopbackSpec(1, 'free'));
    const worker = supervisor.workers()[0];
    assert.ok(worker);
    process.kill(worker.pid, 'SIGSTOP');
    const started = Date.now();
    await supervisor.stop();
    const took = Date.now() - started;
    assert.ok(took >= 900 && took < 4_000, `stop took ${took} ms`);
    assert.equal(isAlive(worker.pid), false);
  });

  it('RAM pressure: Free paused first, Elite untouched, all resumed when pressure falls', async () => {
    supervisor = makeSupervisor(redis, prefix);
    await supervisor.start();
    const tiers: Tier[] = ['free', 'pro', 'elite'];
    for (let i = 0; i < 30; i++) await supervisor.addSession(loopbackSpec(i, tiers[i % 3] as Tier));
    const pauses: SessionSnapshot[] = [];
    supervisor.on('session', (s) => {
      if (s.state === 'paused') pauses.push(s);
    });
    // Any real host is above 1% used: every pausable actor must go, in tier order.
    supervisor.setPressure({ highWatermark: 0.01, lowWatermark: 0.005 });
    const sup = supervisor;
    const tierOf = (s: SessionSnapshot) => s.tier;
    await waitFor('free and pro paused', () => sup.sessions.snapshot().filter((s) => s.tier !== 'elite').every((s) => s.state === 'paused'));
    const lastFree = pauses.map(tierOf).lastIndexOf('free');
    const firstPro = pauses.map(tierOf).indexOf('pro');
    assert.ok(lastFree < firstPro, `a pro actor was paused while a free one still ran: ${pauses.map(tierOf).join(',')}`);
    assert.ok(sup.sessions.snapshot().filter((s) => s.tier === 'elite').every((s) => s.state === 'running'), 'elite untouched');
    assert.ok(pauses.every((s) => s.pausedBy === 'pressure'));

    sup.setPressure({ highWatermark: 0.999, lowWatermark: 0.998 });
    await waitFor('everything resumed', () => sup.sessions.snapshot().every((s) => s.state === 'running'));
    assert.deepEqual(await network(redis).violations(), {});
  });

  it('an admin pause is never undone by the pressure policy', async () => {
    supervisor = makeSupervisor(redis, prefix);
    await supervisor.start();
    await supervisor.addSession(loopbackSpec(1, 'free'));
    await supervisor.pauseSession('session-1', 'admin');
    supervisor.setPressure({ highWatermark: 0.999, lowWatermark: 0.998 });
    await new Promise((r) => setTimeout(r, 600));
    assert.equal(supervisor.sessions.get('session-1')?.state, 'paused');
    await supervisor.resumeSession('session-1');
    assert.equal(supervisor.sessions.get('session-1')?.state, 'running');
  });

  it('reassigns a session to another worker and drains a worker', async () => {
    supervisor = makeSupervisor(redis, prefix);
    await supervisor.start();
    for (let i = 0; i < 10; i++) await supervisor.addSession(loopbackSpec(i, 'pro'));
    const sup = supervisor;
    const [a, b] = [...sup.workers()].sort((x, y) => sup.sessions.onWorker(y.workerId).length - sup.sessions.onWorker(x.workerId).length);
    assert.ok(a && b);
    const one = supervisor.sessions.onWorker(a.workerId)[0];
    assert.ok(one, 'some session runs on the fuller worker');
    const before = one.leaseToken ?? 0;
    await supervisor.reassignSession(one.spec.actorId, b.workerId);
    assert.equal(one.workerId, b.workerId);
    assert.equal(one.state, 'running');
    assert.ok((one.leaseToken ?? 0) > before, 'a new fencing token for the new owner');

    const result = await supervisor.drainWorker(b.workerId);
    assert.equal(result.unplaced, 0);
    assert.ok(supervisor.sessions.snapshot().every((s) => s.workerId === a.workerId && s.state === 'running'));
    assert.ok(!supervisor.workers().some((w) => w.workerId === b.workerId));
    await assert.rejects(supervisor.reassignSession('session-1', 'nope'), { code: 'worker_not_found' });
    await assert.rejects(supervisor.pauseSession('nope'), { code: 'session_not_found' });
  });
});
