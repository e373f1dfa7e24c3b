import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Fifo } from '../../../src/scheduler/core/fifo.ts';
import type { RingLinks } from '../../../src/scheduler/core/linked-ring.ts';
import { LinkedRing } from '../../../src/scheduler/core/linked-ring.ts';
import { newRateBucket, rateConsume, rateWaitMs } from '../../../src/scheduler/core/rate-bucket.ts';
import type { TimerEntry } from '../../../src/scheduler/core/timer-heap.ts';
import { TimerHeap } from '../../../src/scheduler/core/timer-heap.ts';

interface Item extends RingLinks<Item> { name: string }
const item = (name: string): Item => ({ name, ring: null, ringPrev: null, ringNext: null });
const names = (ring: LinkedRing<Item>): string[] => {
  const out: string[] = [];
  for (let i = ring.first; i !== null; i = i.ringNext) out.push(i.name);
  return out;
};

describe('scheduler core: building blocks', () => {
  it('LinkedRing removes from the middle and rotates in O(1)', () => {
    const ring = new LinkedRing<Item>();
    const [a, b, c] = [item('a'), item('b'), item('c')];
    ring.push(a); ring.push(b); ring.push(c);
    ring.moveToBack(a);
    assert.deepEqual(names(ring), ['b', 'c', 'a']);
    assert.equal(ring.remove(c), true);
    assert.equal(ring.remove(c), false);
    assert.deepEqual(names(ring), ['b', 'a']);
    assert.throws(() => ring.push(a), /already in a ring/);
    assert.deepEqual(ring.drain().map((i) => i.name), ['b', 'a']);
    assert.equal(ring.size, 0);
    assert.equal(ring.first, null);
  });

  it('Fifo keeps order across compactions', () => {
    const q = new Fifo<number>();
    let next = 0;
    for (let round = 0; round < 5; round++) {
      for (let i = 0; i < 3_000; i++) q.push(i + round * 3_000);
      for (let i = 0; i < 2_500; i++) assert.equal(q.shift(), next++);
    }
    assert.equal(q.size, 2_500);
    assert.equal(q.peek(), next);
  });

  it('TimerHeap pops live entries in time order, skipping cancelled ones', () => {
    fc.assert(fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 1_000 }), fc.boolean()), { maxLength: 300 }), (spec) => {
      const heap = new TimerHeap<TimerEntry & { n: number }>();
      const entries = spec.map(([at], n) => heap.push({ at, cancelled: false, n }));
      spec.forEach(([, cancel], n) => { if (cancel) heap.cancel(entries[n]!); });
      const live = spec.filter(([, cancel]) => !cancel).length;
      assert.equal(heap.size, live);
      const popped: number[] = [];
      for (let e = heap.popDue(Infinity); e !== undefined; e = heap.popDue(Infinity)) popped.push(e.at);
      assert.equal(popped.length, live);
      assert.deepEqual(popped, [...popped].sort((x, y) => x - y));
    }));
  });

  it('rate bucket: a burst, then a wake-up time that really has a message ready', () => {
    const b = newRateBucket();
    for (let i = 0; i < 3; i++) {
      assert.equal(rateWaitMs(b, 0, 7, 30_000), 0); // 7/min, 30 s burst: 3.5 messages
      rateConsume(b, 0, 7, 30_000);
    }
    const wait = rateWaitMs(b, 0, 7, 30_000);
    assert.equal(wait, Math.ceil((60_000 - 0.5 * 60_000) / 7));
    assert.equal(rateWaitMs(b, wait, 7, 30_000), 0);
  });
});
