/**
 * Invalid Discord requests counted per host, in real Redis: two threads (or
 * worker processes) of one host see each other's count after a sync and
 * stop together at the host's limit, where a window per thread would each
 * let the limit through; another host is not held back.
 */
import assert from 'node:assert/strict';
import { Redis } from 'ioredis';
import { HostInvalidRequests } from '../../../actors/platform/discord/host-invalid-requests.ts';
import { redisFor, suitePrefix } from '../supervisor/fixture.ts';

describe('invalid Discord requests counted per host (real Redis)', () => {
  let redis: Redis;
  const counts: HostInvalidRequests[] = [];

  before(() => {
    redis = redisFor(suitePrefix('hostinvalid'));
  });
  after(() => {
    for (const c of counts) c.stop();
    redis.disconnect();
  });

  const make = (hostId: string) => {
    const c = new HostInvalidRequests({ redis, hostId, limit: 100, syncMs: 60_000 });
    counts.push(c);
    return c;
  };

  it('two threads of one host stop together at the host\'s limit; another host goes on', async () => {
    const now = Date.now();
    const [a, b, other] = [make('host-1'), make('host-1'), make('host-2')];
    a.record(now, 60);
    b.record(now, 60);
    assert.equal(a.blockedForMs(now), 0, 'each alone is below the limit');
    assert.equal(b.blockedForMs(now), 0);
    await a.sync(now);
    await b.sync(now);
    await a.sync(now);
    assert.equal(a.count(now), 120);
    assert.equal(b.count(now), 120);
    assert.ok(a.blockedForMs(now) > 500_000 && b.blockedForMs(now) > 500_000, 'both hold until the requests age out');
    other.record(now, 1);
    await other.sync(now);
    assert.equal(other.count(now), 1);
    assert.equal(other.blockedForMs(now), 0);
  });

  it('a count Redis did not take is kept for the next sync, and aged buckets are dropped', async () => {
    const c = make('host-3');
    const old = Date.now() - 700_000;
    await redis.hset('discord:invalid:host-3', String(Math.floor(old / 10_000)), '500');
    c.record(Date.now(), 2);
    await c.sync();
    assert.equal(c.count(), 2, 'the old bucket does not count');
    assert.deepEqual(Object.values(await redis.hgetall('discord:invalid:host-3')), ['2'], 'and is gone from Redis');
    // A Redis that cannot be reached: the sync fails, the count stays with the thread for the next one.
    const unreachable = new Redis({ port: 1, lazyConnect: true, enableOfflineQueue: false, retryStrategy: () => null });
    unreachable.on('error', () => {});
    const broken = new HostInvalidRequests({ redis: unreachable, hostId: 'host-4', limit: 100, syncMs: 60_000 });
    counts.push(broken);
    broken.record(Date.now(), 5);
    await broken.sync();
    assert.equal(broken.count(), 5);
    unreachable.disconnect();
  });
});
