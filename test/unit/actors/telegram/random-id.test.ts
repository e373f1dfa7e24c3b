/**
 * random_id from the idempotency key: the same task and part always give
 * the same signed 64-bit id, other parts and tasks other ids.
 */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { randomIdFor } from '../../../../actors/platform/telegram/random-id.ts';

describe('randomIdFor', () => {
  it('is stable for a task and part, and differs between parts and tasks', () => {
    assert.equal(randomIdFor('pair:send:42', 0), randomIdFor('pair:send:42', 0));
    assert.notEqual(randomIdFor('pair:send:42', 0), randomIdFor('pair:send:42', 1));
    assert.notEqual(randomIdFor('pair:send:42', 0), randomIdFor('pair:send:43', 0));
    // The separator keeps "a1" part 0 and "a" part 10 apart.
    assert.notEqual(randomIdFor('a1', 0), randomIdFor('a', 10));
  });

  it('is a non-zero signed 64-bit integer (property)', () => {
    fc.assert(fc.property(fc.string(), fc.nat(100), (key, part) => {
      const id = randomIdFor(key, part);
      assert.ok(id !== 0n && id >= -(1n << 63n) && id < 1n << 63n);
    }));
  });
});
