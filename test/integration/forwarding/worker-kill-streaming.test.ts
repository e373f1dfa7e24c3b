/**
 * A worker process is SIGKILLed while messages keep arriving (issue #18): its
 * sessions start again on the other worker from their durable cursors, so
 * what was posted while they were down is caught up, not skipped. Every
 * message must arrive once and in order, and the catch-up reads only what
 * came after the cursors (real processes, real discord.js, Discord fake,
 * real Redis).
 */
import assert from 'node:assert/strict';
import { TEST_REDIS_URL } from '../../helpers/namespace.ts';
import { StreamWorld, waitFor } from './streaming-fixture.ts';

describe('forwarding across a SIGKILL of a worker, with traffic flowing', function () {
  this.timeout(120_000);
  let stream: StreamWorld | null = null;

  afterEach(async () => {
    await stream?.close();
    stream = null;
  });

  it('loses, repeats and reorders nothing', async () => {
    stream = await StreamWorld.create('fwd_worker_kill', 4);
    const s = stream;
    await s.startChild(TEST_REDIS_URL, { WORKERS: '2' });
    s.startTraffic(50);
    await waitFor('traffic flowing', () => s.delivered() >= 40, 30_000);

    // The worker holding the most readers: their sessions are the ones that must catch up.
    const readers = new Set(s.pairs.map((p) => p.readerAccountId));
    const { workers } = await s.status();
    const victim = workers.reduce((a, b) => (b.actorIds.filter((id) => readers.has(id)).length > a.actorIds.filter((id) => readers.has(id)).length ? b : a));
    assert.ok(victim.pid !== null && victim.actorIds.some((id) => readers.has(id)), 'a worker holds readers');
    const killedReaders = victim.actorIds.filter((id) => readers.has(id)).length;
    s.world.fake.resetStats();
    const postedAtKill = s.posted();
    process.kill(victim.pid, 'SIGKILL');

    // Traffic goes on while the sessions are down, and for a while after they run again elsewhere.
    await waitFor('the killed worker\'s sessions running again', async () => {
      const now = await s.status();
      return now.running >= s.sessions && !now.workers.some((w) => w.pid === victim.pid);
    }, 30_000);
    const atRestart = s.posted();
    const catchUpReads = s.world.fake.stats().requests['GET /channels/:id/messages'] ?? 0;
    await waitFor('traffic after the restart', () => s.posted() >= atRestart + 40, 30_000);
    s.stopTraffic();
    await s.settle();

    const verdict = s.verdict();
    console.log(`      worker SIGKILL: ${JSON.stringify({ ...verdict, killedReaders, postedWhileDown: atRestart - postedAtKill, catchUpReads })}`);
    assert.deepEqual({ lost: verdict.lost, duplicated: verdict.duplicated, outOfOrder: verdict.outOfOrder }, { lost: 0, duplicated: 0, outOfOrder: 0 });
    // Catch-up reads what came after each cursor, a page of 100 at a time: bounded by what was missed, not by uptime.
    const perChannelWhileDown = Math.ceil((atRestart - postedAtKill) / s.pairs.length);
    assert.ok(catchUpReads >= killedReaders, `every restarted reader caught up (${catchUpReads} reads for ${killedReaders})`);
    assert.ok(catchUpReads <= killedReaders * (1 + Math.ceil(perChannelWhileDown / 100)), `${catchUpReads} catch-up reads for ${killedReaders} readers`);
  });
});
