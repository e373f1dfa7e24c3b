/**
 * A supervisor that has run a while (issue #18): its sessions started from
 * positions already in Redis, then forwarded far past them, longer ago than
 * the platform remembers nonces. A worker SIGKILL then must resume each
 * session from its durable cursor as it stands, not from where it stood when
 * the session was added: reading from there again would post everything
 * since then a second time, with no nonce left to absorb it. The fake's
 * nonce window is cut to 2 s so "a while" fits in a test (real processes,
 * real discord.js, Discord fake, real Redis).
 */
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { TEST_REDIS_URL } from '../../helpers/namespace.ts';
import { StreamWorld, waitFor } from './streaming-fixture.ts';

const NONCE_WINDOW_MS = 2_000;

describe('forwarding across a worker SIGKILL on a long-running supervisor (cursors older than the nonce window)', function () {
  this.timeout(120_000);
  let stream: StreamWorld | null = null;

  afterEach(async () => {
    await stream?.close();
    stream = null;
  });

  it('reads again only what came after the durable cursors: nothing twice, nothing lost', async () => {
    stream = await StreamWorld.create('fwd_long_running', 3, { discord: { nonceWindowMs: NONCE_WINDOW_MS } });
    const s = stream;
    const allDelivered = (what: string): Promise<number> => waitFor(what, () => s.delivered() >= s.posted(), 30_000);

    // A first supervisor leaves positions in Redis; the next one's sessions start from them.
    await s.startChild(TEST_REDIS_URL, { WORKERS: '1' });
    s.startTraffic(50);
    await waitFor('traffic flowing', () => s.posted() >= 30, 30_000);
    s.stopTraffic();
    await allDelivered('the first supervisor\'s messages delivered');
    await s.stopChild('SIGTERM');

    await s.startChild(TEST_REDIS_URL, { WORKERS: '1' });
    const atStart = s.posted();
    s.startTraffic(50);
    // Over 100 per channel: reading from the start again would take two pages per channel.
    await waitFor('the running supervisor forwarding', () => s.posted() >= atStart + 110 * s.pairs.length, 30_000);
    s.stopTraffic();
    await allDelivered('everything delivered');
    // Every nonce of what was sent so far is forgotten: a repeat would show.
    await sleep(NONCE_WINDOW_MS + 500);

    const [worker] = (await s.status()).workers;
    assert.ok(worker?.pid, 'the worker runs');
    s.world.fake.resetStats();
    process.kill(worker.pid, 'SIGKILL');
    s.startTraffic(50);
    await waitFor('the killed worker\'s sessions running again', async () => {
      const now = await s.status();
      return now.running >= s.sessions && !now.workers.some((w) => w.pid === worker.pid);
    }, 30_000);
    const atRestart = s.posted();
    await waitFor('traffic after the restart', () => s.posted() >= atRestart + 30, 30_000);
    s.stopTraffic();
    await s.settle();

    const verdict = s.verdict();
    const catchUpReads = s.world.fake.stats().requests['GET /channels/:id/messages'] ?? 0;
    console.log(`      long-running worker SIGKILL: ${JSON.stringify({ ...verdict, catchUpReads })}`);
    assert.deepEqual({ lost: verdict.lost, duplicated: verdict.duplicated, outOfOrder: verdict.outOfOrder }, { lost: 0, duplicated: 0, outOfOrder: 0 });
    // One page per reader: what was missed (under 100 per channel), not the 110 per channel since the start.
    assert.ok(catchUpReads <= s.pairs.length, `${catchUpReads} catch-up reads for ${s.pairs.length} readers`);
  });
});
