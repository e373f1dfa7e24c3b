import assert from 'node:assert/strict';
import type { SchedulerEvent } from '../../../src/scheduler/core/scheduler-events.ts';
import type { ScheduledTask } from '../../../src/scheduler/core/task.ts';
import { drain, ids, runAll, scheduler, task } from './scheduler-fixtures.ts';

/** A task as a dead shard stored it. */
const claimed = (id: string, pairId: string, seq: number): ScheduledTask => ({ ...task({ id, pairId }), attempts: 0, seq });

describe('scheduler core: pairs held for a handover', () => {
  it('hands out nothing of a held pair, the other pairs go on; let go, it runs in order', () => {
    const s = scheduler();
    s.holdPairs(['x'], 0);
    for (const [id, pairId] of [['x1', 'x'], ['y1', 'y'], ['x2', 'x']] as const) s.enqueue(task({ id, pairId }), 0);
    assert.deepEqual(runAll(s, 0), ['y1']);
    assert.deepEqual([...s.heldPairs], ['x']);
    s.holdPairs([], 1);
    assert.deepEqual(runAll(s, 1), ['x1', 'x2']);
  });

  it('takes a ready pair out of the rings, and lets one in flight finish before holding its next task', () => {
    const s = scheduler();
    for (const [id, pairId] of [['x1', 'x'], ['x2', 'x'], ['y1', 'y'], ['y2', 'y']] as const) s.enqueue(task({ id, pairId }), 0);
    const first = s.take(0).task!;
    assert.equal(first.id, 'x1');
    s.holdPairs(['x', 'y'], 0);
    assert.equal(s.take(0).task, null, 'y was ready, x is in flight');
    s.ack('x1', 0);
    assert.equal(s.take(0).task, null, 'x2 waits behind the hold');
    s.holdPairs(['y'], 1);
    assert.deepEqual(runAll(s, 1), ['x2']);
    s.holdPairs([], 2);
    assert.deepEqual(runAll(s, 2), ['y1', 'y2']);
  });

  it('keeps a pair whose head waits for its notBefore held when the wait ends', () => {
    const s = scheduler();
    s.enqueue(task({ id: 'x1', pairId: 'x', notBefore: 100 }), 0);
    s.holdPairs(['x'], 0);
    assert.equal(s.take(200).task, null);
    s.holdPairs([], 200);
    assert.equal(s.take(200).task?.id, 'x1');
  });

  it('reports a handover delay for the held head', () => {
    const events: SchedulerEvent[] = [];
    const s = scheduler({ onEvent: (e) => events.push(e) });
    s.enqueue(task({ id: 'x1', pairId: 'x' }), 0);
    s.holdPairs(['x'], 5);
    assert.deepEqual(events.map((e) => e.type === 'delayed' && [e.reason, e.taskId, e.until]), [['handover', 'x1', null]]);
    assert.equal(s.metrics().delayed.handover, 1);
  });

  it('puts tasks adopted into a held pair in front of the ones accepted here, renumbering those', () => {
    const s = scheduler();
    s.holdPairs(['x'], 0);
    for (const id of ['n1', 'n2']) s.enqueue(task({ id, pairId: 'x' }), 0);
    s.enqueue(task({ id: 'y1', pairId: 'y' }), 0);
    s.advanceSeq(50);
    const report = s.adopt([claimed('c2', 'x', 41), claimed('c1', 'x', 40), claimed('cy', 'y', 42)], 0);
    assert.equal(report.restored, 3);
    assert.deepEqual(report.moved.map((t) => [t.id, t.seq]), [['n1', 54], ['n2', 55]], 'behind cy (51, adopted first, by seq) and c1, c2 (52, 53)');
    s.holdPairs([], 1);
    const order = runAll(s, 1);
    assert.deepEqual(order.filter((id) => id !== 'y1' && id !== 'cy'), ['c1', 'c2', 'n1', 'n2']);
    assert.deepEqual(order.filter((id) => id === 'y1' || id === 'cy'), ['y1', 'cy'], 'a pair not held adopts behind');
  });

  it('adopts into a held pair behind its head in flight', () => {
    const s = scheduler();
    for (const id of ['n1', 'n2']) s.enqueue(task({ id, pairId: 'x' }), 0);
    assert.equal(s.take(0).task?.id, 'n1');
    s.holdPairs(['x'], 0);
    const report = s.adopt([claimed('c1', 'x', 1)], 0);
    assert.deepEqual(ids(report.moved), ['n2']);
    s.ack('n1', 0);
    s.holdPairs([], 1);
    assert.deepEqual(runAll(s, 1), ['c1', 'n2']);
  });

  it('adopts into a held pair with nothing here like any other', () => {
    const s = scheduler();
    s.holdPairs(['x'], 0);
    assert.deepEqual(s.adopt([claimed('c3', 'x', 3), claimed('c1', 'x', 1), claimed('c2', 'x', 2)], 0).moved, []);
    assert.deepEqual(drain(s, 0), []);
    s.holdPairs([], 1);
    assert.deepEqual(runAll(s, 1), ['c1', 'c2', 'c3']);
  });
});
