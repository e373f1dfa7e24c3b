/**
 * Two supervisors on one Redis fight over the same sessions for 1,000
 * start / stop / kill cycles. A session must never run in two places: the
 * loopback network counts every moment a session has two live connections.
 */
import assert from 'node:assert/strict';
import type { Redis } from 'ioredis';
import { SessionExistsError } from '../../../src/errors/registry.ts';
import type { Supervisor } from '../../../supervisor/supervisor.ts';
import { loopbackSpec, makeSupervisor, network, redisFor, suitePrefix, waitFor } from './fixture.ts';

const SESSIONS = 20;
const CYCLES = 1_000;
/** One cycle in this many SIGKILLs a worker instead of starting or stopping a session. */
const KILL_EVERY = 100;

/** Deterministic, so a failure can be replayed. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1_664_525 + 1_013_904_223) >>> 0;
    return s / 2 ** 32;
  };
}

describe('single activation across two supervisors', function () {
  this.timeout(180_000);
  let redisA: Redis;
  let redisB: Redis;
  let a: Supervisor;
  let b: Supervisor;

  before(async () => {
    const prefix = suitePrefix('single-activation');
    redisA = redisFor(prefix);
    redisB = redisFor(prefix);
    const options = { workers: 2, threadsPerWorker: 1, workerRestartIntensity: 1_000, leaseTtlMs: 3_000 };
    a = makeSupervisor(redisA, prefix, { ...options, supervisorId: 'sup-a' });
    b = makeSupervisor(redisB, prefix, { ...options, supervisorId: 'sup-b' });
    await Promise.all([a.start(), b.start()]);
  });

  after(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    redisA?.disconnect();
    redisB?.disconnect();
  });

  it(`never runs a session twice over ${CYCLES} start / stop / kill cycles`, async () => {
    const random = rng(42);
    let starts = 0;
    let stops = 0;
    let kills = 0;
    for (let cycle = 0; cycle < CYCLES; cycle++) {
      const sup = random() < 0.5 ? a : b;
      if (cycle % KILL_EVERY === KILL_EVERY - 1) {
        const victims = sup.workers().filter((w) => w.alive);
        const victim = victims[Math.floor(random() * victims.length)];
        if (victim) {
          process.kill(victim.pid, 'SIGKILL');
          kills += 1;
        }
        continue;
      }
      const n = Math.floor(random() * SESSIONS);
      const id = `session-${n}`;
      try {
        if (sup.sessions.get(id)) {
          await sup.removeSession(id);
          stops += 1;
        } else {
          await sup.addSession(loopbackSpec(n, 'free'));
          starts += 1;
        }
      } catch (err) {
        // A worker killed a moment ago may fail a call in flight; that is the point.
        if (!(err instanceof SessionExistsError) && (err as { code?: string }).code !== 'worker_unavailable') throw err;
      }
    }
    assert.ok(starts > 300 && stops > 300 && kills >= 5, `starts ${starts}, stops ${stops}, kills ${kills}`);

    // Let crashes settle: every queued session either gets its place or stays queued behind the other's lease.
    await waitFor('both supervisors settle', () =>
      [a, b].every((s) => s.workers().filter((w) => w.alive && w.state === 'running').length >= 2
        && s.workers().every((w) => w.state !== 'starting')), 30_000);
    await new Promise((r) => setTimeout(r, 4_000));

    for (let n = 0; n < SESSIONS; n++) {
      const id = `session-${n}`;
      const running = [a, b].filter((s) => {
        const state = s.sessions.get(id)?.state;
        return state === 'running' || state === 'idle' || state === 'starting';
      });
      assert.ok(running.length <= 1, `${id} runs under ${running.map((s) => s.id).join(' and ')}`);
    }
    assert.deepEqual(await network(redisA).violations(), {}, 'no session ever had two live connections');
  });
});
