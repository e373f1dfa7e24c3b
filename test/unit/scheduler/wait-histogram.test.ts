import assert from 'node:assert/strict';
import { WAIT_BUCKETS_SECONDS, WaitHistogram } from '../../../src/scheduler/core/wait-histogram.ts';

describe('scheduler: wait histogram', () => {
  it('counts each wait under its bound, cumulatively, with the sum in seconds', () => {
    const h = new WaitHistogram();
    for (const ms of [0, 3, 5, 70, 1_000, 400_000, -2]) h.record(ms);
    const s = h.snapshot();
    const at = (le: number) => s.cumulative[WAIT_BUCKETS_SECONDS.indexOf(le)];
    assert.equal(at(0.005), 4, '0, 3, 5 ms and a negative wait (clock skew) count as the first bucket');
    assert.equal(at(0.1), 5);
    assert.equal(at(1), 6, 'a bound is inclusive');
    assert.equal(at(300), 6, 'past the last bound only +Inf (the count) holds it');
    assert.equal(s.count, 7);
    assert.ok(Math.abs(s.sumSeconds - 401.078) < 1e-9);
    assert.deepEqual([...s.cumulative].sort((a, b) => a - b), s.cumulative, 'never decreasing');
  });
});
