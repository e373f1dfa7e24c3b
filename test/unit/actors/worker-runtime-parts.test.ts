/**
 * Pure parts of the worker side: WorkerOptions checks, the split of a
 * thread's measured total (fixed cost evenly, the rest in proportion), and
 * the lease-derived timing.
 */
import assert from 'node:assert/strict';
import { leaseStopMarginMs, loopbackConnectionTtlMs } from '../../../actors/runtime-timing.ts';
import { parseWorkerOptions } from '../../../actors/worker-options.ts';
import { attributeThread } from '../../../actors/worker-runtime.ts';

const valid = {
  workerId: 'w1', threads: 2, threadMaxOldGenerationMb: 64, threadRestartIntensity: 3, restartPeriodMs: 60_000,
  redisUrl: 'redis://127.0.0.1:6379', redisKeyPrefix: 'p:', leaseTtlMs: 10_000, leaseRenewMs: 3_000,
};

describe('worker options', () => {
  it('accepts a complete set and keeps loopback settings', () => {
    assert.deepEqual(parseWorkerOptions(JSON.stringify(valid)), valid);
    const withLoopback = parseWorkerOptions(JSON.stringify({ ...valid, loopback: { cacheMaxBytes: 1 } }));
    assert.deepEqual(withLoopback.loopback, { cacheMaxBytes: 1 });
  });

  it('names the first bad option', () => {
    assert.throws(() => parseWorkerOptions(undefined), { code: 'invalid_option', message: /SB_WORKER_OPTIONS must be set/ });
    assert.throws(() => parseWorkerOptions('{'), { code: 'invalid_option', message: 'SB_WORKER_OPTIONS must be valid JSON' });
    assert.throws(() => parseWorkerOptions('null'), { code: 'invalid_option', message: 'options must be an object' });
    assert.throws(() => parseWorkerOptions(JSON.stringify({ ...valid, threads: 0 })), { message: 'options.threads must be a positive integer' });
    assert.throws(() => parseWorkerOptions(JSON.stringify({ ...valid, leaseRenewMs: 10_000 })), {
      message: 'options.leaseRenewMs must be less than options.leaseTtlMs',
    });
    assert.throws(() => parseWorkerOptions(JSON.stringify({ ...valid, workerId: '' })), { message: 'options.workerId must be a non-empty string' });
    assert.throws(() => parseWorkerOptions(JSON.stringify({ ...valid, discordInvalidRequestLimit: 0 })), { message: 'options.discordInvalidRequestLimit must be a positive integer' });
  });
});

describe('attributeThread', () => {
  const base = { threadIndex: 0, heapUsedBytes: 0, externalBytes: 0, fixedBytes: 0 };

  it('adds up exactly to heap used + external', () => {
    const shares = attributeThread({
      ...base, heapUsedBytes: 10_000_003, externalBytes: 7, fixedBytes: 4_000_000,
      actors: [{ actorId: 'a', trackedBytes: 5_000_000, baseBytes: 1_000 }, { actorId: 'b', trackedBytes: 0, baseBytes: 1_000 }, { actorId: 'c', trackedBytes: 3, baseBytes: 1_000 }],
    });
    assert.equal([...shares.values()].reduce((s, v) => s + v, 0), 10_000_010);
  });

  it('charges the fixed cost evenly, so a big actor gets about what it holds', () => {
    const actors = Array.from({ length: 100 }, (_, i) => ({ actorId: `a${i}`, trackedBytes: i === 0 ? 20_000_000 : 0, baseBytes: 2_000 }));
    const fixed = 20_000_000;
    const shares = attributeThread({ ...base, heapUsedBytes: fixed + 20_000_000 + 100 * 2_000, fixedBytes: fixed, actors });
    assert.equal(shares.get('a0'), 20_000_000 + 2_000 + fixed / 100);
    assert.equal(shares.get('a1'), 2_000 + fixed / 100);
  });

  it('attributes nothing on a thread without actors', () => {
    assert.equal(attributeThread({ ...base, heapUsedBytes: 5, actors: [] }).size, 0);
  });
});

describe('lease-derived timing', () => {
  it('stops 2 s before expiry by default, less with short leases, and keeps connections shorter still', () => {
    assert.equal(leaseStopMarginMs(10_000, 3_333), 2_000);
    assert.equal(leaseStopMarginMs(3_000, 1_000), 1_000);
    assert.equal(loopbackConnectionTtlMs(2_000), 1_500);
    assert.equal(loopbackConnectionTtlMs(1_000), 750);
  });
});
