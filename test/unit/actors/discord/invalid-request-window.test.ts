/**
 * The sliding window of invalid Discord requests: counts over 10 minutes in
 * per-second buckets, and how long sends must wait once past the limit.
 */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { InvalidRequestWindow } from '../../../../actors/platform/discord/invalid-request-window.ts';

const MINUTE = 60_000;
const T0 = 1_700_000_000_000;

describe('InvalidRequestWindow', () => {
  it('counts requests within the last 10 minutes only', () => {
    const w = new InvalidRequestWindow({ limit: 100 });
    w.record(T0);
    w.record(T0 + 2 * MINUTE, 3);
    assert.equal(w.count(T0 + 5 * MINUTE), 4);
    assert.equal(w.count(T0 + 10 * MINUTE + 1_000), 3, 'the first fell out after 10 minutes');
    assert.equal(w.count(T0 + 12 * MINUTE + 1_000), 0);
  });

  it('blocks at the limit until enough old requests slide out', () => {
    const w = new InvalidRequestWindow({ limit: 10 });
    w.record(T0, 4);
    w.record(T0 + MINUTE, 6);
    assert.equal(w.blockedForMs(T0 + MINUTE), 10 * MINUTE - MINUTE, 'the 4 oldest leave at T0 + 10 min');
    assert.equal(w.blockedForMs(T0 + 5 * MINUTE), 5 * MINUTE);
    assert.equal(w.blockedForMs(T0 + 10 * MINUTE), 0);
    assert.equal(w.count(T0 + 10 * MINUTE), 6);
  });

  it('is not blocked below the limit', () => {
    const w = new InvalidRequestWindow({ limit: 10 });
    w.record(T0, 9);
    assert.equal(w.blockedForMs(T0), 0);
    w.record(T0);
    assert.ok(w.blockedForMs(T0) > 0);
  });

  it('forgets everything after a jump longer than the window', () => {
    const w = new InvalidRequestWindow({ limit: 5 });
    w.record(T0, 50);
    assert.equal(w.count(T0 + 60 * MINUTE), 0);
    assert.equal(w.blockedForMs(T0 + 60 * MINUTE), 0);
  });

  it('agrees with a naive list of timestamps (property)', () => {
    fc.assert(fc.property(
      fc.array(fc.tuple(fc.integer({ min: 0, max: 30_000 }), fc.integer({ min: 1, max: 3 })), { maxLength: 200 }),
      fc.integer({ min: 1, max: 40 }),
      (steps, limit) => {
        const windowMs = 10_000;
        const bucketMs = 100;
        const w = new InvalidRequestWindow({ limit, windowMs, bucketMs });
        const naive: number[] = [];
        let now = T0;
        for (const [advance, n] of steps) {
          now += advance;
          for (let i = 0; i < n; i += 1) naive.push(now);
          w.record(now, n);
          const bucket = Math.floor(now / bucketMs);
          const inWindow = naive.filter((t) => Math.floor(t / bucketMs) > bucket - windowMs / bucketMs);
          assert.equal(w.count(now), inWindow.length);
          const blocked = w.blockedForMs(now);
          assert.equal(blocked > 0, inWindow.length >= limit);
          if (blocked > 0) {
            // Once the wait is over the count is below the limit, and not a bucket earlier.
            assert.ok(new InvalidRequestWindowProbe(naive, windowMs, bucketMs).count(now + blocked) < limit);
            assert.ok(new InvalidRequestWindowProbe(naive, windowMs, bucketMs).count(now + blocked - bucketMs) >= limit);
          }
        }
      },
    ));
  });
});

/** The naive model: every timestamp kept, bucketed like the window. */
class InvalidRequestWindowProbe {
  readonly #times: number[];
  readonly #windowMs: number;
  readonly #bucketMs: number;

  constructor(times: number[], windowMs: number, bucketMs: number) {
    this.#times = times;
    this.#windowMs = windowMs;
    this.#bucketMs = bucketMs;
  }

  count(at: number): number {
    const bucket = Math.floor(at / this.#bucketMs);
    return this.#times.filter((t) => Math.floor(t / this.#bucketMs) > bucket - this.#windowMs / this.#bucketMs).length;
  }
}
