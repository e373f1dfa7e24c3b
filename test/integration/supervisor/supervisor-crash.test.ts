/**
 * SIGKILL of the supervisor itself with forwarding tasks pending: the next
 * supervisor (same id, so the same queue shard) restores every task from
 * Redis and delivers it. The loopback destination counts what reached each
 * chat per idempotency key: every task exactly once. Redelivered tasks (in
 * flight at the kill) are absorbed by the send nonce, as Telegram's
 * random_id and Discord's enforce_nonce do.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Redis } from 'ioredis';
import { LoopbackNetwork } from '../../../actors/platform/loopback/loopback-network.ts';
import { keys } from '../../../src/cluster/redis-keys.ts';
import { TEST_REDIS_URL } from '../../helpers/namespace.ts';
import { redisFor, suitePrefix, waitFor } from './fixture.ts';

const CHILD = fileURLToPath(new URL('./fixtures/supervisor-child.ts', import.meta.url));
const TASKS = 10_000;

function startChild(prefix: string, enqueue: boolean): { child: ChildProcess; ready: Promise<void> } {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD], {
    env: { ...process.env, PREFIX: prefix, REDIS_URL: TEST_REDIS_URL, TASKS: String(TASKS), ENQUEUE: enqueue ? '1' : '0' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('ready')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`supervisor child exited early with ${code}`)));
  });
  return { child, ready };
}

describe('SIGKILL of the supervisor with tasks pending', function () {
  this.timeout(120_000);

  it('the next supervisor delivers every task exactly once at the destination', async () => {
    const prefix = suitePrefix('supervisor-crash');
    const redis: Redis = redisFor(prefix);
    const net = new LoopbackNetwork(redis);
    const first = startChild(prefix, true);
    let second: ReturnType<typeof startChild> | null = null;
    try {
      await first.ready;
      const delivered = () => redis.hlen(keys.loopbackDeliveries());
      await waitFor('some deliveries', async () => (await delivered()) >= 1_000, 30_000);
      first.child.kill('SIGKILL');
      const deliveredAtKill = await delivered();
      assert.ok(deliveredAtKill < TASKS, `killed mid-run (${deliveredAtKill} of ${TASKS} delivered)`);

      second = startChild(prefix, false);
      await second.ready;
      await waitFor('every task delivered', async () => (await delivered()) === TASKS, 60_000);
      const counts = await net.deliveryCounts();
      const duplicated = Object.values(counts).filter((n) => n > 1).length;
      assert.equal(duplicated, 0, 'no task reached its chat twice');
      for (let pair = 0; pair < 20; pair++) {
        const payloads = (await net.read(`pair:pair-${pair}`, null, TASKS)).map((m) => Number(m.payload));
        assert.deepEqual(payloads, [...payloads].sort((a, b) => a - b), `pair-${pair} in source order`);
        assert.equal(payloads.length, TASKS / 20);
      }
      const attempts = await net.attemptCounts();
      const redelivered = Object.values(attempts).filter((n) => n > 1).length;
      process.stdout.write(`      ${deliveredAtKill} delivered at the kill; ${redelivered} redelivered after it, absorbed by the nonce\n`);
    } finally {
      first.child.kill('SIGKILL');
      if (second) {
        second.child.kill('SIGTERM');
        await new Promise((r) => second?.child.once('exit', r));
      }
      redis.disconnect();
    }
  });
});
