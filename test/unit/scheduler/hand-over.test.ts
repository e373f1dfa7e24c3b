/**
 * An in-flight task let go to the supervisor running its sending account:
 * it leaves the scheduler as an ack would (its pair's next task runnable,
 * nothing held for it) without counting as done.
 */
import assert from 'node:assert/strict';
import type { ScheduledTask } from '../../../src/scheduler/core/task.ts';
import { drain, ids, runAll, scheduler, task } from './scheduler-fixtures.ts';

/** A task as the supervisor that read it stored it before handing it over. */
const handed = (id: string, pairId: string, seq: number): ScheduledTask => ({ ...task({ id, pairId }), attempts: 0, seq });

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

  it('runs tasks handed over to it though their pair is held: they are the pair\'s oldest; what was accepted here waits behind them', () => {
    const s = scheduler();
    s.holdPairs(['x'], 0);
    s.enqueue(task({ id: 'local', pairId: 'x' }), 0);
    assert.deepEqual(runAll(s, 0), []);
    assert.equal(s.adopt([handed('h1', 'x', 5), handed('h2', 'x', 6)], 0, { handedOver: true }).restored, 2);
    assert.deepEqual(runAll(s, 0), ['h1', 'h2'], 'the accepted one stays held');
    s.holdPairs([], 1);
    assert.deepEqual(runAll(s, 1), ['local']);
  });

  it('does not hold a pair whose head was handed over when the hold comes after', () => {
    const s = scheduler();
    s.adopt([handed('h1', 'x', 1)], 0, { handedOver: true });
    s.holdPairs(['x'], 0);
    assert.deepEqual(runAll(s, 0), ['h1']);
    s.enqueue(task({ id: 'local', pairId: 'x' }), 0);
    assert.deepEqual(runAll(s, 0), [], 'held again behind it');
  });

  it('keeps handed-over tasks in the order they came in over several adoptions, in front of what was accepted here', () => {
    const s = scheduler();
    s.holdPairs(['x'], 0);
    s.enqueue(task({ id: 'local', pairId: 'x' }), 0);
    s.adopt([handed('h1', 'x', 1)], 0, { handedOver: true });
    s.adopt([handed('h2', 'x', 2)], 0, { handedOver: true });
    s.adopt([handed('h3', 'x', 3), handed('h4', 'x', 4)], 0, { handedOver: true });
    assert.deepEqual(runAll(s, 0), ['h1', 'h2', 'h3', 'h4']);
    s.holdPairs([], 1);
    assert.deepEqual(runAll(s, 1), ['local']);
  });

  it('holds only the tasks of accounts sent from here: a held pair whose account left is handed out, to go where it runs', () => {
    const here = new Set(['acc']);
    const s = scheduler({ sendsHere: (accountId) => here.has(accountId) });
    s.enqueue(task({ id: 'x1', pairId: 'x', sendingAccountId: 'acc' }), 0);
    s.enqueue(task({ id: 'y1', pairId: 'y', sendingAccountId: 'gone' }), 0);
    s.holdPairs(['x', 'y'], 0);
    assert.deepEqual(runAll(s, 0), ['y1'], 'y\'s account is not sent from here: its task goes out, for a hand-over');
    here.delete('acc');
    s.holdPairs(['x', 'y'], 1);
    assert.deepEqual(runAll(s, 1), ['x1'], 'the account left: looked at again with the next hold');
  });
});

