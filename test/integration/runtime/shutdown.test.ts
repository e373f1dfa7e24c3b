/**
 * shutdown(): every actor is stopped with its cursor returned, no loopback
 * connection is left, and the process exits 0. Also prints the latency of a
 * bare supervisor -> worker -> thread round trip (healthCheck() with one
 * actor per thread).
 */
import assert from 'node:assert/strict';
import type { Redis } from 'ioredis';
import { LoopbackNetwork } from '../../../actors/platform/loopback/loopback-network.ts';
import type { WorkerEvent } from '../../../src/runtime-contracts/worker-protocol.ts';
import { forkWorker, leasedSpec, leasesFor, redisFor, suitePrefix, workerOptions, type ForkedWorker } from './worker-fixture.ts';

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

describe('worker process: shutdown', function () {
  this.timeout(60_000);
  const prefix = suitePrefix('runtime-shutdown');
  const options = workerOptions(prefix, { threads: 2 });
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

  it('health round trip supervisor -> worker -> thread', async () => {
    const leases = leasesFor(redis, options);
    for (const id of ['rt-0', 'rt-1']) await worker.api.startActor(await leasedSpec(leases, options, id), null);
    const samples: number[] = [];
    for (let i = 0; i < 500; i += 1) {
      const t = performance.now();
      await worker.api.healthCheck();
      samples.push(performance.now() - t);
    }
    samples.sort((a, b) => a - b);
    console.log(`      healthCheck() with one actor per thread: p50 ${percentile(samples, 50).toFixed(2)} ms, p99 ${percentile(samples, 99).toFixed(2)} ms`);
    for (const id of ['rt-0', 'rt-1']) await worker.api.stopActor(id);
  });

  it('stops every actor, returns their cursors and exits 0', async () => {
    const leases = leasesFor(redis, options);
    const network = new LoopbackNetwork(redis);
    const ids = Array.from({ length: 10 }, (_, i) => `down-${i}`);
    for (const id of ids) await worker.api.startActor(await leasedSpec(leases, options, id), null);
    await worker.api.watch('down-0', ['down-chat']);
    await worker.api.watch('down-5', ['down-chat']);
    await worker.api.pauseActor('down-9');
    const last = await network.post('down-chat', { text: 'last before shutdown' });
    await Promise.all(['down-0', 'down-5'].map((id) =>
      worker.waitForEvent((e) => e.type === 'inbound' && e.actorId === id && e.message.messageId === last, 5_000)));

    const cursors = await worker.api.shutdown();
    const exit = await worker.exited;

    assert.deepEqual(Object.keys(cursors).sort(), [...ids].sort());
    assert.deepEqual(cursors['down-0'], { 'down-chat': last });
    assert.deepEqual(cursors['down-5'], { 'down-chat': last });
    const stopped = new Set(worker.events
      .filter((e): e is Extract<WorkerEvent, { type: 'actor_state' }> => e.type === 'actor_state' && e.to === 'stopped')
      .map((e) => e.actorId));
    for (const id of ids) assert.ok(stopped.has(id), `${id} stopped`);
    for (const id of ids) assert.deepEqual(await network.liveConnections(id), [], `${id} disconnected`);
    assert.deepEqual(exit, { code: 0, signal: null });
  });
});
