import assert from 'node:assert/strict';
import { WaitStats } from '../../../src/scheduler/core/wait-stats.ts';
import { scheduler, task } from './scheduler-fixtures.ts';

describe('scheduler core: metrics', () => {
  it('reports queue lengths, in-flight, dispatches and waits per tier', () => {
    const s = scheduler({ workerOf: (acc) => (acc === 'a-elite' ? 'w-e' : 'w-f') });
    for (let i = 0; i < 4; i++) {
      s.enqueue(task({ id: `e${i}`, tier: 'elite', userId: 'ue', pairId: `pe${i}`, sendingAccountId: 'a-elite', enqueuedAt: i * 100 }), i * 100);
    }
    s.enqueue(task({ id: 'f0', tier: 'free', userId: 'uf', pairId: 'pf', enqueuedAt: 0 }), 0);
    s.enqueue(task({ id: 'f1', tier: 'free', userId: 'uf', pairId: 'pf', enqueuedAt: 0 }), 0);

    assert.equal(s.take(1_000).task?.id, 'e0'); // waited 1000
    assert.equal(s.take(1_000).task?.id, 'e1'); // 900
    assert.equal(s.take(1_000).task?.id, 'e2'); // 800
    assert.equal(s.take(1_000).task?.id, 'e3'); // 700
    assert.equal(s.take(2_000).task?.id, 'f0'); // 2000
    s.ack('e0', 2_000);
    s.fail('e1', 'x', 2_000, { permanent: true });

    const m = s.metrics();
    assert.deepEqual(m.queued, { elite: 0, pro: 0, free: 1 });
    assert.deepEqual(m.inFlight, { elite: 2, pro: 0, free: 1 });
    assert.deepEqual(m.inFlightByWorker, { 'w-e': 2, 'w-f': 1 });
    assert.deepEqual(m.dispatched, { elite: 4, pro: 0, free: 1 });
    assert.equal(m.acked, 1);
    assert.deepEqual(m.deadLettered, { elite: 1, pro: 0, free: 0 });
    assert.deepEqual(m.wait.elite, { count: 4, avgMs: 850, p50Ms: 800, p99Ms: 1_000, maxMs: 1_000 });
    assert.deepEqual(m.wait.free, { count: 1, avgMs: 2_000, p50Ms: 2_000, p99Ms: 2_000, maxMs: 2_000 });
    assert.deepEqual(m.wait.pro, { count: 0, avgMs: 0, p50Ms: 0, p99Ms: 0, maxMs: 0 });
  });

  it('keeps percentiles over the most recent samples and exact totals over all', () => {
    const w = new WaitStats(100);
    for (let i = 0; i < 1_000; i++) w.record(100_000); // old, slow era
    for (let i = 1; i <= 100; i++) w.record(i); // recent: 1..100
    const sum = w.summary();
    assert.equal(sum.count, 1_100);
    assert.equal(sum.maxMs, 100_000);
    assert.equal(sum.p50Ms, 50);
    assert.equal(sum.p99Ms, 99);
    assert.equal(sum.avgMs, (1_000 * 100_000 + 5_050) / 1_100);
  });
});
