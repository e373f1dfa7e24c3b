/**
 * status(): every thread's measured total (heap used + external) is split
 * among its actors to the byte, and an actor made to retain ~20 MB (messages
 * of a chat it watches, held in its loopback cache) is attributed within 20%
 * of what it retains, measured with `settle` (live memory only: without it,
 * garbage not yet collected is counted too and lands mostly on that actor).
 */
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Redis } from 'ioredis';
import { LoopbackNetwork } from '../../../actors/platform/loopback/loopback-network.ts';
import type { WorkerStatus } from '../../../src/runtime-contracts/worker-protocol.ts';
import { forkWorker, leasedSpec, leasesFor, redisFor, suitePrefix, workerOptions, type ForkedWorker } from './worker-fixture.ts';

const ACTORS = 400;
const MESSAGE_CHARS = 100_000;
const MESSAGES = 200; // ~20 MB

function assertSumsPerThread(status: WorkerStatus): void {
  for (const t of status.threads) {
    const attributed = status.actors.filter((a) => a.threadIndex === t.threadIndex).reduce((s, a) => s + a.memoryBytes, 0);
    assert.equal(attributed, t.heapUsedBytes + t.externalBytes, `thread ${t.threadIndex}: actors add up to its measured total`);
  }
}

describe('worker process: memory attribution', function () {
  this.timeout(120_000);
  const prefix = suitePrefix('runtime-memory');
  const options = workerOptions(prefix, {
    threads: 2,
    loopback: { cacheMaxBytes: 64 * 2 ** 20, cacheMaxEntries: 10_000, pollCountPerChat: 20 },
  });
  let worker: ForkedWorker;
  let redis: Redis;

  before(async () => {
    redis = redisFor(prefix);
    worker = forkWorker(options);
    const leases = leasesFor(redis, options);
    const specs = await Promise.all(Array.from({ length: ACTORS }, (_, i) => leasedSpec(leases, options, `mem-${i}`)));
    await Promise.all(specs.map((s) => worker.api.startActor(s, null)));
  });
  after(async () => {
    await worker.dispose();
    redis.disconnect();
  });

  it('per-actor memory adds up exactly to each thread\'s measured total', async () => {
    const status = await worker.api.status();
    assert.equal(status.actors.length, ACTORS);
    assertSumsPerThread(status);
    assertSumsPerThread(await worker.api.status({ settle: true }));
  });

  it('attributes an actor retaining ~20 MB within 20% of what it retains', async () => {
    const network = new LoopbackNetwork(redis);
    const big = 'mem-3';
    const bigThread = (await worker.api.status()).actors.find((a) => a.actorId === big)!.threadIndex;
    await worker.api.watch(big, ['mem-flood']);
    let last = '';
    for (let i = 0; i < MESSAGES; i += 1) last = await network.post('mem-flood', { n: i, text: `${i}`.padEnd(MESSAGE_CHARS, 'x') });
    await worker.waitForEvent((e) => e.type === 'inbound' && e.actorId === big && e.message.messageId === last, 30_000);
    await sleep(500);
    // The cheap reading first, while the flood's garbage is still around.
    const cheap = await worker.api.status();
    assertSumsPerThread(cheap);
    const cheapBig = cheap.actors.find((x) => x.actorId === big)!;
    console.log(`      without settle: attributed ${(cheapBig.memoryBytes / 2 ** 20).toFixed(1)} MiB `
      + `(thread total ${((cheap.threads[bigThread]!.heapUsedBytes + cheap.threads[bigThread]!.externalBytes) / 2 ** 20).toFixed(1)} MiB, garbage included)`);

    const samples: Array<{ attributed: number; tracked: number; threadTotal: number; external: number; ms: number }> = [];
    for (let i = 0; i < 5; i += 1) {
      const t = performance.now();
      const status = await worker.api.status({ settle: true });
      const ms = performance.now() - t;
      assertSumsPerThread(status);
      const a = status.actors.find((x) => x.actorId === big)!;
      const th = status.threads[bigThread]!;
      samples.push({ attributed: a.memoryBytes, tracked: a.trackedBytes, threadTotal: th.heapUsedBytes + th.externalBytes, external: th.externalBytes, ms });
      await sleep(200);
    }
    const { tracked } = samples[0]!;
    assert.ok(tracked >= MESSAGES * MESSAGE_CHARS, `the cache holds the messages (${tracked} bytes)`);
    for (const s of samples) {
      const errorPct = (Math.abs(s.attributed - s.tracked) / s.tracked) * 100;
      console.log(`      retains ${(s.tracked / 2 ** 20).toFixed(1)} MiB, attributed ${(s.attributed / 2 ** 20).toFixed(1)} MiB `
        + `(${errorPct.toFixed(1)}% off; thread total ${(s.threadTotal / 2 ** 20).toFixed(1)} MiB (external ${(s.external / 2 ** 20).toFixed(1)}); status({ settle }) took ${s.ms.toFixed(0)} ms)`);
      assert.ok(errorPct <= 20, `attributed ${s.attributed} vs retained ${s.tracked}`);
    }
    const others = (await worker.api.status({ settle: true })).actors.filter((a) => a.threadIndex === bigThread && a.actorId !== big);
    const meanOther = others.reduce((s, a) => s + a.memoryBytes, 0) / others.length;
    console.log(`      the ${others.length} other actors of that thread: ${(meanOther / 1024).toFixed(1)} KiB each on average`);

    // Idle drops the cache: the attribution follows.
    await worker.api.idleActor(big);
    const after = (await worker.api.status({ settle: true })).actors.find((x) => x.actorId === big)!;
    assert.equal(after.trackedBytes, 0);
    assert.ok(after.memoryBytes < samples[0]!.attributed / 4);
  });
});
