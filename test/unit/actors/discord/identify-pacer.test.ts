/**
 * The identify pacer: a bot's IDENTIFYs spaced to `max_concurrency` per 5 s
 * across the clients of a thread, each bot on its own.
 */
import assert from 'node:assert/strict';
import { IdentifyPacer } from '../../../../actors/platform/discord/identify-pacer.ts';

describe('IdentifyPacer', () => {
  it('lets the first identify go at once and spaces the next ones a window apart', () => {
    const pacer = new IdentifyPacer(5_000);
    assert.equal(pacer.reserve('a', 1_000, 1), 0);
    assert.equal(pacer.reserve('a', 2_000, 1), 4_000);
    assert.equal(pacer.reserve('a', 2_000, 1), 9_000, 'a third one queues behind the second');
    assert.equal(pacer.reserve('b', 2_000, 1), 0, 'another bot is not held up');
    assert.equal(pacer.reserve('a', 20_000, 1), 0, 'after the window nothing waits');
  });

  it('allows max_concurrency identifies per window', () => {
    const pacer = new IdentifyPacer(5_000);
    assert.equal(pacer.reserve('a', 0, 2), 0);
    assert.equal(pacer.reserve('a', 100, 2), 0);
    assert.equal(pacer.reserve('a', 200, 2), 4_800);
  });

  it('counts the next window from a session\'s READY, later than its reserved slot', () => {
    const pacer = new IdentifyPacer(5_000);
    assert.equal(pacer.reserve('a', 0, 1), 0);
    pacer.started('a', 300);
    assert.equal(pacer.reserve('a', 1_000, 1), 4_300);
  });
});
