/**
 * LeaseKeeper (actors/lease-keeper.ts) on real Redis: confirmations made
 * together share one renewal, a lease taken over is reported lost at the next
 * round, and when Redis stops answering every lease is reported expired at its
 * local deadline, before Redis would let anyone else take it.
 */
import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { LeaseKeeper, type LeaseLossReason } from '../../../actors/lease-keeper.ts';
import { SessionLeases, type LeaseRef } from '../../../src/cluster/session-lease.ts';
import { TEST_REDIS_URL } from '../../helpers/namespace.ts';
import { suitePrefix } from './worker-fixture.ts';

const TTL_MS = 1_000;
const MARGIN_MS = 300;

describe('LeaseKeeper', function () {
  this.timeout(20_000);
  const prefix = suitePrefix('runtime-keeper');
  let admin: Redis;
  let adminLeases: SessionLeases;

  before(() => {
    admin = new Redis(TEST_REDIS_URL, { keyPrefix: prefix });
    adminLeases = new SessionLeases(admin, { ttlMs: TTL_MS, stopMarginMs: MARGIN_MS, renewIntervalMs: 200 });
  });
  after(() => admin.disconnect());

  function keeperOn(redis: Redis, lost: Array<{ id: string; reason: LeaseLossReason; at: number }>): { keeper: LeaseKeeper; calls: () => number } {
    const leases = new SessionLeases(redis, { ttlMs: TTL_MS, stopMarginMs: MARGIN_MS, renewIntervalMs: 200 });
    let calls = 0;
    const keeper = new LeaseKeeper({
      renewMany: (grants: readonly LeaseRef[]) => {
        calls += 1;
        return leases.renewMany(grants);
      },
      owner: 'keeper-owner',
      ttlMs: TTL_MS,
      stopMarginMs: MARGIN_MS,
      onLost: (id, reason) => lost.push({ id, reason, at: performance.now() }),
    });
    return { keeper, calls: () => calls };
  }

  it('confirms many leases in one call and reports a taken-over one as lost', async () => {
    const redis = new Redis(TEST_REDIS_URL, { keyPrefix: prefix });
    const lost: Array<{ id: string; reason: LeaseLossReason; at: number }> = [];
    const { keeper, calls } = keeperOn(redis, lost);
    try {
      const grants = await Promise.all(['k1', 'k2', 'k3'].map((id) => adminLeases.acquire(id, 'keeper-owner')));
      const held = await Promise.all(grants.map((g) => keeper.confirm(g!.sessionId, g!.token)));
      assert.deepEqual(held, [true, true, true]);
      assert.equal(calls(), 1, 'one renewMany for the three');
      assert.equal(await keeper.confirm('k1', grants[0]!.token + 5), false, 'a wrong token is not held');

      await adminLeases.forceRelease('k2', 'keeper-owner');
      await adminLeases.acquire('k2', 'someone-else');
      await keeper.renewAll();
      assert.deepEqual(lost.map((l) => [l.id, l.reason]), [['k2', 'lease_lost']]);
      assert.equal(keeper.holds('k1'), true);
      assert.equal(keeper.holds('k2'), false);
    } finally {
      redis.disconnect();
    }
  });

  it('reports leases expired at the local deadline when Redis stops answering', async () => {
    const redis = new Redis(TEST_REDIS_URL, { keyPrefix: prefix, maxRetriesPerRequest: 0, enableOfflineQueue: false });
    const lost: Array<{ id: string; reason: LeaseLossReason; at: number }> = [];
    const { keeper } = keeperOn(redis, lost);
    await new Promise((resolve) => redis.once('ready', resolve));
    const grant = await adminLeases.acquire('k9', 'keeper-owner');
    const confirmedAt = performance.now();
    assert.equal(await keeper.confirm('k9', grant!.token), true);
    const expiresAt = (await adminLeases.holder('k9'))!.expiresAt;
    const expiresIn = expiresAt - Date.now();
    redis.disconnect();

    const started = performance.now();
    while (lost.length === 0 && performance.now() - started < 3_000) {
      await keeper.renewAll().catch(() => {});
      keeper.checkDeadlines();
      await sleep(20);
    }
    assert.deepEqual(lost.map((l) => [l.id, l.reason]), [['k9', 'lease_expired']]);
    const after = lost[0]!.at - confirmedAt;
    assert.ok(after >= TTL_MS - MARGIN_MS - 50, `not before the deadline (${after.toFixed(0)} ms)`);
    assert.ok(lost[0]!.at - started < expiresIn, 'before Redis would let the lease go');
    assert.equal(keeper.holds('k9'), false);
  });
});
