import assert from 'node:assert/strict';
import { retryDelayMs } from '../../../src/scheduler/core/backoff.ts';
import type { SchedulerEvent } from '../../../src/scheduler/core/scheduler-events.ts';
import { scheduler, task } from './scheduler-fixtures.ts';

describe('scheduler core: retries and dead letters', () => {
  it('retries with exponential backoff plus injected jitter, then dead-letters with the last error', () => {
    const randoms = [0.5, 0.25, 0, 1];
    const events: SchedulerEvent[] = [];
    const s = scheduler({
      maxAttempts: 4, backoffBaseMs: 1_000, backoffFactor: 2, backoffJitter: 0.2,
      random: () => randoms.shift()!, onEvent: (e) => events.push(e),
    });
    s.enqueue(task({ id: 'x' }), 0);
    let now = 0;
    const delays: number[] = [];
    for (let attempt = 1; attempt <= 3; attempt++) {
      const taken = s.take(now);
      assert.equal(taken.task?.attempts, attempt);
      const r = s.fail('x', new Error(`boom ${attempt}`), now);
      assert.equal(r.outcome, 'retry');
      if (r.outcome !== 'retry') return;
      delays.push(r.delayMs);
      assert.equal(r.retryAt, now + r.delayMs);
      assert.equal(r.task.lastError, `boom ${attempt}`);
      assert.deepEqual(s.take(r.retryAt - 1), { task: null, wakeAt: r.retryAt });
      now = r.retryAt;
    }
    // 1000 + 0.2*0.5*1000, 2000 + 0.2*0.25*2000, 4000 + 0.
    assert.deepEqual(delays, [1_100, 2_100, 4_000]);
    assert.equal(s.take(now).task?.attempts, 4);
    const last = s.fail('x', new Error('boom 4'), now);
    assert.deepEqual(last.outcome === 'dead_letter' && [last.reason, last.error, last.task.attempts], ['max_attempts', 'boom 4', 4]);
    assert.equal(s.size, 0);
    const m = s.metrics();
    assert.equal(m.retried, 3);
    assert.equal(m.deadLettered.free, 1);
    assert.equal(m.dispatched.free, 4);
    assert.equal(m.delayed.retry_backoff, 3);
    assert.deepEqual(events.map((e) => e.reason), ['retry_backoff', 'retry_backoff', 'retry_backoff']);
  });

  it('caps the delay at backoffMaxMs before jitter', () => {
    const policy = { baseMs: 1_000, maxMs: 5_000, factor: 10, jitter: 0.5 };
    assert.equal(retryDelayMs(1, policy, () => 0), 1_000);
    assert.equal(retryDelayMs(2, policy, () => 0), 5_000);
    assert.equal(retryDelayMs(50, policy, () => 0.999), Math.round(5_000 + 5_000 * 0.5 * 0.999));
  });

  it('dead-letters a permanent error at once', () => {
    const s = scheduler({ maxAttempts: 10 });
    s.enqueue(task({ id: 'x' }), 0);
    s.take(0);
    const r = s.fail('x', 'CHAT_WRITE_FORBIDDEN', 0, { permanent: true });
    assert.deepEqual(r.outcome === 'dead_letter' && [r.reason, r.error], ['permanent', 'CHAT_WRITE_FORBIDDEN']);
    assert.equal(s.size, 0);
  });

  it('waits at least the platform\'s retryAfterMs', () => {
    const s = scheduler({ backoffBaseMs: 1_000 });
    s.enqueue(task({ id: 'x' }), 0);
    s.take(0);
    const r = s.fail('x', '429', 0, { retryAfterMs: 7_500 });
    assert.deepEqual(r.outcome === 'retry' && [r.delayMs, r.retryAt], [7_500, 7_500]);
    assert.throws(() => s.fail('x', '429', 0, { retryAfterMs: -1 }), {
      code: 'invalid_option', message: 'retryAfterMs must be a non-negative finite number',
    });
  });

  it('ignores completions of unknown tasks and of tasks not in flight', () => {
    const s = scheduler();
    s.enqueue(task({ id: 'x' }), 0);
    assert.deepEqual(s.ack('nope', 0), { ok: false, reason: 'unknown_task' });
    assert.deepEqual(s.ack('x', 0), { ok: false, reason: 'not_in_flight' });
    assert.deepEqual(s.fail('nope', 'e', 0), { outcome: 'ignored', reason: 'unknown_task' });
    assert.deepEqual(s.fail('x', 'e', 0), { outcome: 'ignored', reason: 'not_in_flight' });
    s.take(0);
    assert.equal(s.ack('x', 0).ok, true);
    assert.deepEqual(s.ack('x', 0), { ok: false, reason: 'unknown_task' }, 'a second ack is stale');
  });
});
