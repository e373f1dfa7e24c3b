/**
 * The memory of destinations a session looked for in vain: believed for a
 * while, then looked up again; bounded.
 */
import assert from 'node:assert/strict';
import { UnknownChats } from '../../../../actors/platform/telegram/unknown-chats.ts';

describe('UnknownChats', () => {
  it('believes a miss for retryMs, then lets the chat be looked up again', () => {
    const misses = new UnknownChats(1_000);
    assert.equal(misses.known('-100', 0), false);
    misses.missed('-100', 0);
    assert.equal(misses.known('-100', 999), true);
    assert.equal(misses.known('-100', 1_000), false);
    assert.equal(misses.size, 0, 'an expired miss is forgotten');
  });

  it('forgets the oldest miss beyond its size', () => {
    const misses = new UnknownChats(1_000, 2);
    misses.missed('a', 0);
    misses.missed('b', 1);
    misses.missed('a', 2);
    misses.missed('c', 3);
    assert.deepEqual([misses.known('a', 4), misses.known('b', 4), misses.known('c', 4)], [true, false, true]);
  });
});
