/**
 * Leases under the worker: an actor whose lease is taken away (the test
 * force-releases it and another owner acquires it) stops itself before the
 * lease it held would have expired, so when the new owner connects at that
 * moment the loopback network sees one live connection, never two.
 */
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Redis } from 'ioredis';
import { LoopbackNetwork } from '../../../actors/platform/loopback/loopback-network.ts';
import type { WorkerEvent } from '../../../src/runtime-contracts/worker-protocol.ts';
import { forkWorker, leasedSpec, leasesFor, redisFor, suitePrefix, workerOptions, type ForkedWorker } from './worker-fixture.ts';

describe('worker process: losing a lease', function () {
  this.timeout(60_000);
  const prefix = suitePrefix('runtime-lease');
  // Short leases so the test runs in seconds: stop margin 1 000 ms, loopback connection TTL 750 ms.
  const options = workerOptions(prefix, { threads: 2, leaseTtlMs: 3_000, leaseRenewMs: 1_000 });
  let worker: ForkedWorker;
  let redis: Redis;

  before(() => {
    redis = redisFor(prefix);
    worker = forkWorker(options);
  });
  after(async () => {
    await worker.dispose();
    redis.disconnect();
  });

  it('stops the actor before its lease would have expired; no two live connections', async () => {
    const leases = leasesFor(redis, options);
    const network = new LoopbackNetwork(redis);
    const victim = await leasedSpec(leases, options, 'lease-victim');
    const control = await leasedSpec(leases, options, 'lease-control');
    await worker.api.startActor(victim, null);
    await worker.api.startActor(control, null);
    // Let a renewal or two happen first.
    await sleep(1_500);

    const held = await leases.holder('lease-victim');
    assert.equal(held?.owner, options.workerId);
    const stopped = worker.waitForEvent((e) => e.type === 'actor_state' && e.actorId === 'lease-victim' && e.to === 'stopped', 10_000);
    const lost = worker.waitForEvent((e) => e.type === 'lease_lost' && e.actorId === 'lease-victim', 10_000);
    assert.equal(await leases.forceRelease('lease-victim', options.workerId), true);
    const takenAt = Date.now();
    const taker = await leases.acquire('lease-victim', 'another-owner');
    assert.ok(taker !== null && taker.token > victim.fencingToken, 'a new owner with a higher fencing token');

    const stopEvent = (await stopped) as Extract<WorkerEvent, { type: 'actor_state' }>;
    await lost;
    const stoppedAt = Date.now();
    console.log(`      lease taken at +0 ms, actor stopped at +${stoppedAt - takenAt} ms (${stopEvent.reason}); `
      + `its lease would have expired at +${held!.expiresAt - takenAt} ms`);
    assert.ok(stoppedAt < held!.expiresAt, 'stopped before the lease it held would have expired');
    assert.equal((await network.liveConnections('lease-victim')).length, 0, 'its connection is gone');

    // The new owner connects once the old lease would have run out, as a takeover after expiry would.
    await sleep(Math.max(0, held!.expiresAt - Date.now()));
    assert.equal(await network.connect('lease-victim', 'another-owner/conn', 1_000), 1, 'one live connection');
    assert.equal((await network.violations())['lease-victim'], undefined);
    await network.disconnect('lease-victim', 'another-owner/conn');

    const status = await worker.api.status();
    assert.equal(status.actors.find((a) => a.actorId === 'lease-victim'), undefined, 'the worker no longer runs it');
    assert.equal(status.actors.find((a) => a.actorId === 'lease-control')?.state, 'running', 'other actors are untouched');
    assert.equal((await leases.holder('lease-control'))?.owner, options.workerId, 'and their leases still renewed');
  });
});
