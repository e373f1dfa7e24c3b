/**
 * A thread killed by its heap cap (piscina `resourceLimits`) takes down only
 * its own actors: the other thread's actors stay `running` throughout, the
 * dead thread's actors are restarted from their cursors and are `running`
 * again, a revoked one is not restarted. Past the restart intensity the
 * worker escalates and exits non-zero.
 *
 * Memory is retained the way a real actor would: messages of a chat it
 * watches, held in its loopback cache.
 */
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { encodePayload, LoopbackNetwork } from '../../../actors/platform/loopback/loopback-network.ts';
import { keys } from '../../../src/cluster/redis-keys.ts';
import type { WorkerEvent } from '../../../src/runtime-contracts/worker-protocol.ts';
import { forkWorker, leasedSpec, leasesFor, redisFor, suitePrefix, workerOptions, type ForkedWorker } from './worker-fixture.ts';

const CAP_MB = 64;
const MB_CHARS = 2 ** 20;

type Died = Extract<WorkerEvent, { type: 'thread_died' }>;
type Restarted = Extract<WorkerEvent, { type: 'thread_restarted' }>;

describe('worker process: a thread dying at its heap cap', function () {
  this.timeout(120_000);
  const workers: ForkedWorker[] = [];

  after(async () => {
    await Promise.all(workers.map((w) => w.dispose()));
  });

  it('takes down only its own actors, which come back `running`', async () => {
    const prefix = suitePrefix('runtime-death');
    const options = workerOptions(prefix, {
      threads: 2,
      threadMaxOldGenerationMb: CAP_MB,
      threadRestartIntensity: 3,
      loopback: { cacheMaxBytes: 1024 * MB_CHARS, cacheMaxEntries: 100_000, pollCountPerChat: 2, pollIntervalMs: 50 },
    });
    const worker = forkWorker(options);
    workers.push(worker);
    const r = redisFor(prefix);
    const leases = leasesFor(r, options);
    const network = new LoopbackNetwork(r);
    try {
      const specs = await Promise.all(Array.from({ length: 40 }, (_, i) => leasedSpec(leases, options, `death-${i}`)));
      const placed = await Promise.all(specs.map((s) => worker.api.startActor(s, null)));
      const revoked = await leasedSpec(leases, options, 'death-revoked', { credential: 'revoked' });
      const revokedPlace = await worker.api.startActor(revoked, null);
      const big = 'death-0';
      const doomed = placed[0]!.threadIndex;
      assert.equal(revokedPlace.threadIndex, doomed, 'the revoked actor shares the doomed thread');
      const onDoomed = specs.filter((_, i) => placed[i]!.threadIndex === doomed).map((s) => s.actorId);
      const survivors = specs.filter((_, i) => placed[i]!.threadIndex !== doomed).map((s) => s.actorId);
      // A neighbour on the doomed thread watches a chat too: its cursor must survive the restart.
      await worker.api.watch(onDoomed[1]!, ['death-quiet']);
      const quietFirst = await network.post('death-quiet', { text: 'before' });
      await worker.waitForEvent((e) => e.type === 'inbound' && e.message.messageId === quietFirst, 5_000);
      await worker.api.watch(big, ['death-flood']);
      const startedEvents = worker.events.length;

      // Feed the big actor 1 MB messages until its thread dies.
      const died = worker.waitForEvent((e): e is Died => e.type === 'thread_died', 60_000);
      let dead = false;
      void died.then(() => {
        dead = true;
      });
      let posted = 0;
      while (!dead && posted < 200) {
        await network.post('death-flood', { n: posted, text: ''.padEnd(MB_CHARS, 'y') });
        posted += 1;
        await sleep(20);
      }
      const death = await died;
      console.log(`      thread ${death.threadIndex} died after ${posted} MB posted: ${death.error}`);
      assert.equal(death.threadIndex, doomed);
      assert.match(death.error, /ERR_WORKER_OUT_OF_MEMORY/);
      assert.deepEqual([...death.actorIds].sort(), [...onDoomed].sort(), 'only its own actors, not the revoked one');
      const quietSecond = await network.post('death-quiet', { text: 'while down' });
      // The neighbour catches up from its cursor: the message posted while the thread was down arrives.
      const caughtUp = worker.waitForEvent((e) => e.type === 'inbound' && e.message.messageId === quietSecond, 30_000);

      const restarted = await worker.waitForEvent((e): e is Restarted => e.type === 'thread_restarted', 30_000);
      assert.equal(restarted.threadIndex, doomed);
      assert.deepEqual([...restarted.actorIds].sort(), [...onDoomed].sort());
      await caughtUp;

      const status = await worker.api.status();
      for (const id of [...onDoomed, ...survivors]) {
        assert.equal(status.actors.find((a) => a.actorId === id)?.state, 'running', `${id} running`);
      }
      assert.equal(status.actors.find((a) => a.actorId === 'death-revoked')?.state, 'revoked');
      assert.deepEqual(status.threads.map((t) => t.restarts), status.threads.map((t) => (t.threadIndex === doomed ? 1 : 0)));
      // The other thread's actors never moved.
      const moved = worker.events.slice(startedEvents)
        .filter((e) => e.type === 'actor_state' && e.threadIndex !== doomed);
      assert.deepEqual(moved, []);
      // One live connection per actor, none doubled by the restart.
      assert.deepEqual(await network.violations(), {});
    } finally {
      r.disconnect();
    }
  });

  it('escalates and exits non-zero past the restart intensity', async () => {
    const prefix = suitePrefix('runtime-escalate');
    const options = workerOptions(prefix, {
      threads: 2,
      threadMaxOldGenerationMb: CAP_MB,
      threadRestartIntensity: 1,
      restartPeriodMs: 60_000,
      loopback: { cacheMaxBytes: 1024 * MB_CHARS, pollIntervalMs: 50 },
    });
    const worker = forkWorker(options);
    workers.push(worker);
    const r = redisFor(prefix);
    const leases = leasesFor(r, options);
    try {
      const spec = await leasedSpec(leases, options, 'poisoned');
      await worker.api.startActor(spec, null);
      await worker.api.watch('poisoned', ['poison']);
      // A backlog bigger than the cap lands at once (MULTI), so the poller
      // reads it in one go and the thread dies; every restart catches up from
      // the same cursor (where watching began) and dies again. (Many 1 MB
      // messages, not one huge one: a single allocation above the cap makes
      // V8 abort the whole process instead of terminating the thread.)
      const multi = r.multi();
      for (let i = 0; i < 100; i += 1) multi.xadd(keys.loopbackChat('poison'), '*', 'k', 'new', 'p', encodePayload({ n: i, text: ''.padEnd(MB_CHARS, 'z') }));
      await multi.exec();

      const escalated = await worker.waitForEvent((e) => e.type === 'escalate', 60_000);
      const exit = await worker.exited;
      const deaths = worker.events.filter((e) => e.type === 'thread_died').length;
      console.log(`      escalated after ${deaths} thread deaths: ${(escalated as Extract<WorkerEvent, { type: 'escalate' }>).reason}; exit code ${exit.code}`);
      assert.equal(deaths, 2);
      assert.notEqual(exit.code, 0);
      assert.equal(exit.code, 1);
    } finally {
      r.disconnect();
    }
  });
});
