/**
 * Redis restarted while messages keep arriving (issue 16): a private
 * redis-server with the append-only file on, stopped with SHUTDOWN (it
 * writes the AOF out and exits) and started again on the same port and
 * folder a few seconds later, never the machine's shared Redis. What was
 * accepted before survives in the AOF; what was posted meanwhile is read
 * again from the durable cursors. Every message must arrive once and in
 * order, the supervisor must ride it out in the same process, and the gap
 * must be reported while it lasts (IPC status, `/health`) and afterwards
 * (the `events` stream). Real processes, real discord.js, Discord fake.
 *
 * Two ways down: SHUTDOWN at `appendfsync everysec`, as production runs it
 * (SHUTDOWN fsyncs the file whatever the setting, so a clean restart loses
 * nothing), and SIGKILL at `appendfsync always` (a crash: only a file
 * fsynced before each answer keeps everything Redis acknowledged; at
 * everysec a crash may lose the last second, which the README says). Down
 * for longer than the child's 3 s leases, so every session loses its lease
 * and takes it again.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { findOnPath } from '../../../src/infra/process-tools.ts';
import { startEmbeddedRedis, type EmbeddedRedis } from '../../../src/infra/embedded-redis.ts';
import { freePort } from '../infra/free-port.ts';
import { shutdownRedis } from '../../helpers/redis-shutdown.ts';
import { logger } from '../supervisor/fixture.ts';
import { StreamWorld, waitFor } from './streaming-fixture.ts';

/** How long Redis stays down: past the one-second stall threshold (reported) and the child's 3 s leases (lost). */
const GAP_MS = 5_000;

describe('forwarding across a Redis restart (a private redis-server with AOF), with traffic flowing', function () {
  this.timeout(90_000);
  let stream: StreamWorld | null = null;
  let redis: EmbeddedRedis | null = null;
  let dir = '';

  afterEach(async () => {
    await stream?.close();
    stream = null;
    await redis?.stop(2_000);
    redis = null;
    rmSync(dir, { recursive: true, force: true });
  });

  for (const { how, appendfsync } of [{ how: 'SHUTDOWN', appendfsync: 'everysec' }, { how: 'SIGKILL', appendfsync: 'always' }] as const) {
  it(`${how} at appendfsync ${appendfsync}: loses, repeats and reorders nothing, and the supervisor reports the gap without restarting`, async () => {
    dir = mkdtempSync(join(tmpdir(), 'sb-restart-redis-'));
    const executable = await findOnPath('redis-server');
    assert.ok(executable, 'redis-server on PATH');
    const port = await freePort();
    const start = () => startEmbeddedRedis({ executable, root: dir, port, logger, appendfsync });
    redis = await start();
    const url = redis.url;

    stream = await StreamWorld.create('fwd_redis_restart', 4);
    const s = stream;
    const health = `http://127.0.0.1:${await freePort()}/health`;
    const child = await s.startChild(url, { WORKERS: '1', METRICS_PORT: new URL(health).port });
    const before = await s.status();
    s.startTraffic(100);
    await waitFor('traffic flowing', () => s.delivered() >= 40, 30_000);

    s.world.fake.resetStats();
    if (how === 'SHUTDOWN') {
      await shutdownRedis(redis);
    } else {
      process.kill(redis.pid, 'SIGKILL');
      await redis.stop(5_000);
    }
    redis = null;
    const downAt = Date.now();
    const postedAtStop = s.posted();

    await waitFor('the gap reported', async () => (await s.status()).redisStalledMs !== null, GAP_MS);
    const during = await fetch(health);
    assert.equal(during.status, 503);
    assert.equal((await during.json() as { status: string }).status, 'degraded');
    await new Promise((r) => setTimeout(r, Math.max(0, downAt + GAP_MS - Date.now())));

    redis = await start();
    const upAt = Date.now();
    const postedAtRestart = s.posted();
    await waitFor('the gap over', async () => (await s.status()).redisStalledMs === null, 30_000);
    assert.equal((await fetch(health)).status, 200);
    const deliveredAtRestart = s.delivered();
    await waitFor('a delivery after the restart', () => s.delivered() > deliveredAtRestart, 30_000);
    const firstDeliveryAfterUpMs = Date.now() - upAt;
    await waitFor('what was posted during the gap delivered', () => s.delivered() >= postedAtRestart, 30_000);
    const caughtUpAfterUpMs = Date.now() - upAt;
    await waitFor('every session running after the restart', async () => (await s.status()).running >= s.sessions, 30_000);
    const atRecovery = s.posted();
    await waitFor('traffic after the restart', () => s.posted() >= atRecovery + 40, 30_000);
    s.stopTraffic();
    await s.settle();

    const after = await s.status();
    const verdict = s.verdict();
    const events = new Redis(url, { keyPrefix: s.world.prefix });
    const types = (await events.xrange('events', '-', '+')).map(([, fields]) => fields[fields.indexOf('type') + 1]);
    events.disconnect();
    console.log(`      Redis ${how} (${appendfsync}, ${GAP_MS} ms down): ${JSON.stringify({
      ...verdict, postedWhileDown: postedAtRestart - postedAtStop, firstDeliveryAfterUpMs, caughtUpAfterUpMs, workerPids: [before.workers[0]?.pid, after.workers[0]?.pid],
      threadRestarts: after.workers.reduce((n, w) => n + w.threadRestarts, 0), sessionStarts: s.world.fake.stats().gateway.identifies,
    })}`);
    assert.deepEqual({ lost: verdict.lost, duplicated: verdict.duplicated, outOfOrder: verdict.outOfOrder }, { lost: 0, duplicated: 0, outOfOrder: 0 });
    assert.equal(child.exitCode, null, 'the supervisor process rode the restart out');
    assert.equal(child.signalCode, null);
    assert.ok(types.includes('redis-stall') && types.includes('redis-stall-ended'), `events: ${[...new Set(types)].join(', ')}`);
  });
  }
});
