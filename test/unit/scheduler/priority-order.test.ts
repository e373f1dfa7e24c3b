import assert from 'node:assert/strict';
import { drain, ids, runAll, scheduler, task } from './scheduler-fixtures.ts';

describe('scheduler core: priority and fairness', () => {
  it('hands out elite before pro before free, whatever the enqueue order', () => {
    const s = scheduler();
    s.enqueue(task({ id: 'f', tier: 'free', userId: 'uf', pairId: 'pf' }), 0);
    s.enqueue(task({ id: 'p', tier: 'pro', userId: 'up', pairId: 'pp' }), 0);
    s.enqueue(task({ id: 'e', tier: 'elite', userId: 'ue', pairId: 'pe' }), 0);
    assert.deepEqual(ids(drain(s, 0)), ['e', 'p', 'f']);
  });

  it('serves a lower tier only while no higher-tier task is runnable', () => {
    const s = scheduler();
    s.enqueue(task({ id: 'f1', tier: 'free', userId: 'uf', pairId: 'pf' }), 0);
    assert.equal(s.take(0).task?.id, 'f1');
    s.enqueue(task({ id: 'f2', tier: 'free', userId: 'uf', pairId: 'pf2' }), 1);
    s.enqueue(task({ id: 'e1', tier: 'elite', userId: 'ue', pairId: 'pe' }), 1);
    assert.deepEqual(ids(drain(s, 1)), ['e1', 'f2']);
  });

  it('keeps reserved worker slots for the tiers above, so an Elite task never waits for a Free send to finish', () => {
    const s = scheduler({ maxInFlightPerWorker: 3, reservedWorkerSlots: { elite: 1 } });
    for (let i = 0; i < 5; i++) s.enqueue(task({ id: `f${i}`, pairId: `pf${i}`, userId: `uf${i}`, sendingAccountId: `af${i}` }), 0);
    assert.deepEqual([s.take(0).task?.id, s.take(0).task?.id], ['f0', 'f1']);
    assert.equal(s.take(0).task, null, 'Free stops at two of three slots');
    s.enqueue(task({ id: 'e', pairId: 'pe', userId: 'ue', tier: 'elite', sendingAccountId: 'ae' }), 1);
    assert.equal(s.take(1).task?.id, 'e', 'the kept slot serves Elite at once');
    s.ack('e', 2);
    assert.equal(s.take(2).task, null, 'the kept slot stays empty rather than serve Free');
    s.ack('f0', 3);
    assert.equal(s.take(3).task?.id, 'f2', 'a slot freed below the reservation goes back to Free');
    assert.equal(s.take(3).task, null);
  });

  it('round-robins across users of one tier so a heavy user cannot starve the others', () => {
    const s = scheduler();
    for (let i = 0; i < 5; i++) s.enqueue(task({ id: `heavy${i}`, userId: 'heavy', pairId: `h${i}` }), 0);
    s.enqueue(task({ id: 'light0', userId: 'light', pairId: 'l0' }), 0);
    s.enqueue(task({ id: 'light1', userId: 'light', pairId: 'l1' }), 0);
    assert.deepEqual(ids(drain(s, 0)), ['heavy0', 'light0', 'heavy1', 'light1', 'heavy2', 'heavy3', 'heavy4']);
  });

  it('round-robins across one user\'s sending accounts', () => {
    const s = scheduler();
    for (let i = 0; i < 3; i++) s.enqueue(task({ id: `a${i}`, sendingAccountId: 'acc-a', pairId: `pa${i}` }), 0);
    s.enqueue(task({ id: 'b0', sendingAccountId: 'acc-b', pairId: 'pb0' }), 0);
    assert.deepEqual(ids(drain(s, 0)), ['a0', 'b0', 'a1', 'a2']);
  });

  it('round-robins a user\'s pairs, each pair keeping its own order', () => {
    const s = scheduler();
    s.enqueue(task({ id: 'x1', pairId: 'x' }), 0);
    s.enqueue(task({ id: 'x2', pairId: 'x' }), 0);
    s.enqueue(task({ id: 'y1', pairId: 'y' }), 0);
    s.enqueue(task({ id: 'y2', pairId: 'y' }), 0);
    assert.deepEqual(runAll(s, 0), ['x1', 'y1', 'x2', 'y2']);
  });

  describe('aging bound', () => {
    it('is off by default: free waits as long as elite work keeps coming', () => {
      const s = scheduler();
      s.enqueue(task({ id: 'old-free', tier: 'free', userId: 'uf', pairId: 'pf', enqueuedAt: 0 }), 0);
      for (let t = 0; t < 100; t++) {
        s.enqueue(task({ id: `e${t}`, tier: 'elite', userId: 'ue', pairId: 'pe', enqueuedAt: t * 1000 }), t * 1000);
        const got = s.take(t * 1000).task;
        assert.equal(got?.id, `e${t}`);
        s.ack(got.id, t * 1000);
      }
    });

    it('treats a free task that waited past its bound as top tier, capping its wait', () => {
      const s = scheduler({ agingMs: { free: 30_000 } });
      s.enqueue(task({ id: 'old-free', tier: 'free', userId: 'uf', pairId: 'pf', enqueuedAt: 0 }), 0);
      const order: string[] = [];
      for (let t = 0; t <= 40_000; t += 1000) {
        s.enqueue(task({ id: `e${t}`, tier: 'elite', userId: `ue${t % 3}`, pairId: `pe${t}`, enqueuedAt: t }), t);
        const got = s.take(t).task!;
        order.push(got.id);
        s.ack(got.id, t);
      }
      const at = order.indexOf('old-free');
      assert.ok(at >= 30 && at <= 31, `free task dispatched at step ${at}`);
    });

    it('ages a task that is enqueued already past its bound straight into the top tier', () => {
      const s = scheduler({ agingMs: { pro: 5_000 } });
      s.enqueue(task({ id: 'e', tier: 'elite', userId: 'ue', pairId: 'pe', enqueuedAt: 10_000 }), 10_000);
      s.enqueue(task({ id: 'p-old', tier: 'pro', userId: 'up', pairId: 'pp', enqueuedAt: 0 }), 10_000);
      s.enqueue(task({ id: 'f', tier: 'free', userId: 'uf', pairId: 'pf', enqueuedAt: 0 }), 10_000);
      // The aged pro task joins the elite round-robin behind the elite user already there.
      assert.deepEqual(ids(drain(s, 10_000)), ['e', 'p-old', 'f']);
    });

    it('does not age the next task of a pair from its predecessor\'s enqueue time', () => {
      const s = scheduler({ agingMs: { free: 1_000 } });
      s.enqueue(task({ id: 'f1', tier: 'free', userId: 'uf', pairId: 'pf', enqueuedAt: 0 }), 0);
      s.enqueue(task({ id: 'f2', tier: 'free', userId: 'uf', pairId: 'pf', enqueuedAt: 4_500 }), 4_500);
      s.enqueue(task({ id: 'p1', tier: 'pro', userId: 'up', pairId: 'pp', enqueuedAt: 4_500 }), 4_500);
      assert.equal(s.take(5_000).task?.id, 'f1'); // waited 5 s > 1 s: promoted above pro
      s.ack('f1', 5_000);
      assert.equal(s.take(5_000).task?.id, 'p1'); // f2 waited 0.5 s only
      assert.equal(s.take(5_000).task?.id, 'f2');
    });
  });
});
