/**
 * The supervisor is SIGKILLed while tasks are being enqueued and delivered;
 * the next one on the same shard restores and finishes. Every task accepted
 * must be delivered at least once, and the only tasks delivered twice must be
 * those delivered but not yet durably acked at the kill (plus those a source
 * re-sent because their acceptance never reached it). At-least-once is the
 * scheduler's promise; exactly-once effects come from the destination, which
 * checks each task's idempotency key against its message links and sends
 * nothing the second time. That check is not simulated here: the deliveries
 * hash counts every attempt, to measure the duplicates it has to absorb.
 */
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { TaskStore } from '../../../src/scheduler/store/task-store.ts';
import { testEnv } from '../../helpers/namespace.ts';
import { owner, suiteRedis } from './store-fixtures.ts';

const CHILD = fileURLToPath(new URL('./fixtures/crash-child.ts', import.meta.url));
const TOTAL = 20_000;
const BATCH = 200;
const CONCURRENCY = 64;
const KILL_AFTER_ACCEPTED = 8_000;

type ChildMessage = { type: 'restored'; restored: number; loadMs: number } | { type: 'accepted'; through: number } | { type: 'done' };

describe('DurableScheduler crash (SIGKILL) and restore', function () {
  this.timeout(120_000);
  const suite = suiteRedis('crash');
  const { redis } = suite;
  after(() => redis.quit());

  function run(o: string, sendFrom: number, onMessage: (m: ChildMessage, child: ChildProcess) => void): { child: ChildProcess; exited: Promise<{ code: number | null; signal: string | null }> } {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD], {
      env: testEnv({
        REDIS_KEY_PREFIX: suite.prefix, OWNER: o, TOTAL: String(TOTAL), SEND_FROM: String(sendFrom),
        BATCH: String(BATCH), CONCURRENCY: String(CONCURRENCY), DELIVERIES: `deliveries:${o}`,
      }),
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    child.on('message', (m) => onMessage(m as ChildMessage, child));
    const exited = new Promise<{ code: number | null; signal: string | null }>((done) => {
      child.on('exit', (code, signal) => done({ code, signal }));
    });
    return { child, exited };
  }

  it('delivers every accepted task at least once; duplicates only from tasks in flight at the kill', async () => {
    const o = owner('crash');
    const deliveriesKey = `deliveries:${o}`;

    // Run 1: killed once KILL_AFTER_ACCEPTED tasks are confirmed to the source.
    let confirmed = 0;
    let finishedEarly = false;
    const first = run(o, 0, (m, child) => {
      if (m.type === 'accepted') {
        confirmed = Math.max(confirmed, m.through);
        if (confirmed >= KILL_AFTER_ACCEPTED && child.exitCode === null) child.kill('SIGKILL');
      }
      if (m.type === 'done') finishedEarly = true;
    });
    const exit1 = await first.exited;
    assert.equal(finishedEarly, false, 'run 1 finished before the kill');
    assert.equal(exit1.signal, 'SIGKILL');

    // State at the kill.
    const atKill = new Map(Object.entries(await redis.hgetall(deliveriesKey)).map(([k, v]) => [k, Number(v)]));
    const pending = new Set((await new TaskStore(redis, { owner: o }).loadPending()).map((t) => t.idempotencyKey));
    const key = (i: number): string => `k${i}`;
    const lostAtKill = Array.from({ length: confirmed }, (_, i) => key(i)).filter((k) => !pending.has(k) && !atKill.has(k));
    assert.deepEqual(lostAtKill, [], 'every confirmed task is pending or delivered');
    assert.ok([...atKill.values()].every((n) => n === 1), 'run 1 delivers each task once');
    // Delivered, ack not yet durable: these will run again.
    const inFlightAtKill = [...atKill.keys()].filter((k) => pending.has(k)).length;
    // Delivered and acked, but their acceptance never reached the source: it re-sends them.
    const resentDelivered = [...atKill.keys()].filter((k) => !pending.has(k) && Number(k.slice(1)) >= confirmed).length;
    assert.ok(inFlightAtKill <= CONCURRENCY, `${inFlightAtKill} in flight at the kill, at most ${CONCURRENCY} are handed out at once`);

    // Run 2: same shard, restores, the source re-sends what it was not told is accepted.
    let restored = -1;
    let loadMs = -1;
    let done = false;
    const second = run(o, confirmed, (m) => {
      if (m.type === 'restored') ({ restored, loadMs } = m);
      if (m.type === 'done') done = true;
    });
    const exit2 = await second.exited;
    assert.deepEqual(exit2, { code: 0, signal: null });
    assert.ok(done);
    assert.equal(restored, pending.size);

    const final = new Map(Object.entries(await redis.hgetall(deliveriesKey)).map(([k, v]) => [k, Number(v)]));
    const missing = Array.from({ length: TOTAL }, (_, i) => key(i)).filter((k) => !final.has(k));
    assert.deepEqual(missing, [], 'every task delivered at least once');
    const twice = [...final.values()].filter((n) => n === 2).length;
    assert.ok([...final.values()].every((n) => n === 1 || n === 2));
    assert.equal(twice, inFlightAtKill + resentDelivered, 'every duplicate is explained');
    assert.equal(await new TaskStore(redis, { owner: o }).pendingCount(), 0);

    console.log(`      killed after ${confirmed} of ${TOTAL} confirmed, ${atKill.size} delivered; ${pending.size} pending restored in ${loadMs.toFixed(1)} ms;`
      + ` delivered twice: ${inFlightAtKill} in flight at the kill + ${resentDelivered} re-sent by the source = ${twice}`);
  });
});
