/**
 * The per-pair counts of pending tasks each shard keeps beside its tasks, and
 * `pairsPendingIn`, which other supervisors read them through: every write
 * path keeps them equal to what the shard holds, against real Redis.
 */
import assert from 'node:assert/strict';
import { pairsPendingIn } from '../../../src/scheduler/store/foreign-pairs.ts';
import { schedulerKeys } from '../../../src/scheduler/store/scheduler-keys.ts';
import { TaskStore } from '../../../src/scheduler/store/task-store.ts';
import { owner, scheduled, suiteRedis } from './store-fixtures.ts';

describe('TaskStore: pending tasks per pair', function () {
  const { redis } = suiteRedis('pair-counts');
  after(() => redis.quit());

  const counts = async (o: string): Promise<Record<string, string>> => redis.hgetall(schedulerKeys.pairs(o));

  it('counts puts once per task, and acks, dead letters and moves as they change what is pending', async () => {
    const o = owner();
    const store = new TaskStore(redis, { owner: o });
    const [x1, x2, y1] = [scheduled({ id: 'x1', pairId: 'x' }), scheduled({ id: 'x2', pairId: 'x' }), scheduled({ id: 'y1', pairId: 'y' })];
    await store.addMany([x1, x2, y1]);
    await store.recordRetry({ ...x1, attempts: 1 });
    assert.deepEqual(await counts(o), { x: '2', y: '1' }, 'a retry rewrites, it does not count again');
    await store.write([{ op: 'ack', id: 'x1', pairId: 'x' }, { op: 'ack', id: 'x1', pairId: 'x' }, { op: 'move', id: 'x2', seq: 9 }]);
    assert.deepEqual(await counts(o), { x: '1', y: '1' }, 'an ack of a task gone already changes nothing');
    assert.equal(await store.seqHighWater(), 9, 'a move raises the counter');
    await store.deadLetter({ ...y1, seq: 3 }, 'bad', 'permanent');
    await store.write([{ op: 'ack', id: 'x2', pairId: 'x' }, { op: 'move', id: 'x2', seq: 20 }]);
    assert.deepEqual(await counts(o), {});
    assert.equal(await redis.exists(schedulerKeys.order(o)), 0, 'a move of a task gone does not bring it back');
    await store.deadLetters.replay(['y1']);
    assert.deepEqual(await counts(o), { y: '1' }, 'a replayed dead letter is pending again');
  });

  it('moves the counts with a claim and leaves none behind in the dead shard', async () => {
    const dead = new TaskStore(redis, { owner: owner('dead') });
    const live = new TaskStore(redis, { owner: owner('live'), scriptChunkSize: 2 });
    await live.addMany([scheduled({ id: 'l1', pairId: 'x' })]);
    await dead.addMany([scheduled({ id: 'd1', pairId: 'x' }), scheduled({ id: 'd2', pairId: 'y' }), scheduled({ id: 'l1', pairId: 'x' })]);
    // A task an earlier version wrote as an object is counted too.
    const { seq: _seq, ...legacy } = scheduled({ id: 'd3', pairId: 'z' });
    await redis.hset(schedulerKeys.tasks(dead.owner), 'd3', JSON.stringify(legacy));
    await redis.zadd(schedulerKeys.order(dead.owner), 10, 'd3');
    await live.claimOrphans(dead.owner);
    assert.deepEqual(await counts(live.owner), { x: '2', y: '1', z: '1' }, 'the duplicate id is not counted twice');
    assert.equal(await redis.exists(schedulerKeys.pairs(dead.owner)), 0);
  });

  it('recounts from the tasks a restore loaded, mending counts an earlier version never kept', async () => {
    const o = owner();
    const store = new TaskStore(redis, { owner: o });
    await store.addMany([scheduled({ id: 'a', pairId: 'x' }), scheduled({ id: 'b', pairId: 'x' })]);
    await redis.hset(schedulerKeys.pairs(o), { x: '7', gone: '3' });
    await store.recountPairs(await store.loadPending());
    assert.deepEqual(await counts(o), { x: '2' });
    await store.recountPairs([]);
    assert.equal(await redis.exists(schedulerKeys.pairs(o)), 0);
  });

  it('pairsPendingIn names the pairs of shards that hold pending tasks, and none of a shard without', async () => {
    const [a, b, empty] = [new TaskStore(redis, { owner: owner() }), new TaskStore(redis, { owner: owner() }), owner()];
    await a.addMany([scheduled({ id: 'a1', pairId: 'x' }), scheduled({ id: 'a2', pairId: 'y' })]);
    await b.addMany([scheduled({ id: 'b1', pairId: 'y' }), scheduled({ id: 'b2', pairId: 'z' })]);
    // Counts left over where nothing is pending hold nothing back.
    await redis.hset(schedulerKeys.pairs(empty), 'stale', '1');
    assert.deepEqual([...await pairsPendingIn(redis, [a.owner, b.owner, empty])].sort(), ['x', 'y', 'z']);
    assert.deepEqual([...await pairsPendingIn(redis, [])], []);
  });
});
