import assert from 'node:assert/strict';
import type { SchedulerOptions } from '../../../src/scheduler/core/scheduler-options.ts';
import type { NewForwardTask } from '../../../src/scheduler/core/task.ts';
import { DurableScheduler } from '../../../src/scheduler/durable-scheduler.ts';
import { aliveSupervisors, publishSnapshot } from '../../../src/cluster/snapshot-store.ts';
import type { SupervisorSnapshot } from '../../../src/cluster/status-snapshot.ts';
import { shardOwners } from '../../../src/scheduler/store/shard-owners.ts';
import { TaskStore } from '../../../src/scheduler/store/task-store.ts';
import { acks, owner, scheduler, suiteRedis, task } from './store-fixtures.ts';

describe('DurableScheduler', function () {
  const { redis } = suiteRedis('durable-scheduler');
  after(() => redis.quit());

  /** A restored durable scheduler on shard `o`: a new process on the same keys each time it is called. */
  async function start(o: string, options: SchedulerOptions = {}): Promise<DurableScheduler> {
    const ds = new DurableScheduler(scheduler(options), new TaskStore(redis, { owner: o, clock: () => 4_242 }), { batching: { lingerMs: 1 } });
    await ds.restore(0);
    return ds;
  }

  const enqueueAll = async (ds: DurableScheduler, tasks: NewForwardTask[], now = 0): Promise<void> => {
    const results = await Promise.all(tasks.map((t) => ds.enqueue(t, now)));
    assert.ok(results.every((r) => r.accepted));
  };

  it('restores every pending task after a restart, each pair in enqueue order', async () => {
    const o = owner();
    const one = await start(o);
    const tasks = Array.from({ length: 40 }, (_, i) => task({ id: `t${i}`, pairId: `p${i % 4}`, userId: `u${i % 2}`, sendingAccountId: `a${i % 3}` }));
    await enqueueAll(one, tasks);
    // Ten were handed out (attempt counted in memory only) when the process died.
    for (let i = 0; i < 10; i++) one.take(0);

    const two = await start(o);
    assert.equal(two.size, 40);
    const order: string[] = [];
    for (let r = two.take(0); r.task !== null; r = two.take(0)) {
      order.push(r.task.id);
      await two.ack(r.task.id, 0);
    }
    for (let p = 0; p < 4; p++) {
      assert.deepEqual(order.filter((id) => Number(id.slice(1)) % 4 === p), tasks.filter((_, i) => i % 4 === p).map((t) => t.id));
    }
    assert.equal(await two.store.pendingCount(), 0);
    assert.equal((await start(o)).size, 0, 'acks are durable');
  });

  it('after a restart, hands out Elite before Pro before Free, round-robin across users within a tier', async () => {
    const o = owner();
    const one = await start(o);
    const tasks: NewForwardTask[] = [];
    for (const tier of ['free', 'pro', 'elite'] as const) {
      for (let i = 0; i < 4; i++) {
        // Two users per tier, the first with three tasks in a row: round-robin must interleave them.
        const userId = i < 3 ? `${tier}-heavy` : `${tier}-light`;
        tasks.push(task({ id: `${tier}-${i}`, tier, userId, pairId: `${tier}-pair-${i}`, sendingAccountId: `${tier}-acct-${i}` }));
      }
    }
    await enqueueAll(one, tasks);
    const two = await start(o);
    const order: string[] = [];
    for (let r = two.take(0); r.task !== null; r = two.take(0)) order.push(r.task.id);
    assert.deepEqual(order.map((id) => id.split('-')[0]), ['elite', 'elite', 'elite', 'elite', 'pro', 'pro', 'pro', 'pro', 'free', 'free', 'free', 'free']);
    const elite = order.filter((id) => id.startsWith('elite'));
    assert.ok(elite.indexOf('elite-3') < elite.indexOf('elite-2'), `the light user is not starved behind the heavy one: ${elite.join(',')}`);
  });

  it('does not persist a task the core rejects for back-pressure', async () => {
    const ds = await start(owner(), { backlogFor: () => 2 });
    await enqueueAll(ds, [task({ id: 'b1' }), task({ id: 'b2' })]);
    const refused = await ds.enqueue(task({ id: 'b3' }), 0);
    assert.deepEqual(refused, { accepted: false, reason: 'backlog_full', scope: 'user', limit: 2, queued: 2 });
    assert.deepEqual((await ds.store.loadPending()).map((t) => t.id), ['b1', 'b2']);
  });

  it('refuses an invalid task before writing anything', async () => {
    const ds = await start(owner());
    await assert.rejects(ds.enqueue(task({ id: 'bad', pairId: '' }), 0), { code: 'forward_task_invalid' });
    assert.equal(await ds.store.pendingCount(), 0);
  });

  it('writes a duplicate again as held, so a re-sent task whose write failed gets stored', async () => {
    const o = owner();
    const ds = await start(o);
    await enqueueAll(ds, [task({ id: 'x', idempotencyKey: 'kx' })]);
    // As if the first write had been lost.
    await ds.store.ackMany(acks('x'));
    const again = await ds.enqueue(task({ id: 'x2', idempotencyKey: 'kx' }), 0);
    assert.equal(again.accepted && again.duplicate && again.task.id, 'x');
    assert.deepEqual((await ds.store.loadPending()).map((t) => t.id), ['x']);
  });

  it('takes a task back into memory when its hand-over to another shard cannot be written', async () => {
    const o = owner();
    const conn = redis.duplicate();
    await conn.ping();
    const ds = new DurableScheduler(scheduler(), new TaskStore(conn, { owner: o }), { batching: { lingerMs: 1 } });
    await ds.restore(0);
    await enqueueAll(ds, [task({ id: 'h', pairId: 'p' })]);
    assert.equal(ds.take(0).task?.id, 'h');
    // Gone for good: the write fails instead of waiting for a reconnect.
    conn.options.enableOfflineQueue = false;
    conn.disconnect();
    await assert.rejects(ds.handOver('h', owner(), 0));
    assert.equal(ds.take(0).task?.id, 'h', 'in memory again, to be handed over or sent later');
  });

  it('keeps retry state across a restart: attempts, backoff and last error', async () => {
    const o = owner();
    const one = await start(o, { backoffBaseMs: 1_000, maxAttempts: 5 });
    await enqueueAll(one, [task({ id: 'r', pairId: 'p' }), task({ id: 'r2', pairId: 'p' })]);
    assert.equal(one.take(0).task?.id, 'r');
    const failed = await one.fail('r', new Error('502 from Discord'), 100);
    assert.equal(failed.outcome, 'retry');
    assert.equal(failed.outcome === 'retry' && failed.retryAt, 1_100);

    const two = await start(o, { backoffBaseMs: 1_000, maxAttempts: 5 });
    // The pair waits behind its retrying head: nothing runs before the backoff ends.
    assert.deepEqual(two.take(500), { task: null, wakeAt: 1_100 });
    const r = two.take(1_100).task!;
    assert.deepEqual([r.id, r.attempts, r.notBefore, r.lastError], ['r', 2, 1_100, '502 from Discord']);
  });

  it('dead-letters on max attempts and on a permanent error, and a restart does not bring them back', async () => {
    const o = owner();
    const one = await start(o, { maxAttempts: 2, backoffBaseMs: 0 });
    await enqueueAll(one, [task({ id: 'tired', pairId: 'p1' }), task({ id: 'doomed', pairId: 'p2' })]);
    one.take(0);
    one.take(0);
    assert.equal((await one.fail('tired', 'timeout', 1)).outcome, 'retry');
    const permanent = await one.fail('doomed', new Error('chat not found'), 1, { permanent: true });
    assert.equal(permanent.outcome === 'dead_letter' && permanent.reason, 'permanent');
    one.take(1);
    const exhausted = await one.fail('tired', 'timeout again', 2);
    assert.equal(exhausted.outcome === 'dead_letter' && exhausted.reason, 'max_attempts');

    const letters = await one.store.deadLetters.list();
    assert.deepEqual(letters.map((l) => [l.task.id, l.reason, l.error, l.task.attempts, l.deadAt]), [
      ['doomed', 'permanent', 'chat not found', 1, 4_242],
      ['tired', 'max_attempts', 'timeout again', 2, 4_242],
    ]);
    const metrics = await one.metrics();
    assert.equal(metrics.deadLetters, 2);
    assert.equal(metrics.deadLettered.free, 2);
    assert.equal((await start(o)).size, 0);
  });

  it('replays dead letters into memory and Redis; one refused by a backlog cap goes back as it was', async () => {
    const o = owner();
    let cap: number | null = null;
    const ds = await start(o, { maxAttempts: 1, backlogFor: () => cap });
    await enqueueAll(ds, [task({ id: 'a', pairId: 'pa' }), task({ id: 'b', pairId: 'pb' }), task({ id: 'c', pairId: 'pc' })]);
    for (const id of ['a', 'b', 'c']) {
      assert.equal(ds.take(0).task?.id, id);
      await ds.fail(id, `failed ${id}`, 0);
    }
    assert.equal(ds.size, 0);
    const beforeB = await ds.store.deadLetters.get('b');

    await enqueueAll(ds, [task({ id: 'live', pairId: 'pl' })]);
    cap = 2;
    const report = await ds.replayDeadLetters('all', 50);
    assert.deepEqual(report.replayed.map((t) => [t.id, t.attempts, t.enqueuedAt]), [['a', 0, 50]]);
    assert.deepEqual(report.rejected, ['b', 'c']);
    assert.deepEqual([report.missing, report.conflicting, report.duplicates], [[], [], []]);
    assert.equal(ds.size, 2);
    assert.deepEqual(await ds.store.deadLetters.get('b'), beforeB);
    assert.deepEqual((await ds.store.loadPending()).map((t) => t.id), ['live', 'a']);

    cap = null;
    const rest = await ds.replayDeadLetters(['c'], 60);
    assert.deepEqual(rest.replayed.map((t) => t.id), ['c']);
    assert.equal((await ds.metrics()).deadLetters, 1);
    // Replayed tasks run as any other.
    const ran: string[] = [];
    for (let r = ds.take(60); r.task !== null; r = ds.take(60)) {
      ran.push(r.task.id);
      await ds.ack(r.task.id, 60);
    }
    assert.deepEqual(ran.sort(), ['a', 'c', 'live']);
    assert.equal(await ds.store.pendingCount(), 0);
  });

  it('drops a replayed letter whose idempotency key a held task already has', async () => {
    const ds = await start(owner(), { maxAttempts: 1 });
    await enqueueAll(ds, [task({ id: 'old', idempotencyKey: 'k' })]);
    ds.take(0);
    await ds.fail('old', 'x', 0);
    await enqueueAll(ds, [task({ id: 'new', idempotencyKey: 'k' })]);
    const report = await ds.replayDeadLetters(['old'], 1);
    assert.deepEqual([report.replayed, report.duplicates], [[], ['old']]);
    assert.deepEqual((await ds.store.loadPending()).map((t) => t.id), ['new']);
  });

  it('reports metrics of the core, the dead letters and the writes', async () => {
    const ds = await start(owner());
    await enqueueAll(ds, [task({ id: 'm1' }), task({ id: 'm2', pairId: 'q' })]);
    ds.take(0);
    const m = await ds.metrics();
    assert.equal(m.queued.free, 1);
    assert.equal(m.inFlight.free, 1);
    assert.equal(m.deadLetters, 0);
    assert.equal(m.writes.ops, 2);
    assert.ok(m.writes.batches >= 1);
  });

  it('must be restored once, before anything else, and refuses writes once closed', async () => {
    const ds = new DurableScheduler(scheduler(), new TaskStore(redis, { owner: owner() }));
    await assert.rejects(ds.enqueue(task(), 0), {
      name: 'DurableSchedulerStateError', code: 'durable_scheduler_state',
      message: 'Cannot enqueue before restore(): the pending tasks must be loaded first',
    });
    assert.throws(() => ds.take(0), { message: 'Cannot take before restore(): the pending tasks must be loaded first' });
    await ds.restore(0);
    await assert.rejects(ds.restore(0), { code: 'durable_scheduler_state', message: 'Cannot restore: the durable scheduler is already restored' });
    await ds.close();
    await assert.rejects(ds.enqueue(task(), 0), { code: 'write_batcher_closed' });
  });

  it('a restore drops stored tasks whose idempotency key an earlier one holds', async () => {
    const o = owner();
    const store = new TaskStore(redis, { owner: o });
    await store.addMany([
      { ...task({ id: 'first', idempotencyKey: 'same' }), attempts: 0, seq: 0 },
      { ...task({ id: 'second', idempotencyKey: 'same' }), attempts: 0, seq: 0 },
    ]);
    const ds = new DurableScheduler(scheduler(), new TaskStore(redis, { owner: o }));
    const report = await ds.restore(0);
    assert.deepEqual([report.restored, report.duplicates], [1, ['second']]);
    assert.ok(report.loadMs >= 0);
    assert.deepEqual((await store.loadPending()).map((t) => t.id), ['first']);
  });

  it('a running scheduler claims a dead shard: its tasks run here behind what is held, each pair in order, duplicates dropped', async () => {
    const [dead, live] = [owner('dead'), owner('live')];
    const gone = await start(dead);
    const orphans = Array.from({ length: 12 }, (_, i) => task({ id: `o${i}`, idempotencyKey: `ko${i}`, pairId: `p${i % 3}` }));
    await enqueueAll(gone, orphans);
    await gone.close();
    const here = await start(live);
    await enqueueAll(here, [task({ id: 'h0', idempotencyKey: 'kh0', pairId: 'p0' }), task({ id: 'h1', idempotencyKey: 'ko5', pairId: 'p2' })]);

    const keyPrefix = redis.options.keyPrefix ?? '';
    assert.deepEqual([...await shardOwners(redis, keyPrefix)].filter((o) => o === dead || o === live).sort(), [dead, live].sort());
    const report = await here.claimOrphans(dead, 0);
    assert.deepEqual(report, { claimed: 11, deadLetters: 0, duplicates: 1 });
    assert.equal(await new TaskStore(redis, { owner: dead }).pendingCount(), 0);
    assert.ok(![...await shardOwners(redis, keyPrefix)].includes(dead));

    const order: string[] = [];
    for (let r = here.take(0); r.task !== null; r = here.take(0)) {
      order.push(r.task.id);
      await here.ack(r.task.id, 0);
    }
    assert.equal(order.length, 13);
    for (let p = 0; p < 3; p++) {
      const held = p === 0 ? ['h0'] : p === 2 ? ['h1'] : [];
      const claimed = orphans.filter((_, i) => i % 3 === p && i !== 5).map((t) => t.id);
      assert.deepEqual(order.filter((id) => held.includes(id) || claimed.includes(id)), [...held, ...claimed]);
    }
    assert.equal(await new TaskStore(redis, { owner: live }).pendingCount(), 0);
    await here.close();
  });

  it('puts tasks claimed into a pair held for a handover first, in memory and in Redis for the next restore', async () => {
    const [dead, live] = [owner('dead'), owner('live')];
    await new TaskStore(redis, { owner: dead }).addMany(['c0', 'c1'].map((id) => ({ ...task({ id, pairId: 'moved' }), attempts: 0, seq: 0 })));
    const here = await start(live);
    here.holdPairs(['moved'], 0);
    await enqueueAll(here, [task({ id: 'n0', pairId: 'moved' }), task({ id: 'n1', pairId: 'moved' }), task({ id: 'o0', pairId: 'other' })]);
    assert.deepEqual(await here.claimOrphans(dead, 0), { claimed: 2, deadLetters: 0, duplicates: 0 });
    await here.flush();
    const stored = await new TaskStore(redis, { owner: live }).loadPending();
    assert.deepEqual(stored.filter((t) => t.pairId === 'moved').map((t) => t.id), ['c0', 'c1', 'n0', 'n1']);
    await here.close();

    // This supervisor dies too: the next one on its shard runs them in that order.
    const next = await start(live);
    const order: string[] = [];
    for (let r = next.take(0); r.task !== null; r = next.take(0)) {
      order.push(r.task.id);
      await next.ack(r.task.id, 0);
    }
    assert.deepEqual(order.filter((id) => id !== 'o0'), ['c0', 'c1', 'n0', 'n1']);
    await next.close();
  });

  it('tells a dead supervisor from a live one by its status snapshot', async () => {
    const [a, b] = [owner('alive'), owner('gone')];
    await publishSnapshot(redis, { supervisorId: a, publishedAt: Date.now() } as SupervisorSnapshot, 60_000);
    assert.deepEqual([...await aliveSupervisors(redis, [a, b])], [a]);
    assert.deepEqual([...await aliveSupervisors(redis, [])], []);
  });
});
