/**
 * Redis stops answering while messages keep arriving (issue #18): a private
 * redis-server, frozen with SIGSTOP for a while and resumed with SIGCONT
 * (never the machine's shared Redis). Whatever was posted meanwhile must
 * arrive once and in order: nothing counts as accepted before Redis holds
 * it, and a session that lost its lease over the stall starts again from its
 * durable cursor (real processes, real discord.js, Discord fake). A stall is
 * reported while it lasts. Also a Redis that answers, but slowly: busy for
 * 400 ms at a time, again and again.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { findOnPath } from '../../../src/infra/process-tools.ts';
import { startEmbeddedRedis, type EmbeddedRedis } from '../../../src/infra/embedded-redis.ts';
import { logger } from '../supervisor/fixture.ts';
import { StreamWorld, waitFor } from './streaming-fixture.ts';

/** Keeps Redis busy (answering no one) for ARGV[1] µs. */
const BUSY = `local t0 = redis.call('TIME')
local start = t0[1] * 1000000 + t0[2]
repeat
  local t = redis.call('TIME')
until t[1] * 1000000 + t[2] - start >= tonumber(ARGV[1])
return 1`;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

describe('forwarding across Redis stalls and slowness (a private redis-server), with traffic flowing', function () {
  this.timeout(120_000);
  let stream: StreamWorld | null = null;
  let redis: EmbeddedRedis | null = null;
  let dir = '';

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sb-stall-redis-'));
    const executable = await findOnPath('redis-server');
    assert.ok(executable, 'redis-server on PATH');
    redis = await startEmbeddedRedis({ executable, root: dir, port: await freePort(), logger });
  });

  afterEach(async () => {
    if (redis !== null) process.kill(redis.pid, 'SIGCONT');
    await stream?.close();
    stream = null;
    await redis?.stop(2_000);
    redis = null;
    rmSync(dir, { recursive: true, force: true });
  });

  it('loses, repeats and reorders nothing while Redis answers slowly (400 ms busy scripts in a loop for 8 s)', async () => {
    stream = await StreamWorld.create('fwd_redis_slow', 4);
    const s = stream;
    const r = redis!;
    await s.startChild(r.url, { WORKERS: '1' });
    s.startTraffic(50);
    await waitFor('traffic flowing', () => s.delivered() >= 40, 30_000);

    // What DEBUG SLEEP does (it is off by default in Redis 7): the server busy for 400 ms at a time, answering nobody.
    const slow = new Redis(r.url);
    try {
      const until = Date.now() + 8_000;
      while (Date.now() < until) {
        await slow.eval(BUSY, 0, 400_000);
        await sleep(100);
      }
    } finally {
      slow.disconnect();
    }

    await waitFor('every session running', async () => (await s.status()).running >= s.sessions, 30_000);
    const atRecovery = s.posted();
    await waitFor('traffic after the slow spell', () => s.posted() >= atRecovery + 40, 30_000);
    s.stopTraffic();
    await s.settle();

    const verdict = s.verdict();
    console.log(`      Redis slow: ${JSON.stringify(verdict)}`);
    assert.deepEqual({ lost: verdict.lost, duplicated: verdict.duplicated, outOfOrder: verdict.outOfOrder }, { lost: 0, duplicated: 0, outOfOrder: 0 });
  });

  // 30 s outlasts the child's 3 s leases many times over: every session loses its lease and starts again.
  for (const stallMs of [1_000, 5_000, 30_000]) {
    it(`loses, repeats and reorders nothing over a ${stallMs / 1_000} s stall`, async () => {
      stream = await StreamWorld.create('fwd_redis_stall', 4);
      const s = stream;
      const r = redis!;
      const health = `http://127.0.0.1:${await freePort()}/health`;
      await s.startChild(r.url, { WORKERS: '1', METRICS_PORT: new URL(health).port });
      // Gentler traffic over the long stall: what piles up must still drain within the test's time.
      s.startTraffic(stallMs > 5_000 ? 250 : 50);
      await waitFor('traffic flowing', () => s.delivered() >= 40, 30_000);
      assert.equal((await fetch(health)).status, 200);

      s.world.fake.resetStats();
      const postedAtStall = s.posted();
      process.kill(r.pid, 'SIGSTOP');
      const resumeAt = Date.now() + stallMs;
      // Reported while it lasts (past its one-second threshold), over IPC and the supervisor's own /health, not Redis.
      let reported = false;
      if (stallMs >= 5_000) {
        await waitFor('the stall reported', async () => (await s.status()).redisStalledMs !== null, stallMs - 1_000);
        const during = await fetch(health);
        assert.equal(during.status, 503);
        const body = await during.json() as { status: string; redis: { stalledForMs: number | null; stalls: number } };
        assert.equal(body.status, 'degraded');
        assert.ok(body.redis.stalledForMs !== null && body.redis.stalledForMs >= 1_000, JSON.stringify(body));
        reported = true;
      }
      await sleep(Math.max(0, resumeAt - Date.now()));
      process.kill(r.pid, 'SIGCONT');
      if (reported) {
        await waitFor('the stall over', async () => (await s.status()).redisStalledMs === null, 30_000);
        const after = await fetch(health);
        assert.equal(after.status, 200);
        const { redis: seen } = await after.json() as { redis: { stalls: number; lastStall: { stalledMs: number } | null } };
        assert.equal(seen.stalls, 1);
        assert.ok(seen.lastStall !== null && seen.lastStall.stalledMs >= stallMs - 1_500, JSON.stringify(seen));
      }

      await waitFor('every session running after the stall', async () => (await s.status()).running >= s.sessions, 30_000);
      const atRecovery = s.posted();
      // Every session that starts again reads once from its cursor (identifies count the starts, writer's included).
      const { requests, gateway } = s.world.fake.stats();
      const catchUpReads = requests['GET /channels/:id/messages'] ?? 0;
      await waitFor('traffic after the stall', () => s.posted() >= atRecovery + 40, 30_000);
      s.stopTraffic();
      await s.settle();

      const verdict = s.verdict();
      console.log(`      Redis stall ${stallMs} ms: ${JSON.stringify({ ...verdict, restarts: gateway.identifies, catchUpReads })}`);
      assert.deepEqual({ lost: verdict.lost, duplicated: verdict.duplicated, outOfOrder: verdict.outOfOrder }, { lost: 0, duplicated: 0, outOfOrder: 0 });
      // Catch-up reads what came after each cursor, a page of 100 at a time: bounded by what was missed, not by uptime.
      const perChannelWhileDown = Math.ceil((atRecovery - postedAtStall) / s.pairs.length);
      assert.ok(catchUpReads <= gateway.identifies * (1 + Math.ceil(perChannelWhileDown / 100)), `${catchUpReads} catch-up reads for ${gateway.identifies} session starts`);
    });
  }
});
