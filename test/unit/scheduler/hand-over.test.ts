/**
 * An in-flight task let go to the supervisor running its sending account:
 * it leaves the scheduler as an ack would (its pair's next task runnable,
 * nothing held for it) without counting as done.
 */
import assert from 'node:assert/strict';
import { drain, ids, scheduler, task } from './scheduler-fixtures.ts';

describe('scheduler core: hand-over of an in-flight task', () => {
  it('moves its pair on and leaves nothing held, without counting it done', () => {
    const s = scheduler();
    s.enqueue(task({ id: 'x1', pairId: 'p' }), 0);
    s.enqueue(task({ id: 'x2', pairId: 'p' }), 0);
    assert.deepEqual(ids(drain(s, 0)), ['x1']);
    const r = s.handOver('x1', 0);
    assert.equal(r.ok && r.task.id, 'x1');
    assert.deepEqual(ids(drain(s, 0)), ['x2']);
    assert.equal(s.handOver('x2', 0).ok, true);
    assert.equal(s.size, 0);
    assert.equal(s.metrics().acked, 0);
  });

  it('refuses a task not in flight or unknown, changing nothing', () => {
    const s = scheduler();
    s.enqueue(task({ id: 'x1' }), 0);
    assert.deepEqual(s.handOver('x1', 0), { ok: false, reason: 'not_in_flight' });
    assert.deepEqual(s.handOver('nope', 0), { ok: false, reason: 'unknown_task' });
    assert.deepEqual(ids(drain(s, 0)), ['x1']);
  });
});
