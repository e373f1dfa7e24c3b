import assert from 'node:assert/strict';
import { ids, runAll, scheduler, task } from './scheduler-fixtures.ts';

describe('scheduler core: order within a pair', () => {
  it('hands out a pair\'s tasks in enqueue order, one at a time', () => {
    const s = scheduler();
    s.enqueue(task({ id: 'send', op: 'send' }), 0);
    s.enqueue(task({ id: 'edit', op: 'edit' }), 0);
    s.enqueue(task({ id: 'delete', op: 'delete' }), 0);
    assert.equal(s.take(0).task?.id, 'send');
    assert.deepEqual(s.take(0), { task: null, wakeAt: null }, 'the edit waits for the send to complete');
    s.ack('send', 1);
    assert.equal(s.take(1).task?.id, 'edit');
    s.ack('edit', 2);
    assert.equal(s.take(2).task?.id, 'delete');
  });

  it('a retrying task holds back only the later tasks of its own pair', () => {
    const s = scheduler({ backoffBaseMs: 1_000 });
    s.enqueue(task({ id: 'x1', pairId: 'x' }), 0);
    s.enqueue(task({ id: 'x2', pairId: 'x' }), 0);
    s.enqueue(task({ id: 'y1', pairId: 'y' }), 0);
    s.enqueue(task({ id: 'y2', pairId: 'y' }), 0);
    s.enqueue(task({ id: 'z1', pairId: 'z', userId: 'other' }), 0);

    assert.equal(s.take(0).task?.id, 'x1');
    const failed = s.fail('x1', new Error('timeout'), 0);
    assert.equal(failed.outcome, 'retry');
    assert.equal(failed.outcome === 'retry' && failed.retryAt, 1_000);

    // Other pairs and users keep flowing (u1 had its turn, so 'other' goes next); x2 never overtakes x1.
    assert.deepEqual(runAll(s, 500), ['z1', 'y1', 'y2']);
    assert.deepEqual(s.take(500), { task: null, wakeAt: 1_000 });
    assert.deepEqual(runAll(s, 1_000), ['x1', 'x2']);
  });

  it('honours a task\'s notBefore and keeps later tasks of the pair behind it', () => {
    const s = scheduler();
    s.enqueue(task({ id: 'late', pairId: 'x', notBefore: 5_000 }), 0);
    s.enqueue(task({ id: 'after', pairId: 'x' }), 0);
    s.enqueue(task({ id: 'other', pairId: 'y' }), 0);
    assert.deepEqual(runAll(s, 0), ['other']);
    assert.deepEqual(s.take(4_999), { task: null, wakeAt: 5_000 });
    assert.deepEqual(runAll(s, 5_000), ['late', 'after']);
  });

  it('applies the delay of a task that reaches the head of its pair later', () => {
    const s = scheduler();
    s.enqueue(task({ id: 'first', pairId: 'x' }), 0);
    s.enqueue(task({ id: 'delayed', pairId: 'x', notBefore: 3_000 }), 0);
    assert.equal(s.take(0).task?.id, 'first');
    s.ack('first', 1_000);
    assert.deepEqual(s.take(1_000), { task: null, wakeAt: 3_000 });
    assert.equal(s.take(3_000).task?.id, 'delayed');
    assert.equal(s.metrics().delayed.pair_delay, 1);
  });

  it('dead-lettering a task lets the rest of its pair proceed in order', () => {
    const s = scheduler();
    s.enqueue(task({ id: 'a', pairId: 'x' }), 0);
    s.enqueue(task({ id: 'b', pairId: 'x' }), 0);
    s.take(0);
    assert.equal(s.fail('a', 'chat not found', 0, { permanent: true }).outcome, 'dead_letter');
    assert.deepEqual(ids([s.take(0).task!]), ['b']);
  });
});
