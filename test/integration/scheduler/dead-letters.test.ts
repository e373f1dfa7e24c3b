import assert from 'node:assert/strict';
import type { ScheduledTask } from '../../../src/scheduler/core/task.ts';
import { TaskStore } from '../../../src/scheduler/store/task-store.ts';
import { owner, scheduled, suiteRedis } from './store-fixtures.ts';

describe('DeadLetters', function () {
  const { redis } = suiteRedis('dead-letters');
  after(() => redis.quit());

  /** A store whose clock ticks 1 ms per dead letter, with `n` dead letters d0..d(n-1) and one pending task. */
  async function withDead(n: number, options: { scriptChunkSize?: number } = {}): Promise<{ store: TaskStore; dead: ScheduledTask[] }> {
    let now = 1_000;
    const store = new TaskStore(redis, { owner: owner(), clock: () => now++, ...options });
    const dead = Array.from({ length: n }, (_, i) => scheduled({ id: `d${i}`, pairId: 'p', attempts: 3, notBefore: 50, lastError: `e${i}` }));
    await store.addMany([...dead, scheduled({ id: 'alive', pairId: 'p' })]);
    for (const [i, task] of dead.entries()) await store.deadLetter(task, `e${i}`, i % 2 === 0 ? 'max_attempts' : 'permanent');
    return { store, dead };
  }

  it('counts, gets and lists oldest first with limit and offset', async () => {
    const { store, dead } = await withDead(5);
    const letters = store.deadLetters;
    assert.equal(await letters.count(), 5);
    const { seq: _seq, ...task0 } = dead[0]!;
    assert.deepEqual(await letters.get('d0'), { task: task0, error: 'e0', reason: 'max_attempts', deadAt: 1_000 });
    assert.equal(await letters.get('alive'), null);
    assert.deepEqual((await letters.list()).map((l) => l.task.id), ['d0', 'd1', 'd2', 'd3', 'd4']);
    const page = await letters.list({ limit: 2, offset: 1 });
    assert.deepEqual(page.map((l) => [l.task.id, l.reason, l.deadAt]), [['d1', 'permanent', 1_001], ['d2', 'max_attempts', 1_002]]);
    assert.deepEqual(await letters.list({ offset: 9 }), []);
  });

  it('replays chosen letters atomically: pending again behind everything, attempts, backoff and error reset', async () => {
    const { store } = await withDead(4);
    const result = await store.deadLetters.replay(['d2', 'd0', 'ghost'], { enqueuedAt: 9_000 });
    assert.deepEqual(result.replayed.map((t) => t.id), ['d2', 'd0']);
    assert.deepEqual(result.letters.map((l) => [l.task.id, l.error]), [['d2', 'e2'], ['d0', 'e0']]);
    assert.deepEqual(result.missing, ['ghost']);
    assert.deepEqual(result.conflicting, []);
    const d2 = result.replayed[0]!;
    assert.deepEqual([d2.attempts, d2.notBefore, d2.lastError, d2.enqueuedAt], [0, undefined, undefined, 9_000]);
    assert.ok(!('notBefore' in d2) && !('lastError' in d2));
    const pending = await store.loadPending();
    assert.deepEqual(pending.map((t) => t.id), ['alive', 'd2', 'd0']);
    assert.deepEqual(pending.slice(1), result.replayed);
    // Four letters and one live task took seqs 1-5; the replayed go behind them.
    assert.deepEqual(result.replayed.map((t) => t.seq), [6, 7]);
    assert.deepEqual((await store.deadLetters.list()).map((l) => l.task.id), ['d1', 'd3']);
    // Replaying again finds nothing: no letter runs twice.
    assert.deepEqual((await store.deadLetters.replay(['d2'])).missing, ['d2']);
  });

  it('replays all, across chunks, and keeps the original enqueuedAt by default', async () => {
    const { store, dead } = await withDead(7, { scriptChunkSize: 3 });
    const result = await store.deadLetters.replay('all');
    assert.deepEqual(result.replayed.map((t) => t.id), dead.map((t) => t.id));
    assert.deepEqual(result.replayed.map((t) => t.enqueuedAt), dead.map((t) => t.enqueuedAt));
    assert.equal(await store.deadLetters.count(), 0);
    assert.equal(await store.pendingCount(), 8);
  });

  it('leaves a letter whose id is pending again, and reports it', async () => {
    const { store, dead } = await withDead(2);
    await store.addMany([dead[1]!]);
    const result = await store.deadLetters.replay('all');
    assert.deepEqual([result.replayed.map((t) => t.id), result.conflicting], [['d0'], ['d1']]);
    assert.equal((await store.deadLetters.get('d1'))?.error, 'e1');
  });

  it('purges chosen letters or all of them, answering how many there were', async () => {
    const { store } = await withDead(4);
    assert.deepEqual(await store.deadLetters.purge(['d1', 'd3', 'nope']), { purged: 2, missing: ['nope'] });
    assert.deepEqual((await store.deadLetters.list()).map((l) => l.task.id), ['d0', 'd2']);
    assert.deepEqual(await store.deadLetters.purge('all'), { purged: 2, missing: [] });
    assert.equal(await store.deadLetters.count(), 0);
    assert.deepEqual(await store.deadLetters.purge('all'), { purged: 0, missing: [] });
    assert.equal(await store.pendingCount(), 1, 'pending tasks are untouched');
  });

  describe('arguments', () => {
    it('checks limit, offset and selections', async () => {
      const letters = new TaskStore(redis, { owner: owner() }).deadLetters;
      await assert.rejects(letters.list({ limit: 0 }), { code: 'invalid_option', message: 'limit must be an integer from 1 to 10000' });
      await assert.rejects(letters.list({ offset: -1 }), { code: 'invalid_option', message: 'offset must be a non-negative integer' });
      const message = "selection must be 'all' or an array of non-empty task ids";
      await assert.rejects(letters.replay('some' as never), { code: 'invalid_option', message });
      await assert.rejects(letters.purge([''] as never), { code: 'invalid_option', message });
    });
  });
});
