import assert from 'node:assert/strict';
import type { SchedulerEvent } from '../../../src/scheduler/core/scheduler-events.ts';
import { scheduler, task } from './scheduler-fixtures.ts';

describe('scheduler core: back-pressure', () => {
  it('rejects past the user\'s plan backlog (queueBacklog) with a reason and an event', () => {
    const events: SchedulerEvent[] = [];
    const s = scheduler({ backlogFor: undefined, onEvent: (e) => events.push(e) });
    for (let i = 0; i < 500; i++) assert.equal(s.enqueue(task({ id: `f${i}`, pairId: `p${i % 7}` }), 0).accepted, true);
    const r = s.enqueue(task({ id: 'one-too-many' }), 5);
    assert.deepEqual(r, { accepted: false, reason: 'backlog_full', scope: 'user', limit: 500, queued: 500 });
    assert.deepEqual(events, [{
      type: 'rejected', reason: 'backlog_full', at: 5, taskId: 'one-too-many', pairId: 'p1', userId: 'u1',
      tier: 'free', scope: 'user', limit: 500, queued: 500,
    }]);
    assert.equal(s.enqueue(task({ id: 'other-user', userId: 'u2' }), 5).accepted, true, 'other users are not affected');
    assert.equal(s.metrics().rejected.backlog_full, 1);
  });

  it('counts in-flight tasks against the backlog and frees room on completion', () => {
    const s = scheduler({ backlogFor: () => 2 });
    s.enqueue(task({ id: 'a', pairId: 'x' }), 0);
    s.enqueue(task({ id: 'b', pairId: 'y' }), 0);
    const taken = s.take(0).task!;
    assert.equal(s.enqueue(task({ id: 'c' }), 0).accepted, false);
    s.ack(taken.id, 0);
    assert.equal(s.enqueue(task({ id: 'c' }), 0).accepted, true);
  });

  it('rejects past a tier cap', () => {
    const s = scheduler({ maxQueuedPerTier: { free: 2 } });
    s.enqueue(task({ userId: 'a', pairId: 'a' }), 0);
    s.enqueue(task({ userId: 'b', pairId: 'b' }), 0);
    assert.deepEqual(s.enqueue(task({ userId: 'c', pairId: 'c' }), 0), {
      accepted: false, reason: 'backlog_full', scope: 'tier', limit: 2, queued: 2,
    });
    assert.equal(s.enqueue(task({ userId: 'c', pairId: 'c', tier: 'pro' }), 0).accepted, true);
  });

  it('accepts a repeated id or idempotency key as a duplicate without adding it', () => {
    const s = scheduler();
    const first = s.enqueue(task({ id: 'x', idempotencyKey: 'k' }), 0);
    assert.equal(first.accepted && first.duplicate, false);
    const again = s.enqueue(task({ id: 'y', idempotencyKey: 'k' }), 0);
    assert.deepEqual(again.accepted && [again.duplicate, again.task.id], [true, 'x']);
    const sameId = s.enqueue(task({ id: 'x', idempotencyKey: 'k2' }), 0);
    assert.equal(sameId.accepted && sameId.duplicate, true);
    assert.equal(s.size, 1);
  });

  it('refuses a malformed task with forward_task_invalid', () => {
    const s = scheduler();
    assert.throws(() => s.enqueue(task({ id: 'bad', tier: 'gold' as never }), 0), {
      code: 'forward_task_invalid', message: 'Forwarding task "bad": tier must be one of elite, pro, free',
    });
    assert.throws(() => s.enqueue(task({ id: 'bad', op: 'pin' as never }), 0), { message: /op must be one of send, edit, delete/ });
    assert.throws(() => s.enqueue(task({ id: 'bad', pairId: '' }), 0), { message: /pairId must be a non-empty string/ });
    assert.throws(() => s.enqueue(task({ id: 'bad', enqueuedAt: NaN }), 0), { message: /enqueuedAt must be a finite number/ });
    assert.throws(() => s.enqueue(task({ id: 'bad', notBefore: Infinity }), 0), { message: /notBefore must be a finite number when set/ });
    assert.throws(() => s.enqueue(task({ id: 'bad', attempts: -1 }), 0), { message: /attempts must be a non-negative integer/ });
    assert.throws(() => s.enqueue(task({ id: 'bad', payloadRef: 3 as never }), 0), { message: /payloadRef must be a string/ });
    assert.equal(s.size, 0);
  });

  it('rejects a backlogFor answer that is not a cap', () => {
    const s = scheduler({ backlogFor: () => -1 });
    assert.throws(() => s.enqueue(task(), 0), {
      code: 'invalid_option', message: 'backlogFor must return a non-negative integer, Infinity or null',
    });
  });
});
