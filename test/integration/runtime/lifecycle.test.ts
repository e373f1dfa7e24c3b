/**
 * The worker process with 1 000 loopback actors over 2 threads: they all
 * reach `running`, lifecycle calls move states as src/runtime-contracts/actor-state.ts says
 * (every move reported as an `actor_state` event), a revoked credential ends
 * in `revoked` and is never restarted. Prints the start time, the memory per
 * idle actor and the latency of healthCheck() round trips.
 */
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Redis } from 'ioredis';
import type { ActorState } from '../../../src/runtime-contracts/actor-state.ts';
import { nextState } from '../../../src/runtime-contracts/actor-state.ts';
import { LoopbackNetwork } from '../../../actors/platform/loopback/loopback-network.ts';
import type { SessionLeases } from '../../../src/cluster/session-lease.ts';
import type { WorkerEvent } from '../../../src/runtime-contracts/worker-protocol.ts';
import { forkWorker, leasedSpec, leasesFor, redisFor, suitePrefix, workerOptions, type ForkedWorker } from './worker-fixture.ts';

const ACTORS = 1_000;

type StateEvent = Extract<WorkerEvent, { type: 'actor_state' }>;
const isState = (e: WorkerEvent): e is StateEvent => e.type === 'actor_state';

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

describe('worker process: actor lifecycle (1 000 loopback actors, 2 threads)', function () {
  this.timeout(120_000);
  const prefix = suitePrefix('runtime-lifecycle');
  const options = workerOptions(prefix, { threads: 2 });
  let worker: ForkedWorker;
  let redis: Redis;
  let leases: SessionLeases;
  let network: LoopbackNetwork;

  before(async () => {
    redis = redisFor(prefix);
    leases = leasesFor(redis, options);
    network = new LoopbackNetwork(redis);
    worker = forkWorker(options);
  });
  after(async () => {
    await worker.dispose();
    redis.disconnect();
  });

  /** States an actor went through, from the events seen so far. */
  function statesOf(actorId: string): ActorState[] {
    const moves = worker.events.filter(isState).filter((e) => e.actorId === actorId);
    return moves.length === 0 ? [] : [moves[0]!.from, ...moves.map((e) => e.to)];
  }

  it('starts 1 000 actors, all `running`, spread evenly over the threads', async () => {
    const idle = await worker.api.status({ settle: true });
    const ids = Array.from({ length: ACTORS }, (_, i) => `life-${i}`);
    const specs = await Promise.all(ids.map((id) => leasedSpec(leases, options, id)));

    const started = performance.now();
    const results = await Promise.all(specs.map((s) => worker.api.startActor(s, null)));
    const startMs = performance.now() - started;

    assert.ok(results.every((r) => r.state === 'running'));
    const status = await worker.api.status();
    assert.equal(status.actors.length, ACTORS);
    assert.ok(status.actors.every((a) => a.state === 'running'));
    assert.deepEqual(status.threads.map((t) => t.actors), [ACTORS / 2, ACTORS / 2]);
    // Events travel apart from RPC replies: wait for them rather than assume their order.
    await Promise.all(ids.slice(0, 20).map((id) => worker.waitForEvent((e) => isState(e) && e.actorId === id && e.to === 'running', 5_000)));
    for (const id of ids.slice(0, 20)) assert.deepEqual(statesOf(id), ['starting', 'running']);
    // Each connection is live on the loopback network.
    assert.equal((await network.liveConnections(ids[0]!)).length, 1);

    await sleep(1_000);
    const settled = await worker.api.status({ settle: true });
    const heap = (s: typeof settled): number => s.threads.reduce((sum, t) => sum + t.heapUsedBytes + t.externalBytes, 0);
    console.log(`      start ${ACTORS} actors: ${startMs.toFixed(0)} ms (${(startMs / ACTORS).toFixed(2)} ms each)`);
    console.log(`      per idle loopback actor (settled): heap+external ${((heap(settled) - heap(idle)) / ACTORS / 1024).toFixed(1)} KiB, `
      + `RSS ${((settled.rssBytes - idle.rssBytes) / ACTORS / 1024).toFixed(1)} KiB `
      + `(worker RSS ${(idle.rssBytes / 2 ** 20).toFixed(0)} -> ${(settled.rssBytes / 2 ** 20).toFixed(0)} MiB)`);
  });

  it('healthCheck() round trips (supervisor -> worker -> both threads)', async () => {
    const samples: number[] = [];
    for (let i = 0; i < 60; i += 1) {
      const t = performance.now();
      const r = await worker.api.healthCheck();
      samples.push(performance.now() - t);
      assert.equal(r.checked, ACTORS);
      assert.deepEqual(r.restarted, []);
      assert.deepEqual(r.reconnected, []);
    }
    samples.sort((a, b) => a - b);
    console.log(`      healthCheck() over ${ACTORS} actors: p50 ${percentile(samples, 50).toFixed(1)} ms, p99 ${percentile(samples, 99).toFixed(1)} ms`);
  });

  it('pause / resume / idle / activity / stop move states as the transition table says', async () => {
    const id = 'life-7';
    await worker.api.watch(id, ['life-chat']);
    const first = await network.post('life-chat', { text: 'one' });
    await worker.waitForEvent((e) => e.type === 'inbound' && e.actorId === id && e.message.messageId === first, 5_000);

    const cursor = await worker.api.pauseActor(id);
    assert.deepEqual(cursor, { 'life-chat': first });
    assert.equal((await network.liveConnections(id)).length, 0, 'paused: disconnected');
    // Posted while paused: caught up on resume.
    const second = await network.post('life-chat', { text: 'two' });
    const caughtUp = worker.waitForEvent((e) => e.type === 'inbound' && e.actorId === id && e.message.messageId === second, 5_000);
    assert.equal(await worker.api.resumeActor(id, cursor), 'running');
    await caughtUp;

    await worker.api.idleActor(id);
    const idleState = (await worker.api.status()).actors.find((a) => a.actorId === id);
    assert.equal(idleState?.state, 'idle');
    assert.equal((await network.liveConnections(id)).length, 1, 'idle keeps the connection');
    await network.post('life-chat', { text: 'wakes it up' });
    await worker.waitForEvent((e) => isState(e) && e.actorId === id && e.from === 'idle' && e.to === 'running', 5_000);

    const stopCursor = await worker.api.stopActor(id);
    assert.ok(stopCursor['life-chat'] !== undefined);
    await worker.waitForEvent((e) => isState(e) && e.actorId === id && e.to === 'stopped', 5_000);
    assert.equal((await network.liveConnections(id)).length, 0);

    const seen = statesOf(id);
    assert.deepEqual(seen, ['starting', 'running', 'paused', 'starting', 'running', 'idle', 'running', 'stopping', 'stopped']);
    // Every reported move is one the table allows.
    for (const e of worker.events.filter(isState)) {
      const legal = (['started', 'go_idle', 'activity', 'pause', 'resume', 'stop', 'stopped', 'crash', 'credentials_rejected', 'restart'] as const)
        .some((ev) => nextState(e.from, ev) === e.to);
      assert.ok(legal, `illegal move ${e.from} -> ${e.to} of ${e.actorId}`);
    }
    await assert.rejects(worker.api.pauseActor(id), { code: 'actor_not_found' });
  });

  it('refuses moves the table does not allow, with actor_transition_invalid', async () => {
    const id = 'life-8';
    await assert.rejects(worker.api.resumeActor(id, {}), { code: 'actor_transition_invalid' });
    await worker.api.pauseActor(id);
    await assert.rejects(worker.api.idleActor(id), { code: 'actor_transition_invalid' });
    await assert.rejects(worker.api.pauseActor(id), { code: 'actor_transition_invalid' });
    assert.equal(await worker.api.resumeActor(id, {}), 'running');
  });

  it('a revoked credential ends in `revoked` and is never restarted', async () => {
    const spec = await leasedSpec(leases, options, 'life-revoked', { credential: 'revoked' });
    const result = await worker.api.startActor(spec, null);
    assert.equal(result.state, 'revoked');
    await worker.waitForEvent((e) => isState(e) && e.actorId === 'life-revoked' && e.to === 'revoked', 5_000);
    assert.deepEqual(statesOf('life-revoked'), ['starting', 'revoked']);
    const check = await worker.api.healthCheck();
    assert.ok(!check.restarted.includes('life-revoked'));
    await sleep(200);
    const status = await worker.api.status();
    assert.equal(status.actors.find((a) => a.actorId === 'life-revoked')?.state, 'revoked');
    assert.deepEqual(statesOf('life-revoked'), ['starting', 'revoked'], 'no move after revoked');
    assert.equal((await network.liveConnections('life-revoked')).length, 0);
  });

  it('refuses an unknown platform with platform_unsupported', async () => {
    const spec = await leasedSpec(leases, options, 'life-telegram', { platform: 'telegram' });
    await assert.rejects(worker.api.startActor(spec, null), { code: 'platform_unsupported' });
  });

  it('refuses to start an actor under a lease the worker does not hold', async () => {
    const spec = await leasedSpec(leases, options, 'life-stale');
    await assert.rejects(worker.api.startActor({ ...spec, fencingToken: spec.fencingToken + 1 }, null), { code: 'lease_not_held' });
    assert.equal((await network.liveConnections('life-stale')).length, 0);
  });
});
