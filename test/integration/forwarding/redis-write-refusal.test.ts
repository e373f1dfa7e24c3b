/**
 * Redis refuses writes for a while (a private redis-server over its
 * `maxmemory`, so every write fails with OOM) while messages keep arriving,
 * and the supervisor is SIGKILLed afterwards, before anything was delivered
 * (Discord holds the writer back). A message whose tasks could not be
 * written must not be passed over: the engine writes them again once Redis
 * takes writes, and the cursor never moves past a message Redis does not
 * hold. The next supervisor claims the dead one's tasks and delivers every
 * message once, in order (real processes, real discord.js, Discord fake).
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

describe('forwarding across a spell of refused Redis writes, then a supervisor SIGKILL', function () {
  this.timeout(120_000);
  let stream: StreamWorld | null = null;
  let redis: EmbeddedRedis | null = null;
  let client: Redis | null = null;
  let dir = '';

  afterEach(async () => {
    client?.disconnect();
    await stream?.close();
    stream = null;
    await redis?.stop(2_000);
    redis = null;
    rmSync(dir, { recursive: true, force: true });
  });

  it('writes again what Redis refused, so nothing is passed over', async () => {
    dir = mkdtempSync(join(tmpdir(), 'sb-oom-redis-'));
    const executable = await findOnPath('redis-server');
    assert.ok(executable, 'redis-server on PATH');
    redis = await startEmbeddedRedis({ executable, root: dir, port: await freePort(), logger });
    stream = await StreamWorld.create('fwd_write_refusal', 2);
    const s = stream;
    const admin = new Redis(redis.url, { keyPrefix: s.world.prefix });
    client = admin;
    const cursorsAt = async (): Promise<boolean> => {
      for (const pair of s.pairs) {
        const last = s.world.fake.messages(pair.src).at(-1)?.id;
        if (last === undefined || (await admin.hget(`fwd:cursor:${pair.readerAccountId}`, pair.src)) !== last) return false;
      }
      return true;
    };

    await s.startChild(redis.url);
    // Nothing is delivered before the kill: every message must survive it as a task in Redis, or be read again.
    s.world.fake.rateLimit({ botUserId: s.writerBotId, route: 'POST /channels/:id/messages', retryAfterMs: 1_000, forMs: 120_000, scope: 'shared' });
    s.startTraffic(50);
    await waitFor('messages accepted', async () => (await admin.hlen(`fwd:cursor:${s.pairs[0]!.readerAccountId}`)) > 0, 30_000);

    await admin.config('SET', 'maxmemory', '1');
    await sleep(3_000);
    await admin.config('SET', 'maxmemory', '0');
    await sleep(1_000);
    s.stopTraffic();
    await waitFor('every message accepted', cursorsAt, 30_000);
    assert.equal(s.delivered(), 0, 'nothing delivered yet');

    const dead = s.child!;
    const exited = new Promise((resolve) => dead.once('exit', resolve));
    dead.kill('SIGKILL');
    await exited;
    s.world.fake.clearRateLimits();
    await s.startChild(redis.url);
    await s.settle();

    const verdict = s.verdict();
    console.log(`      refused writes, then SIGKILL: ${JSON.stringify(verdict)}`);
    assert.deepEqual({ lost: verdict.lost, duplicated: verdict.duplicated, outOfOrder: verdict.outOfOrder }, { lost: 0, duplicated: 0, outOfOrder: 0 });
  });
});
