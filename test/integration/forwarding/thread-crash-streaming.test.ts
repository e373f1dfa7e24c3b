/**
 * A thread of the worker dies abruptly (terminated from outside, as its heap
 * cap would end it) while messages keep arriving: the worker restarts its
 * actors on a new thread, and what was posted meanwhile is caught up. Every
 * message must arrive once and in order (real processes, real discord.js,
 * Discord fake, real Redis).
 */
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { TEST_REDIS_URL } from '../../helpers/namespace.ts';
import { StreamWorld, waitFor } from './streaming-fixture.ts';

const HOOK = fileURLToPath(new URL('./fixtures/thread-kill-hook.ts', import.meta.url));

describe('forwarding across a thread crash, with traffic flowing', function () {
  this.timeout(120_000);
  let stream: StreamWorld | null = null;

  afterEach(async () => {
    await stream?.close();
    stream = null;
  });

  it('loses, repeats and reorders nothing', async () => {
    stream = await StreamWorld.create('fwd_thread_crash', 4);
    const s = stream;
    await s.startChild(TEST_REDIS_URL, { WORKERS: '1', THREADS: '2', NODE_OPTIONS: `--import ${HOOK}` });
    s.startTraffic(50);
    await waitFor('traffic flowing', () => s.delivered() >= 40, 30_000);

    const [worker] = (await s.status()).workers;
    assert.ok(worker?.pid, 'the worker runs');
    s.world.fake.resetStats();
    process.kill(worker.pid, 'SIGUSR2');

    await waitFor('the thread restarted and every session running', async () => {
      const now = await s.status();
      return now.running >= s.sessions && (now.workers[0]?.threadRestarts ?? 0) >= 1;
    }, 30_000);
    const { workers } = await s.status();
    assert.equal(workers[0]?.pid, worker.pid, 'the worker itself lived on');
    const atRestart = s.posted();
    await waitFor('traffic after the restart', () => s.posted() >= atRestart + 40, 30_000);
    s.stopTraffic();
    await s.settle();

    const verdict = s.verdict();
    const catchUpReads = s.world.fake.stats().requests['GET /channels/:id/messages'] ?? 0;
    console.log(`      thread crash: ${JSON.stringify({ ...verdict, catchUpReads })}`);
    assert.deepEqual({ lost: verdict.lost, duplicated: verdict.duplicated, outOfOrder: verdict.outOfOrder }, { lost: 0, duplicated: 0, outOfOrder: 0 });
  });
});
