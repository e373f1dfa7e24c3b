/**
 * Forwarding work through the durable queue, the dispatcher and real actors
 * on real worker processes: loopback deliveries are counted per idempotency
 * key, so a lost or doubled delivery shows.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { startEmbeddedRedis } from '../../../src/infra/embedded-redis.ts';
import { findOnPath } from '../../../src/infra/process-tools.ts';
import type { Tier } from '../../../src/domain/plans/plan-types.ts';
import { keys } from '../../../src/cluster/redis-keys.ts';
import { TaskStore } from '../../../src/scheduler/store/task-store.ts';
import { ForwardingQueue, type ForwardingQueueOptions } from '../../../supervisor/forwarding-queue.ts';
import { Supervisor } from '../../../supervisor/supervisor.ts';
import { freePort } from '../infra/free-port.ts';
import { logger, loopbackSpec, makeSupervisor, network, redisFor, suitePrefix, waitFor } from './fixture.ts';

function task(n: number, tier: Tier, sender: string, pairId: string) {
  return {
    id: `t-${pairId}-${n}`,
    idempotencyKey: `k-${pairId}-${n}`,
    pairId,
    userId: `user-of-${sender}`,
    tier,
    sendingAccountId: sender,
    op: 'send' as const,
    sourceMessageRef: `m${n}`,
    payloadRef: `${pairId}#${n}`,
    enqueuedAt: Date.now(),
  };
}

describe('forwarding queue (durable scheduler + dispatcher + actors)', function () {
  this.timeout(60_000);
  let redis: Redis;
  let prefix: string;
  let supervisor: Supervisor;
  let queue: ForwardingQueue | null = null;

  beforeEach(async () => {
    prefix = suitePrefix('forwarding');
    redis = redisFor(prefix);
    supervisor = makeSupervisor(redis, prefix, { workers: 1, supervisorId: 'fwd' });
    await supervisor.start();
    await supervisor.addSession({ ...loopbackSpec(1, 'elite'), actorId: 'elite-bot', userId: 'user-of-elite-bot' });
    await supervisor.addSession({ ...loopbackSpec(2, 'pro'), actorId: 'pro-bot', userId: 'user-of-pro-bot' });
    await supervisor.addSession({ ...loopbackSpec(3, 'free'), actorId: 'free-bot', userId: 'user-of-free-bot' });
  });

  afterEach(async () => {
    await queue?.stop();
    queue = null;
    await supervisor.stop();
    redis.disconnect();
  });

  it('refuses bad options before touching Redis, each with its message', async () => {
    const cases: Array<[unknown, string]> = [
      ['fast', 'options must be an object'],
      ...[0, 1.5, Infinity].map((v): [unknown, string] => [{ orphanScanMs: v }, 'options.orphanScanMs must be a positive integer']),
      ...[0, 2.5, '1000'].map((v): [unknown, string] => [{ heldPairScanMs: v }, 'options.heldPairScanMs must be a positive integer']),
      ...[-1, 0.5, Infinity].map((v): [unknown, string] => [{ unknownAccountGraceMs: v }, 'options.unknownAccountGraceMs must be a whole number of ms, 0 or more']),
      [{ resolve: 'pair' }, 'options.resolve must be a function'],
      [{ onDelivered: 1 }, 'options.onDelivered must be a function'],
    ];
    for (const [options, message] of cases) {
      await assert.rejects(ForwardingQueue.start(supervisor, redis, logger, options as ForwardingQueueOptions), { code: 'invalid_option', message });
    }
  });

  it('delivers every task once, in order within each pair, within the plans\' rates', async () => {
    queue = await ForwardingQueue.start(supervisor, redis, logger);
    const senders: Array<[string, Tier]> = [['elite-bot', 'elite'], ['pro-bot', 'pro'], ['free-bot', 'free']];
    // 15 per tier: the Free plan's rate is 20 messages a minute, so all go out at once.
    for (let n = 0; n < 15; n++) {
      for (const [sender, tier] of senders) {
        const result = await queue.enqueue(task(n, tier, sender, `${tier}-pair`));
        assert.equal(result.accepted, true);
      }
    }
    const net = network(redis);
    await waitFor('45 deliveries', async () => Object.keys(await net.deliveryCounts()).length === 45);
    const counts = await net.deliveryCounts();
    assert.ok(Object.values(counts).every((c) => c === 1), 'no delivery doubled');
    for (const [, tier] of senders) {
      const messages = await net.read(`pair:${tier}-pair`, null, 100);
      assert.deepEqual(messages.map((m) => m.payload), Array.from({ length: 15 }, (_, n) => `${tier}-pair#${n}`));
    }
  });

  it('holds the tasks of a paused account, delivers them on resume, and keeps them across a restart', async () => {
    queue = await ForwardingQueue.start(supervisor, redis, logger);
    await supervisor.pauseSession('free-bot');
    for (let n = 0; n < 10; n++) await queue.enqueue(task(n, 'free', 'free-bot', 'held'));
    await queue.enqueue(task(0, 'pro', 'pro-bot', 'flowing'));
    const net = network(redis);
    await waitFor('the other account flows', async () => (await net.deliveryCounts())['k-flowing-0'] === 1);
    assert.equal((await net.read('pair:held', null, 100)).length, 0, 'nothing sent while paused');

    // A new queue on the same shard: what was pending (held or queued) is restored from Redis.
    await queue.stop();
    queue = await ForwardingQueue.start(supervisor, redis, logger);
    await supervisor.resumeSession('free-bot');
    await waitFor('held tasks delivered', async () => (await net.read('pair:held', null, 100)).length === 10);
    const payloads = (await net.read('pair:held', null, 100)).map((m) => m.payload);
    assert.deepEqual(payloads, Array.from({ length: 10 }, (_, n) => `held#${n}`));
  });

  it('holds a Free user to the plan rate: 20 messages a minute', async () => {
    queue = await ForwardingQueue.start(supervisor, redis, logger);
    for (let n = 0; n < 25; n++) await queue.enqueue(task(n, 'free', 'free-bot', 'rated'));
    const net = network(redis);
    await waitFor('the first 20', async () => (await net.read('pair:rated', null, 100)).length === 20);
    await new Promise((r) => setTimeout(r, 500));
    assert.equal((await net.read('pair:rated', null, 100)).length, 20, 'the rest wait for the rate window');
    assert.ok(queue.metrics().delayed.plan_rate > 0);
  });

  it('a flood wait on one account holds only that account; the others keep flowing', async () => {
    queue = await ForwardingQueue.start(supervisor, redis, logger);
    const net = network(redis);
    await net.imposeFloodWait('pro-bot', 1_500);
    const started = Date.now();
    for (let n = 0; n < 5; n++) {
      await queue.enqueue(task(n, 'pro', 'pro-bot', 'flooded'));
      await queue.enqueue(task(n, 'elite', 'elite-bot', 'clear'));
    }
    await waitFor('the clear account delivers', async () => (await net.read('pair:clear', null, 10)).length === 5);
    assert.ok(Date.now() - started < 1_000, 'not held up by the other account');
    assert.equal((await net.read('pair:flooded', null, 10)).length, 0, 'nothing sent during the flood wait');
    await waitFor('the flooded account delivers after its wait', async () => (await net.read('pair:flooded', null, 10)).length === 5);
    assert.ok(Date.now() - started >= 1_400, 'it waited');
    assert.deepEqual((await net.read('pair:flooded', null, 10)).map((m) => m.payload), Array.from({ length: 5 }, (_, n) => `flooded#${n}`));
    assert.ok(Object.values(await net.deliveryCounts()).every((c) => c === 1));
  });

  it('refuses work past the backlog cap, with the reason counted', async () => {
    queue = await ForwardingQueue.start(supervisor, redis, logger);
    await supervisor.pauseSession('free-bot');
    let refused = 0;
    // The Free plan's queue backlog is 500 per user.
    for (let n = 0; n < 520; n++) {
      const result = await queue.enqueue(task(n, 'free', 'free-bot', 'flood'));
      if (!result.accepted) {
        refused += 1;
        assert.equal(result.reason, 'backlog_full');
      }
    }
    assert.equal(refused, 20);
    assert.equal(queue.metrics().rejected.backlog_full, 20);
  });

  it('holds a pair whose earlier tasks a live supervisor\'s shard has, and runs those first once it is dead and claimed', async () => {
    const net = network(redis);
    const payloads = async (pairId: string): Promise<string[]> => (await net.read(`pair:${pairId}`, null, 100)).map((m) => String(m.payload));
    /**
     * A supervisor that accepted tasks 0-2 of `pairId` and looks alive until its snapshot expires or is
     * removed; `registered` as every version since the set of owners, or found only by a SCAN.
     */
    const other = async (id: string, pairId: string, aliveMs: number, registered: boolean): Promise<void> => {
      const store = new TaskStore(redis, { owner: id });
      if (registered) await store.register();
      await store.addMany([0, 1, 2].map((n) => ({ ...task(n, 'pro', 'pro-bot', pairId), attempts: 0, seq: 0 })));
      await redis.set(keys.supervisorSnapshot(id), '{}', 'PX', aliveMs);
    };

    // One is there when this queue starts; the source of its pair has moved here, so 3-5 arrive here.
    await other('before', 'moved', 1_500, false);
    queue = await ForwardingQueue.start(supervisor, redis, logger, { orphanScanMs: 60_000, heldPairScanMs: 100 });
    for (let n = 3; n < 6; n++) await queue.enqueue(task(n, 'pro', 'pro-bot', 'moved'));
    await queue.enqueue(task(0, 'pro', 'pro-bot', 'elsewhere'));
    await waitFor('a pair not held flows', async () => (await payloads('elsewhere')).length === 1);
    assert.deepEqual(await payloads('moved'), [], 'nothing runs before the earlier tasks');
    assert.ok(queue.metrics().delayed.handover > 0);
    await waitFor('the dead shard claimed and all delivered', async () => (await payloads('moved')).length === 6, 10_000);
    assert.deepEqual(await payloads('moved'), [0, 1, 2, 3, 4, 5].map((n) => `moved#${n}`));

    // One turns up while this queue runs: an actor about to start looks first.
    await other('during', 'late', 60_000, true);
    await queue.lookForHandovers();
    for (let n = 3; n < 5; n++) await queue.enqueue(task(n, 'pro', 'pro-bot', 'late'));
    await new Promise((r) => setTimeout(r, 300));
    assert.deepEqual(await payloads('late'), []);
    await redis.del(keys.supervisorSnapshot('during'));
    await waitFor('the second shard claimed and all delivered', async () => (await payloads('late')).length === 5, 10_000);
    assert.deepEqual(await payloads('late'), [0, 1, 2, 3, 4].map((n) => `late#${n}`));
    // In Redis too the claimed tasks went first: nothing is left pending, and no count of a pair is left over.
    assert.equal(await redis.exists(keys.supervisorSnapshot('during')), 0);
    // A delivery shows on the network before its ack reaches Redis: the last count goes with that ack.
    await waitFor('the last ack in Redis', async () => Object.keys(await redis.hgetall('scheduler:fwd:pairs')).length === 0, 5_000);
    assert.deepEqual(await redis.smembers('scheduler:owners'), ['fwd'], 'claimed shards leave the set of owners');
    assert.ok(Object.values(await net.deliveryCounts()).every((c) => c === 1));
  });

  it('lets a held pair go only once what was handed over meanwhile is taken in: those tasks go first', async () => {
    const net = network(redis);
    const payloads = async (pairId: string): Promise<string[]> => (await net.read(`pair:${pairId}`, null, 100)).map((m) => String(m.payload));
    // A live supervisor holds tasks 0-2 of the pair; its account now runs here, where 3-5 arrive.
    const sender = new TaskStore(redis, { owner: 'sender' });
    await sender.register();
    await sender.addMany([0, 1, 2].map((n) => ({ ...task(n, 'pro', 'pro-bot', 'moving'), attempts: 0, seq: 0 })));
    await redis.set(keys.supervisorSnapshot('sender'), '{}', 'PX', 60_000);
    // No look of its own at the inbox or the other shards for a minute: only the hand-over below and the scan.
    queue = await ForwardingQueue.start(supervisor, redis, logger, { orphanScanMs: 60_000, heldPairScanMs: 60_000 });
    for (let n = 3; n < 6; n++) await queue.enqueue(task(n, 'pro', 'pro-bot', 'moving'));
    await new Promise((r) => setTimeout(r, 200));
    assert.deepEqual(await payloads('moving'), [], 'held behind the other shard\'s tasks');
    // Handed over here without the notice that would wake the inbox: the other shard has none of the pair now.
    await sender.write([0, 1, 2].map((n) => ({ op: 'handover' as const, id: `t-moving-${n}`, pairId: 'moving', to: 'fwd' })));
    await queue.lookForHandovers();
    // The notice comes late, as on a busy supervisor.
    await new Promise((r) => setTimeout(r, 300));
    await queue.inbox.take();
    await waitFor('all six delivered', async () => (await payloads('moving')).length === 6, 10_000);
    assert.deepEqual(await payloads('moving'), [0, 1, 2, 3, 4, 5].map((n) => `moving#${n}`));
  });

  it('after its own Redis outage, takes no missing snapshot for a death until a snapshot TTL has passed', async () => {
    const net = network(redis);
    const payloads = async (): Promise<string[]> => (await net.read('pair:outage', null, 100)).map((m) => String(m.payload));
    queue = await ForwardingQueue.start(supervisor, redis, logger, { orphanScanMs: 100, heldPairScanMs: 100 });
    // Redis was down for longer than a snapshot's TTL (3 s, then 2.5 s): every snapshot expired, the live
    // supervisors' too, and this one is back first. What the supervisor's stall watch would say then:
    let stallEndedAt = Date.now();
    supervisor.redisHealth = () => ({ stalledForMs: null, stalls: 1, lastStall: { endedAt: stallEndedAt, stalledMs: 6_000 } });
    // Another supervisor, alive, that accepted tasks 0-2 of a pair whose source has moved here (as after a
    // join): its snapshot is gone for now.
    const store = new TaskStore(redis, { owner: 'slow' });
    await store.register();
    await store.addMany([0, 1, 2].map((n) => ({ ...task(n, 'pro', 'pro-bot', 'outage'), attempts: 0, seq: 0 })));
    await queue.lookForHandovers();
    for (let n = 3; n < 5; n++) await queue.enqueue(task(n, 'pro', 'pro-bot', 'outage'));
    await new Promise((r) => setTimeout(r, 500));
    assert.ok((await redis.smembers('scheduler:owners')).includes('slow'), 'its shard is still its own');
    assert.deepEqual(await payloads(), [], 'and the pair waits for it');

    // It publishes again; the grace ends, and it is not dead.
    await redis.set(keys.supervisorSnapshot('slow'), '{}', 'PX', 60_000);
    stallEndedAt = Date.now() - 2_500;
    await queue.lookForHandovers();
    assert.ok((await redis.smembers('scheduler:owners')).includes('slow'));

    // Now it is.
    await redis.del(keys.supervisorSnapshot('slow'));
    await waitFor('its shard claimed and all delivered', async () => (await payloads()).length === 5, 10_000);
    assert.deepEqual(await payloads(), [0, 1, 2, 3, 4].map((n) => `outage#${n}`));
    assert.ok(Object.values(await net.deliveryCounts()).every((c) => c === 1));
  });

  it('started on a Redis up for less than a snapshot TTL (just restarted), takes no missing snapshot for a death until then', async () => {
    // Its own Redis, started now: what a supervisor waiting at start for a restarted Redis meets.
    const dir = mkdtempSync(join(tmpdir(), 'sb-fresh-redis-'));
    const executable = await findOnPath('redis-server');
    assert.ok(executable, 'redis-server on PATH');
    const server = await startEmbeddedRedis({ executable, root: dir, port: await freePort(), logger });
    const fresh = new Redis(server.url, { keyPrefix: prefix });
    const sup = new Supervisor({
      redis: fresh, redisUrl: server.url, redisKeyPrefix: prefix, logger,
      options: { workers: 1, threadsPerWorker: 1, leaseTtlMs: 3_000, statusIntervalMs: 500, workerShutdownTimeoutMs: 5_000, supervisorId: 'fresh' },
    });
    let q: ForwardingQueue | null = null;
    try {
      await sup.start();
      await sup.addSession({ ...loopbackSpec(2, 'pro'), actorId: 'pro-bot', userId: 'user-of-pro-bot' });
      // A live supervisor that accepted tasks 0-2 before the restart; its snapshot did not survive it.
      const store = new TaskStore(fresh, { owner: 'slow' });
      await store.register();
      await store.addMany([0, 1, 2].map((n) => ({ ...task(n, 'pro', 'pro-bot', 'fresh'), attempts: 0, seq: 0 })));
      const startedAt = Date.now();
      q = await ForwardingQueue.start(sup, fresh, logger, { orphanScanMs: 100, heldPairScanMs: 100 });
      const net = network(fresh);
      const payloads = async (): Promise<string[]> => (await net.read('pair:fresh', null, 100)).map((m) => String(m.payload));
      await new Promise((r) => setTimeout(r, 500));
      assert.ok((await fresh.smembers('scheduler:owners')).includes('slow'), 'not claimed at start');
      // It publishes again within the TTL (2.5 s here): alive, never claimed.
      await fresh.set(keys.supervisorSnapshot('slow'), '{}', 'PX', 60_000);
      await waitFor('past the TTL since Redis started', () => Date.now() - startedAt > 3_000, 5_000);
      await q.lookForHandovers();
      assert.ok((await fresh.smembers('scheduler:owners')).includes('slow'));
      // Then it dies: claimed, and the tasks run here in order.
      await fresh.del(keys.supervisorSnapshot('slow'));
      await waitFor('its shard claimed and delivered', async () => (await payloads()).length === 3, 10_000);
      assert.deepEqual(await payloads(), [0, 1, 2].map((n) => `fresh#${n}`));
    } finally {
      await q?.stop();
      await sup.stop();
      fresh.disconnect();
      await server.stop(2_000);
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
