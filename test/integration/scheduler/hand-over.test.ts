/**
 * Handing a pending task to the shard of the supervisor running its
 * sending account, against real Redis: one atomic move (never in both
 * shards, never in neither), the per-pair counts following it, the
 * receiver's inbox naming it until taken, and a receiver that dies before
 * taking it losing nothing: its shard, inbox tasks included, is claimed.
 */
import assert from 'node:assert/strict';
import { TaskStore } from '../../../src/scheduler/store/task-store.ts';
import { schedulerKeys } from '../../../src/scheduler/store/scheduler-keys.ts';
import { owner, scheduled, suiteRedis } from './store-fixtures.ts';

describe('TaskStore: hand-over to another shard', function () {
  const { redis } = suiteRedis('hand-over');
  after(() => redis.quit());

  const ids = (tasks: readonly { id: string }[]): string[] => tasks.map((t) => t.id);
  const pairCounts = (o: string): Promise<Record<string, string>> => redis.hgetall(schedulerKeys.pairs(o));

  it('moves the task, its pair count and its place in line in one step, and names it in the receiver\'s inbox once', async () => {
    const [from, to] = [owner(), owner()];
    const sender = new TaskStore(redis, { owner: from });
    const receiver = new TaskStore(redis, { owner: to });
    await receiver.addMany([scheduled({ id: 'r1', pairId: 'q' })]);
    await sender.addMany([scheduled({ id: 'h1', pairId: 'p' }), scheduled({ id: 'h2', pairId: 'p' }), scheduled({ id: 'k1', pairId: 'p' })]);
    // The put of a task and its hand-over in one batch: the put lands first.
    await sender.write([
      { op: 'put', task: scheduled({ id: 'h3', pairId: 'p' }) },
      { op: 'handover', id: 'h1', pairId: 'p', to },
      { op: 'handover', id: 'h2', pairId: 'p', to },
      { op: 'handover', id: 'h3', pairId: 'p', to },
    ]);
    assert.deepEqual(ids(await sender.loadPending()), ['k1']);
    assert.deepEqual(await pairCounts(from), { p: '1' });
    assert.deepEqual(ids(await receiver.loadPending()), ['r1', 'h1', 'h2', 'h3'], 'behind what the receiver held, in the order handed over');
    assert.deepEqual(await pairCounts(to), { q: '1', p: '3' });
    const taken = await receiver.takeInbox();
    assert.deepEqual(ids(taken), ['h1', 'h2', 'h3']);
    assert.deepEqual(taken.map((t) => t.seq), [2, 3, 4]);
    assert.deepEqual(await receiver.takeInbox(), [], 'taken once');
    assert.equal(await redis.sismember(schedulerKeys.owners(), to), 1);
  });

  it('does nothing for a task no longer pending, and keeps the receiver\'s copy of a task it already holds', async () => {
    const [from, to] = [owner(), owner()];
    const sender = new TaskStore(redis, { owner: from });
    const receiver = new TaskStore(redis, { owner: to });
    await receiver.addMany([scheduled({ id: 'same', pairId: 'p' })]);
    await sender.addMany([scheduled({ id: 'same', pairId: 'p' })]);
    await sender.write([{ op: 'handover', id: 'same', pairId: 'p', to }, { op: 'handover', id: 'gone', pairId: 'p', to }]);
    assert.deepEqual(await sender.loadPending(), []);
    assert.deepEqual(ids(await receiver.loadPending()), ['same']);
    assert.deepEqual(await receiver.takeInbox(), []);
    assert.deepEqual(await pairCounts(to), { p: '1' });
  });

  it('loses nothing when the receiver dies before taking its inbox in: the claim of its shard brings the tasks', async () => {
    const [from, dead, claimant] = [owner(), owner(), owner()];
    const sender = new TaskStore(redis, { owner: from });
    await sender.addMany([scheduled({ id: 'x1', pairId: 'p' }), scheduled({ id: 'x2', pairId: 'p' })]);
    await sender.write([{ op: 'handover', id: 'x1', pairId: 'p', to: dead }, { op: 'handover', id: 'x2', pairId: 'p', to: dead }]);
    const claim = await new TaskStore(redis, { owner: claimant }).claimOrphans(dead);
    assert.deepEqual(ids(claim.tasks), ['x1', 'x2']);
    assert.equal(await redis.exists(schedulerKeys.inbox(dead)), 0, 'the dead owner\'s inbox goes with its tasks');
  });
});
