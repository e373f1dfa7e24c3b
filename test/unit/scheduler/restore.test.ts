import assert from 'node:assert/strict';
import type { ScheduledTask } from '../../../src/scheduler/core/task.ts';
import { runAll, scheduler, task } from './scheduler-fixtures.ts';

describe('scheduler core: restore', () => {
  it('rebuilds from persisted tasks in any order, each pair replayed by seq', () => {
    const before = scheduler();
    const persisted: ScheduledTask[] = [];
    for (const [id, pairId] of [['x1', 'x'], ['y1', 'y'], ['x2', 'x'], ['x3', 'x'], ['y2', 'y']] as const) {
      const r = before.enqueue(task({ id, pairId }), 0);
      if (r.accepted) persisted.push(r.task);
    }
    // x1 was in flight at the crash and had failed once before.
    const taken = before.take(0);
    assert.equal(taken.task?.id, 'x1');
    persisted[0] = { ...taken.task!, lastError: 'timeout' };

    const after = scheduler();
    const report = after.restore([...persisted].reverse(), 10);
    assert.deepEqual(report, { restored: 5, duplicates: [] });
    const order = runAll(after, 10);
    assert.deepEqual(order.filter((id) => id.startsWith('x')), ['x1', 'x2', 'x3']);
    assert.deepEqual(order.filter((id) => id.startsWith('y')), ['y1', 'y2']);
  });

  it('keeps attempts, notBefore and lastError, and continues the sequence', () => {
    const s = scheduler({ maxAttempts: 2 });
    s.restore([
      { ...task({ id: 'r', pairId: 'x', notBefore: 500 }), attempts: 1, seq: 41, lastError: 'timeout' },
    ], 0);
    assert.deepEqual(s.take(0), { task: null, wakeAt: 500 });
    const r = s.enqueue(task({ id: 'n', pairId: 'x' }), 0);
    assert.equal(r.accepted && r.task.seq, 42);
    const t = s.take(500).task!;
    assert.deepEqual([t.id, t.attempts, t.lastError], ['r', 2, 'timeout']);
    const f = s.fail('r', 'again', 500);
    assert.equal(f.outcome === 'dead_letter' && f.reason, 'max_attempts');
  });

  it('ignores backlog caps, skips duplicate ids and keys, and refuses a non-empty scheduler', () => {
    const s = scheduler({ backlogFor: () => 1 });
    const report = s.restore([
      { ...task({ id: 'a', idempotencyKey: 'k1', pairId: 'p' }), attempts: 0, seq: 1 },
      { ...task({ id: 'b', idempotencyKey: 'k2', pairId: 'p' }), attempts: 0, seq: 2 },
      { ...task({ id: 'a', idempotencyKey: 'k3', pairId: 'p' }), attempts: 0, seq: 3 },
      { ...task({ id: 'c', idempotencyKey: 'k1', pairId: 'p' }), attempts: 0, seq: 4 },
    ], 0);
    assert.deepEqual(report, { restored: 2, duplicates: ['a', 'c'] });
    assert.throws(() => s.restore([], 0), {
      code: 'scheduler_not_empty', message: 'Cannot restore into a scheduler that holds 2 task(s); restore into a new one',
    });
  });

  it('refuses a persisted task without a valid seq', () => {
    assert.throws(() => scheduler().restore([{ ...task({ id: 'z' }), attempts: 0, seq: 0 }], 0), {
      code: 'forward_task_invalid', message: 'Forwarding task "z": seq must be a positive integer',
    });
  });

  it('adopts a dead shard\'s tasks while running: behind what is held, each pair by seq, a held key reported, a held id skipped', () => {
    const s = scheduler();
    for (const id of ['h1', 'h2']) s.enqueue(task({ id, idempotencyKey: `k-${id}`, pairId: 'x' }), 0);
    const claimed: ScheduledTask[] = [
      { ...task({ id: 'c2', idempotencyKey: 'k-c2', pairId: 'x' }), attempts: 0, seq: 7 },
      { ...task({ id: 'c1', idempotencyKey: 'k-c1', pairId: 'x' }), attempts: 1, seq: 3 },
      { ...task({ id: 'c3', idempotencyKey: 'k-h1', pairId: 'y' }), attempts: 0, seq: 9 },
      { ...task({ id: 'h2', idempotencyKey: 'k-h2', pairId: 'x' }), attempts: 0, seq: 1 },
    ];
    assert.deepEqual(s.adopt(claimed, 0), { restored: 2, duplicates: ['c3'], moved: [] });
    assert.deepEqual(runAll(s, 0), ['h1', 'h2', 'c1', 'c2']);
  });
});
