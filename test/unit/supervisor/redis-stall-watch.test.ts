import assert from 'node:assert/strict';
import type { Redis } from 'ioredis';
import { RedisStallWatch } from '../../../supervisor/redis-stall-watch.ts';

/** A Redis whose PINGs answer only when the test says so. */
function heldRedis(): { redis: Redis; answer(): void; fail(): void } {
  const waiting: Array<{ resolve(): void; reject(e: Error): void }> = [];
  const redis = {
    ping: () => new Promise<string>((resolve, reject) => waiting.push({ resolve: () => resolve('PONG'), reject })),
  } as unknown as Redis;
  return {
    redis,
    answer: () => { for (const w of waiting.splice(0)) w.resolve(); },
    fail: () => { for (const w of waiting.splice(0)) w.reject(new Error('Connection is closed.')); },
  };
}

const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

describe('RedisStallWatch', () => {
  it('reports a stall once a PING waits past the threshold, and its end with its length', async () => {
    let now = 0;
    const events: Array<{ stalled: boolean; stalledMs: number }> = [];
    const r = heldRedis();
    const watch = new RedisStallWatch(r.redis, { stallAfterMs: 1_000, now: () => now, onStall: (e) => events.push(e) });
    watch.check();
    now = 999;
    watch.check();
    assert.equal(watch.stalledForMs(), null, 'not yet');
    now = 1_000;
    watch.check();
    assert.deepEqual(events, [{ stalled: true, stalledMs: 1_000 }]);
    now = 3_500;
    assert.equal(watch.stalledForMs(), 3_500);
    r.answer();
    await tick();
    assert.deepEqual(events.at(-1), { stalled: false, stalledMs: 3_500 });
    assert.equal(watch.stalledForMs(), null);
  });

  it('counts failed PINGs as unanswered, from the first one', async () => {
    let now = 0;
    const events: Array<{ stalled: boolean; stalledMs: number }> = [];
    const r = heldRedis();
    const watch = new RedisStallWatch(r.redis, { stallAfterMs: 1_000, now: () => now, onStall: (e) => events.push(e) });
    watch.check();
    r.fail();
    await tick();
    now = 600;
    watch.check();
    r.fail();
    await tick();
    now = 1_200;
    watch.check();
    assert.deepEqual(events, [{ stalled: true, stalledMs: 1_200 }]);
    r.answer();
    await tick();
    assert.equal(events.length, 2);
  });
});
