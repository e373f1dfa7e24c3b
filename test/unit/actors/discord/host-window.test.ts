import assert from 'node:assert/strict';
import { blockedForMs, bucketOf, staleBuckets, windowTotal } from '../../../../actors/platform/discord/host-window.ts';

const shape = { limit: 100, windowMs: 600_000, bucketMs: 10_000 };
const at = (s: number) => s * 1_000;

describe('host invalid-request window (pure)', () => {
  it('counts the buckets within the last 10 minutes only', () => {
    const buckets = new Map([[bucketOf(at(0), 10_000), 30], [bucketOf(at(300), 10_000), 40], [bucketOf(at(605), 10_000), 5]]);
    assert.equal(windowTotal(buckets, at(605), shape), 45, 'the bucket of second 0 has left');
    assert.equal(windowTotal(buckets, at(599), shape), 70, 'a bucket from the future (another host\'s clock) does not count yet');
  });

  it('blocks at the limit until enough of the oldest buckets leave', () => {
    const buckets = new Map([[bucketOf(at(100), 10_000), 60], [bucketOf(at(200), 10_000), 50]]);
    assert.equal(blockedForMs(buckets, at(250), shape), at(700) - at(250), 'the 60 of second 100 leave at second 700');
    assert.equal(blockedForMs(new Map([[10, 99]]), at(100), shape), 0, 'below the limit');
    assert.equal(blockedForMs(new Map([[10, 100]]), at(100), shape), at(700) - at(100), 'at the limit');
  });

  it('names the buckets that left the window', () => {
    assert.deepEqual(staleBuckets([0, 1, 59, 60, 61], at(600), shape), [0]);
    assert.deepEqual(staleBuckets([0, 1, 59, 60, 61], at(615), shape), [0, 1]);
  });
});
