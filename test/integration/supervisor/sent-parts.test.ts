/**
 * The parts a failed split send posted, kept in real Redis so a retry after
 * a restart of the supervisor (a new process: nothing in memory) resumes
 * after them; a delivered task's record goes.
 */
import assert from 'node:assert/strict';
import type { Redis } from 'ioredis';
import { SentParts } from '../../../supervisor/sent-parts.ts';
import { redisFor, suitePrefix } from './fixture.ts';

describe('sent parts in Redis', () => {
  let redis: Redis;
  const prefix = suitePrefix('sentparts');

  before(() => {
    redis = redisFor(prefix);
  });
  after(async () => {
    const keys = await redis.keys('*');
    if (keys.length > 0) await redis.del(...keys.map((k) => k.slice(prefix.length)));
    redis.disconnect();
  });

  it('a new process finds the parts the last one recorded, with a lifetime', async () => {
    await new SentParts(redis).record('task-1', ['m1', 'm2']);
    const restarted = new SentParts(redis);
    assert.equal(restarted.of('task-1'), undefined, 'nothing in the new memory');
    assert.deepEqual(await restarted.load('task-1'), ['m1', 'm2']);
    assert.deepEqual(restarted.of('task-1'), ['m1', 'm2'], 'kept in memory once read');
    const ttl = await redis.pttl('fwd:parts:task-1');
    assert.ok(ttl > 6 * 24 * 3600 * 1000 && ttl <= 7 * 24 * 3600 * 1000, `ttl ${ttl}`);
  });

  it('a delivered task\'s record goes; one this process never knew costs no write', async () => {
    const parts = new SentParts(redis);
    await parts.record('task-2', ['a']);
    parts.forget('task-2');
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(await redis.exists('fwd:parts:task-2'), 0);
    await redis.set('fwd:parts:task-3', '["b"]');
    new SentParts(redis).forget('task-3');
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(await redis.exists('fwd:parts:task-3'), 1, 'left to expire');
  });

  it('a record that is not a list of ids is no record', async () => {
    await redis.set('fwd:parts:bad-1', 'not json');
    await redis.set('fwd:parts:bad-2', '[1,2]');
    const parts = new SentParts(redis);
    assert.equal(await parts.load('bad-1'), undefined);
    assert.equal(await parts.load('bad-2'), undefined);
    assert.equal(await parts.load('none'), undefined);
  });

  it('without Redis it is memory only', async () => {
    const parts = new SentParts();
    await parts.record('t', ['x']);
    assert.deepEqual(await parts.load('t'), ['x']);
    assert.equal(await new SentParts().load('t'), undefined);
  });
});
