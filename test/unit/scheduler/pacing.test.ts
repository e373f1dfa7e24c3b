import assert from 'node:assert/strict';
import type { SchedulerEvent } from '../../../src/scheduler/core/scheduler-events.ts';
import { drain, ids, runAll, scheduler, task } from './scheduler-fixtures.ts';

describe('scheduler core: delays and pacing', () => {
  describe('per-account minimum interval', () => {
    it('spaces dispatches on one account and reports account_pacing', () => {
      const events: SchedulerEvent[] = [];
      const s = scheduler({ accountMinIntervalMs: 1_000, onEvent: (e) => events.push(e) });
      s.enqueue(task({ id: 'a1', pairId: 'p1' }), 0);
      s.enqueue(task({ id: 'a2', pairId: 'p2' }), 0);
      s.enqueue(task({ id: 'b1', pairId: 'p3', sendingAccountId: 'other' }), 0);
      assert.deepEqual(ids(drain(s, 0)), ['a1', 'b1']);
      assert.equal(s.take(0).task, null);
      assert.equal(s.nextWakeAt(), 1_000);
      assert.deepEqual(ids(drain(s, 999)), []);
      assert.deepEqual(ids(drain(s, 1_000)), ['a2']);
      assert.equal(s.metrics().delayed.account_pacing, 1);
      assert.deepEqual(
        events.map((e) => [e.type, e.reason, e.type === 'delayed' ? e.until : null, e.taskId]),
        [['delayed', 'account_pacing', 1_000, 'a2']],
      );
    });

    it('takes the interval of the account\'s kind when one is configured', () => {
      const s = scheduler({
        accountMinIntervalMs: 100,
        accountMinIntervalByKind: { telegram: 2_000 },
        accountKindOf: (id) => (id.startsWith('tg:') ? 'telegram' : 'discord'),
      });
      for (const acc of ['tg:1', 'dc:1']) {
        s.enqueue(task({ id: `${acc}-1`, pairId: `${acc}-p1`, sendingAccountId: acc }), 0);
        s.enqueue(task({ id: `${acc}-2`, pairId: `${acc}-p2`, sendingAccountId: acc }), 0);
      }
      assert.deepEqual(runAll(s, 0), ['tg:1-1', 'dc:1-1']);
      assert.deepEqual(runAll(s, 100), ['dc:1-2']);
      assert.deepEqual(runAll(s, 1_999), []);
      assert.deepEqual(runAll(s, 2_000), ['tg:1-2']);
    });
  });

  describe('plan rate limit', () => {
    it('holds a user to its messages per minute while other users flow', () => {
      // 60/min with a 1 s burst: one message now, then one per second.
      const s = scheduler({ rateFor: (userId) => (userId === 'slow' ? 60 : null), rateBurstMs: 1_000 });
      for (let i = 0; i < 3; i++) s.enqueue(task({ id: `slow${i}`, userId: 'slow', pairId: `s${i}` }), 0);
      for (let i = 0; i < 3; i++) s.enqueue(task({ id: `fast${i}`, userId: 'fast', pairId: `f${i}` }), 0);
      assert.deepEqual(runAll(s, 0), ['slow0', 'fast0', 'fast1', 'fast2']);
      assert.deepEqual(s.take(0), { task: null, wakeAt: 1_000 });
      assert.deepEqual(runAll(s, 1_000), ['slow1']);
      assert.deepEqual(runAll(s, 1_500), []);
      assert.deepEqual(runAll(s, 2_000), ['slow2']);
      assert.equal(s.metrics().delayed.plan_rate, 2);
    });

    it('defaults to the plan\'s messagesPerMinute with a one-minute burst', () => {
      const s = scheduler({ rateFor: undefined });
      for (let i = 0; i < 25; i++) s.enqueue(task({ id: `m${i}`, tier: 'free', pairId: `p${i}` }), 0);
      assert.equal(runAll(s, 0).length, 20); // free: 20 messages per minute
      assert.deepEqual(s.take(0), { task: null, wakeAt: 3_000 }); // one more every 3 s
      assert.equal(runAll(s, 3_000).length, 1);
    });

    it('rejects a rateFor answer that is not a positive rate', () => {
      const s = scheduler({ rateFor: () => 0 });
      s.enqueue(task(), 0);
      assert.throws(() => s.take(0), { code: 'invalid_option', message: 'rateFor must return a positive number, Infinity or null' });
    });
  });

  describe('platform blocks', () => {
    it('a flood wait on one account leaves other accounts flowing', () => {
      const events: SchedulerEvent[] = [];
      const s = scheduler({ onEvent: (e) => events.push(e) });
      s.blockAccount('tg:1', 30_000, 'flood_wait');
      s.enqueue(task({ id: 'blocked', sendingAccountId: 'tg:1', pairId: 'p1' }), 0);
      s.enqueue(task({ id: 'free-flowing', sendingAccountId: 'tg:2', pairId: 'p2', userId: 'u2' }), 0);
      s.enqueue(task({ id: 'same-user-other-account', sendingAccountId: 'dc:1', pairId: 'p3' }), 0);
      assert.deepEqual(runAll(s, 0), ['same-user-other-account', 'free-flowing']);
      assert.deepEqual(s.take(10_000), { task: null, wakeAt: 30_000 });
      assert.deepEqual(runAll(s, 30_000), ['blocked']);
      const flood = events.find((e) => e.type === 'delayed' && e.reason === 'flood_wait');
      assert.deepEqual(flood, {
        type: 'delayed', reason: 'flood_wait', at: 0, until: 30_000, taskId: 'blocked', pairId: 'p1',
        userId: 'u1', accountId: 'tg:1', tier: 'free', blockReason: 'flood_wait',
      });
    });

    it('a later, longer block extends the wait; a shorter one does not shorten it', () => {
      const s = scheduler();
      s.enqueue(task({ id: 'x', sendingAccountId: 'dc:bot' }), 0);
      s.blockAccount('dc:bot', 1_000, 'rate_limited');
      assert.deepEqual(s.take(0), { task: null, wakeAt: 1_000 });
      s.blockAccount('dc:bot', 5_000, 'rate_limited');
      s.blockAccount('dc:bot', 2_000, 'rate_limited');
      assert.deepEqual(s.take(1_000), { task: null, wakeAt: 5_000 });
      assert.equal(s.take(5_000).task?.id, 'x');
      assert.equal(s.metrics().delayed.flood_wait, 2);
    });

    it('validates its arguments', () => {
      const s = scheduler();
      assert.throws(() => s.blockAccount('a', NaN, 'flood_wait'), { code: 'invalid_option', message: 'untilMs must be a finite number' });
      assert.throws(() => s.blockAccount('a', 1, 'nap' as never), {
        code: 'invalid_option', message: 'reason must be one of flood_wait, rate_limited',
      });
    });
  });

  describe('in-flight bounds', () => {
    it('caps tasks in flight per account and reopens on completion', () => {
      const s = scheduler({ maxInFlightPerAccount: 2 });
      for (let i = 0; i < 4; i++) s.enqueue(task({ id: `a${i}`, pairId: `pa${i}` }), 0);
      s.enqueue(task({ id: 'b0', pairId: 'pb', sendingAccountId: 'b' }), 0);
      assert.deepEqual(ids(drain(s, 0)), ['a0', 'b0', 'a1']);
      assert.deepEqual(s.take(0), { task: null, wakeAt: null });
      s.ack('a0', 1);
      assert.deepEqual(ids(drain(s, 1)), ['a2']);
      s.fail('a1', 'oops', 2, { permanent: true });
      assert.deepEqual(ids(drain(s, 2)), ['a3']);
      assert.equal(s.metrics().delayed.load, 2);
    });

    it('caps tasks in flight per worker, across that worker\'s accounts only', () => {
      const workerOf = (acc: string): string => (acc.startsWith('w1') ? 'w1' : 'w2');
      const s = scheduler({ maxInFlightPerWorker: 2, workerOf });
      for (const acc of ['w1-a', 'w1-b', 'w1-c', 'w2-a', 'w2-b']) s.enqueue(task({ id: acc, pairId: acc, sendingAccountId: acc }), 0);
      const first = drain(s, 0);
      assert.deepEqual(ids(first), ['w1-a', 'w1-b', 'w2-a', 'w2-b']);
      assert.deepEqual(s.metrics().inFlightByWorker, { w1: 2, w2: 2 });
      s.ack('w2-a', 1);
      assert.deepEqual(ids(drain(s, 1)), [], 'a free slot on w2 does not help w1');
      s.ack('w1-a', 2);
      assert.deepEqual(ids(drain(s, 2)), ['w1-c']);
    });

    it('gives a freed worker slot to the best parked tier, without rescanning the worker', () => {
      const s = scheduler({ maxInFlightPerWorker: 1 });
      s.enqueue(task({ id: 'busy', tier: 'free', userId: 'u0', pairId: 'p0', sendingAccountId: 'a0' }), 0);
      assert.equal(s.take(0).task?.id, 'busy');
      for (let i = 0; i < 50; i++) s.enqueue(task({ id: `f${i}`, tier: 'free', userId: `uf${i}`, pairId: `pf${i}`, sendingAccountId: `af${i}` }), 0);
      s.enqueue(task({ id: 'p', tier: 'pro', userId: 'up', pairId: 'pp', sendingAccountId: 'ap' }), 0);
      assert.deepEqual(s.take(0), { task: null, wakeAt: null });
      s.ack('busy', 1);
      assert.equal(s.take(1).task?.id, 'p');
      s.ack('p', 2);
      assert.equal(s.take(2).task?.id, 'f0');
      s.ack('f0', 3);
      assert.equal(s.take(3).task?.id, 'f1', 'free lanes come back in the order they were parked');
    });

    it('lets out the next parked lane when the one let out turns out blocked elsewhere', () => {
      const s = scheduler({ maxInFlightPerWorker: 1 });
      s.enqueue(task({ id: 'busy', userId: 'u0', pairId: 'p0', sendingAccountId: 'a0' }), 0);
      s.take(0);
      s.enqueue(task({ id: 'blocked', userId: 'u1', pairId: 'p1', sendingAccountId: 'a1' }), 0);
      s.enqueue(task({ id: 'ok', userId: 'u2', pairId: 'p2', sendingAccountId: 'a2' }), 0);
      assert.equal(s.take(0).task, null);
      s.blockAccount('a1', 10_000, 'flood_wait');
      s.ack('busy', 1);
      assert.equal(s.take(1).task?.id, 'ok');
    });

    it('after moveAccount charges new work to the new worker and frees the old one on ack', () => {
      const s = scheduler({ maxInFlightPerWorker: 1, workerOf: () => 'w1' });
      s.enqueue(task({ id: 'x1', pairId: 'x', sendingAccountId: 'acc' }), 0);
      s.enqueue(task({ id: 'y1', pairId: 'y', sendingAccountId: 'acc' }), 0);
      assert.equal(s.take(0).task?.id, 'x1');
      assert.deepEqual(s.take(0), { task: null, wakeAt: null }, 'y waits for w1');
      s.moveAccount('acc', 'w2');
      const next = s.take(0);
      assert.equal(next.task?.id, 'y1', 'moving the account releases its work parked on w1');
      assert.equal(next.task !== null && next.workerId, 'w2');
      assert.deepEqual(s.metrics().inFlightByWorker, { w1: 1, w2: 1 });
      s.ack('x1', 1);
      assert.deepEqual(s.metrics().inFlightByWorker, { w1: 0, w2: 1 });
    });
  });
});
