/**
 * A send the sending account's own pacing handed back unsent (`paced`):
 * not an attempt, back exactly when its slot is due, its pair behind it,
 * other pairs of the account flowing, and never dead-lettered for it.
 */
import assert from 'node:assert/strict';
import type { SchedulerEvent } from '../../../src/scheduler/core/scheduler-events.ts';
import { ids, drain, runAll, scheduler, task } from './scheduler-fixtures.ts';

describe('scheduler core: sends handed back by the account\'s pacing', () => {
  it('waits exactly retryAfterMs, without backoff, keeps its attempts, and holds only its own pair', () => {
    const events: SchedulerEvent[] = [];
    const s = scheduler({ backoffBaseMs: 1_000, onEvent: (e) => events.push(e) });
    s.enqueue(task({ id: 'x1', pairId: 'p1' }), 0);
    s.enqueue(task({ id: 'x2', pairId: 'p1' }), 0);
    s.enqueue(task({ id: 'y1', pairId: 'p2' }), 0);
    assert.deepEqual(ids(drain(s, 0)), ['x1', 'y1']);
    const r = s.fail('x1', 'paced', 0, { retryAfterMs: 120, paced: true });
    assert.deepEqual(r.outcome === 'retry' && [r.delayMs, r.retryAt, r.task.attempts, r.task.lastError], [120, 120, 0, undefined]);
    assert.deepEqual(runAll(s, 119), []);
    assert.deepEqual(runAll(s, 120), ['x1', 'x2']);
    assert.equal(s.metrics().delayed.account_pacing, 1);
    assert.equal(s.metrics().retried, 0);
    assert.deepEqual(events.filter((e) => e.type === 'delayed').map((e) => [e.reason, e.taskId]), [['account_pacing', 'x1']]);
  });

  it('never dead-letters a task for being paced, however often', () => {
    const s = scheduler({ maxAttempts: 2 });
    s.enqueue(task({ id: 'x' }), 0);
    for (let t = 0; t < 10; t++) {
      assert.equal(s.take(t * 10).task?.id, 'x');
      assert.equal(s.fail('x', 'paced', t * 10, { retryAfterMs: 10, paced: true }).outcome, 'retry');
    }
    assert.equal(s.take(100).task?.attempts, 1);
  });

  it('dead-letters at once when also permanent', () => {
    const s = scheduler();
    s.enqueue(task({ id: 'x' }), 0);
    s.take(0);
    assert.equal(s.fail('x', 'gone', 0, { retryAfterMs: 10, paced: true, permanent: true }).outcome, 'dead_letter');
  });
});
