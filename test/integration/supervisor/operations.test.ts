/**
 * The supervisor's outward behaviour: restart types, revoked credentials,
 * scale-out requests, published events, and the CLI steering a real
 * supervisor over Redis.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import type { Redis } from 'ioredis';
import { keys } from '../../../src/cluster/redis-keys.ts';
import { queueFigures } from '../../helpers/snapshot-fixtures.ts';
import { startMetricsServer } from '../../../supervisor/metrics-server.ts';
import type { Supervisor } from '../../../supervisor/supervisor.ts';
import { startSupervisorRuntime, type SupervisorRuntime } from '../../../supervisor/supervisor-runtime.ts';
import { parseConfig } from '../../../src/config/load-config.ts';
import { TEST_REDIS_URL } from '../../helpers/namespace.ts';
import { logger, loopbackSpec, makeSupervisor, network, redisFor, suitePrefix, waitFor } from './fixture.ts';

const run = promisify(execFile);

async function events(redis: Redis, type: string): Promise<Record<string, unknown>[]> {
  const entries = await redis.xrange(keys.events(), '-', '+');
  return entries
    .map(([, fields]) => ({ type: fields[1], body: JSON.parse(fields[3] ?? '{}') as Record<string, unknown> }))
    .filter((e) => e.type === type)
    .map((e) => e.body);
}

describe('supervisor operations', function () {
  this.timeout(60_000);
  let redis: Redis;
  let prefix: string;
  let supervisor: Supervisor | null = null;

  beforeEach(() => {
    prefix = suitePrefix('operations');
    redis = redisFor(prefix);
  });

  afterEach(async () => {
    await supervisor?.stop();
    supervisor = null;
    redis.disconnect();
  });

  it('a revoked credential leaves the session revoked, its lease released, never restarted', async () => {
    supervisor = makeSupervisor(redis, prefix, { workers: 1 });
    await supervisor.start();
    const view = await supervisor.addSession({ ...loopbackSpec(1, 'pro'), credential: 'revoked' });
    assert.equal(view.state, 'revoked');
    assert.equal(await supervisor.leases.holder('session-1'), null);
    await new Promise((r) => setTimeout(r, 1_500));
    assert.equal(supervisor.sessions.get('session-1')?.state, 'revoked', 'not restarted by maintenance');
  });

  it('after a worker crash, permanent sessions come back and temporary ones are dropped', async () => {
    supervisor = makeSupervisor(redis, prefix, { workers: 1, orphanGraceMs: 200 });
    await supervisor.start();
    await supervisor.addSession(loopbackSpec(1, 'free'));
    await supervisor.addSession({ ...loopbackSpec(2, 'free', 'user-1'), restart: 'temporary' });
    const worker = supervisor.workers()[0];
    assert.ok(worker);
    process.kill(worker.pid, 'SIGKILL');
    const sup = supervisor;
    await waitFor('the crash seen', () => !worker.alive);
    await waitFor('permanent session back', () => {
      const r = sup.sessions.get('session-1');
      return r?.state === 'running' && r.workerId !== worker.workerId;
    });
    assert.equal(sup.sessions.get('session-2'), undefined, 'the temporary session is gone');
  });

  it('every worker full and none may be forked: the session queues and scale-out is requested (event, webhook)', async () => {
    const posts: unknown[] = [];
    const hook = createServer((req: IncomingMessage, res) => {
      let body = '';
      req.on('data', (c: Buffer) => { body += c.toString(); });
      req.on('end', () => {
        posts.push(JSON.parse(body));
        res.end();
      });
    });
    await new Promise<void>((resolve) => hook.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/scale`;
      supervisor = makeSupervisor(redis, prefix, { workers: 1, maxWorkers: 1, sessionsPerWorker: 2, scaleOutWebhookUrl: url });
      await supervisor.start();
      await supervisor.addSession(loopbackSpec(1, 'free'));
      await supervisor.addSession(loopbackSpec(2, 'free'));
      const third = await supervisor.addSession(loopbackSpec(3, 'elite'));
      assert.equal(third.state, 'queued');
      assert.match(third.queuedReason ?? '', /scale-out requested \(max-workers\)/);
      const published = await events(redis, 'scale-out-requested');
      assert.equal(published.length, 1);
      assert.equal(published[0]?.sessionId, 'session-3');
      await waitFor('webhook called', () => posts.length === 1);
      assert.equal((posts[0] as { event: string }).event, 'scale-out-requested');
      assert.equal(supervisor.snapshot().sessions.find((s) => s.actorId === 'session-3')?.state, 'queued', 'visible in status');

      await supervisor.removeSession('session-1');
      const sup = supervisor;
      await waitFor('queued session placed once there is room', () => sup.sessions.get('session-3')?.state === 'running');
    } finally {
      hook.close();
    }
  });

  it('sessions added at once start together, and never past a worker\'s session limit', async () => {
    supervisor = makeSupervisor(redis, prefix, { workers: 1, maxWorkers: 1, sessionsPerWorker: 2 });
    await supervisor.start();
    // Three users at once: each placement books its worker before the next one decides.
    const views = await Promise.all([1, 2, 3].map((n) => supervisor!.addSession(loopbackSpec(n, 'pro'))));
    assert.deepEqual(views.map((v) => v.state).sort(), ['queued', 'running', 'running']);
    assert.equal(supervisor.sessions.onWorker(views.find((v) => v.state === 'running')!.workerId!).length, 2);
  });

  it('sessions placed between two status reports count at their expected size, so they spread over the workers', async () => {
    // No status report during the test: only the bookings can tell placement that a worker filled up.
    supervisor = makeSupervisor(redis, prefix, { workers: 2, statusIntervalMs: 60_000, expectedSessionBytes: 64 * 1024 * 1024 });
    await supervisor.start();
    const views = await Promise.all([1, 2, 3, 4].map((n) => supervisor!.addSession(loopbackSpec(n, 'pro'))));
    const perWorker = new Map<string, number>();
    for (const v of views) perWorker.set(v.workerId!, (perWorker.get(v.workerId!) ?? 0) + 1);
    assert.deepEqual([...perWorker.values()], [2, 2], JSON.stringify(Object.fromEntries(perWorker)));
  });

  it('a connection the platform drops is reconnected, still under its lease', async () => {
    supervisor = makeSupervisor(redis, prefix, { workers: 1 });
    await supervisor.start();
    await supervisor.addSession(loopbackSpec(1, 'free'));
    const net = network(redis);
    const [first] = await net.liveConnections('session-1');
    assert.ok(first);
    // The platform forgets the connection (as a server restart would); the next heartbeat finds out.
    await redis.del(keys.loopbackConnections('session-1'));
    await waitFor('reconnected', async () => (await net.liveConnections('session-1')).length === 1);
    assert.equal(supervisor.sessions.get('session-1')?.state, 'running');
    assert.deepEqual(await net.violations(), {});
  });

  it('serves Prometheus metrics: sessions by state and tier, workers, memory', async () => {
    supervisor = makeSupervisor(redis, prefix, { workers: 1 });
    await supervisor.start();
    await supervisor.addSession(loopbackSpec(1, 'elite'));
    await supervisor.addSession(loopbackSpec(2, 'free'));
    await supervisor.pauseSession('session-2');
    const waits = [{ platform: 'telegram', source: 'platform', count: 2 }, { platform: 'telegram', source: 'pacer', count: 40 }, { platform: 'discord', source: 'platform', count: 1 }];
    const persistence = { status: 'unsafe' as const, problems: ['Redis runs with appendonly no: …'] };
    const metrics = await startMetricsServer(supervisor, { port: 0, schedulerMetrics: queueFigures, sendWaits: () => waits, redisPersistence: () => persistence });
    try {
      const body = await (await fetch(metrics.url)).text();
      assert.match(body, /switchboard_sessions\{state="running",tier="elite",supervisor="[^"]+"\} 1/);
      assert.match(body, /switchboard_sessions\{state="paused",tier="free",supervisor="[^"]+"\} 1/);
      assert.match(body, /switchboard_workers\{state="running",supervisor="[^"]+"\} 1/);
      assert.match(body, /switchboard_worker_rss_bytes\{worker="[^"]+",supervisor="[^"]+"\} [1-9]/);
      assert.match(body, /switchboard_host_memory_used_ratio\{supervisor="[^"]+"\} 0\.\d+/);
      // Prometheus conventions: counters end in _total, the wait is a histogram per tier, the process' own figures.
      assert.match(body, /# TYPE switchboard_queue_dispatched_total counter\nswitchboard_queue_dispatched_total\{tier="elite",supervisor="[^"]+"\} 1200/);
      assert.match(body, /switchboard_queue_delivered_total\{supervisor="[^"]+"\} 16300/);
      assert.match(body, /switchboard_queue_dead_lettered_total\{tier="free",supervisor="[^"]+"\} 3/);
      assert.match(body, /switchboard_queue_delayed_total\{reason="plan_rate",supervisor="[^"]+"\} 310/);
      assert.match(body, /# TYPE switchboard_queue_wait_seconds histogram/);
      assert.match(body, /switchboard_queue_wait_seconds_bucket\{tier="free",le="\+Inf",supervisor="[^"]+"\} 100/);
      assert.match(body, /switchboard_queue_wait_seconds_sum\{tier="free",supervisor="[^"]+"\} 45/);
      assert.match(body, /switchboard_queue_wait_seconds_count\{tier="elite",supervisor="[^"]+"\} 100/);
      assert.match(body, /switchboard_queue_wait_seconds_bucket\{tier="elite",le="0.005",supervisor="[^"]+"\} \d+/);
      assert.match(body, /switchboard_send_waits_total\{platform="telegram",source="pacer",supervisor="[^"]+"\} 40/);
      assert.match(body, /switchboard_send_waits_total\{platform="discord",source="platform",supervisor="[^"]+"\} 1/);
      assert.match(body, /switchboard_redis_persistence\{status="unsafe",supervisor="[^"]+"\} 1/);
      assert.match(body, /switchboard_redis_persistence\{status="safe",supervisor="[^"]+"\} 0/);
      assert.match(body, /process_cpu_seconds_total\{supervisor="[^"]+"\} [\d.]+/);
      assert.match(body, /nodejs_eventloop_lag_seconds/);
      assert.doesNotMatch(body, /# TYPE switchboard_\w+(?<!_total) counter/, 'every counter ends in _total');
      assert.equal((await fetch(metrics.url.replace('/metrics', '/other'))).status, 404);
      const health = await fetch(metrics.healthUrl);
      assert.equal(health.status, 200);
      assert.deepEqual(await health.json(), {
        status: 'ok', supervisorId: supervisor.id, redis: { stalledForMs: null, stalls: 0, lastStall: null, persistence },
      }, 'unsafe persistence is shown, and still 200: forwarding works');
      assert.deepEqual(supervisor.snapshot().redis, { stalledForMs: null, stalls: 0, lastStall: null });
    } finally {
      await metrics.close();
    }
  });

  it('publishes every session transition to the events stream', async () => {
    supervisor = makeSupervisor(redis, prefix, { workers: 1 });
    await supervisor.start();
    await supervisor.addSession(loopbackSpec(1, 'free'));
    await supervisor.pauseSession('session-1');
    await supervisor.resumeSession('session-1');
    await supervisor.removeSession('session-1');
    await supervisor.stop();
    const transitions = (await events(redis, 'session-state')).filter((e) => e.actorId === 'session-1').map((e) => `${String(e.from)}>${String(e.to)}`);
    assert.deepEqual(transitions, ['queued>starting', 'starting>running', 'running>paused', 'paused>running', 'running>stopped']);
  });
});

describe('switchboard CLI against a real supervisor', function () {
  this.timeout(60_000);
  let redis: Redis;
  let prefix: string;
  let runtime: SupervisorRuntime;

  before(async () => {
    prefix = suitePrefix('cli-e2e');
    redis = redisFor(prefix);
    const config = parseConfig({ REDIS_URL: TEST_REDIS_URL, REDIS_KEY_PREFIX: prefix, SUPERVISOR_ID: 'cli-e2e', SUPERVISOR_WORKERS: '1', METRICS_PORT: '0' });
    runtime = await startSupervisorRuntime({
      config,
      redis,
      redisUrl: TEST_REDIS_URL,
      logger,
      onEscalate: () => {},
      options: { statusIntervalMs: 200, leaseTtlMs: 3_000 },
      queue: { unknownAccountGraceMs: 200 },
    });
    for (let i = 0; i < 3; i++) await runtime.supervisor.addSession(loopbackSpec(i, 'pro'));
    await waitFor('snapshot published', async () => (await redis.exists(keys.supervisorSnapshot('cli-e2e'))) === 1);
  });

  after(async () => {
    await runtime?.stop();
    redis?.disconnect();
  });

  function cli(...args: string[]) {
    return run(process.execPath, ['--import', 'tsx', 'src/cli/switchboard.ts', ...args], {
      env: { ...process.env, REDIS_URL: TEST_REDIS_URL, REDIS_KEY_PREFIX: prefix, LOG_LEVEL: 'silent' },
    });
  }

  it('lists the sessions and pauses, resumes and stops one', async () => {
    const listed = JSON.parse((await cli('sessions', '--json')).stdout) as Array<{ actorId: string; state: string }>;
    assert.deepEqual(listed.map((s) => s.state).sort(), ['running', 'running', 'running']);

    await cli('pause', 'session-1');
    assert.equal(runtime.supervisor.sessions.get('session-1')?.state, 'paused');
    assert.equal(runtime.supervisor.sessions.get('session-1')?.pausedBy, 'admin');
    await cli('resume', 'session-1');
    assert.equal(runtime.supervisor.sessions.get('session-1')?.state, 'running');
    await cli('stop', 'session-2');
    assert.equal(runtime.supervisor.sessions.get('session-2'), undefined);
  });

  it('shows the queue per tier, and lists, replays and purges dead letters', async () => {
    const ghost = {
      id: 'ghost-1', idempotencyKey: 'ghost-1', pairId: 'p', userId: 'u', tier: 'pro' as const, sendingAccountId: 'not-linked',
      op: 'send' as const, sourceMessageRef: 'm', payloadRef: 'x', enqueuedAt: Date.now(),
    };
    assert.equal((await runtime.queue.enqueue(ghost)).accepted, true);
    await waitFor('dead-lettered', async () => (await runtime.queue.deadLetters.count()) === 1);
    await new Promise((r) => setTimeout(r, 400)); // one status publication

    const queue = JSON.parse((await cli('queue', '--json')).stdout) as { tiers: Array<{ tier: string; deadLettered: number }> };
    assert.deepEqual(queue.tiers.map((t) => t.tier), ['elite', 'pro', 'free']);
    assert.equal(queue.tiers.find((t) => t.tier === 'pro')?.deadLettered, 1);

    const listed = JSON.parse((await cli('dead-letters', '--json')).stdout) as { result: Array<{ task: { id: string }; reason: string; error: string }> };
    assert.equal(listed.result[0]?.task.id, 'ghost-1');
    assert.equal(listed.result[0]?.reason, 'permanent');
    assert.match(listed.result[0]?.error ?? '', /not-linked/);
    assert.match((await cli('dead-letters', 'list')).stdout, /ghost-1 +p +u +pro +send/);

    await cli('dead-letters', 'replay', 'ghost-1');
    // Replayed, it fails for good again (the account is still not linked).
    await waitFor('dead again', async () => (await runtime.queue.deadLetters.count()) === 1);
    await assert.rejects(cli('dead-letters', 'replay', 'ghost-1', 'no-such-task'), (err: { code: number; stdout: string; stderr: string }) => {
      assert.equal(err.code, 1, 'an unknown id fails the command, the known ones are still replayed');
      assert.match(err.stderr, /not dead letters \(unknown, or replayed or purged already\): no-such-task/);
      return true;
    });
    await waitFor('dead once more', async () => (await runtime.queue.deadLetters.count()) === 1);
    await assert.rejects(cli('dead-letters', 'purge', 'no-such-task', '--json'), (err: { code: number; stdout: string }) => {
      assert.equal(err.code, 1);
      assert.deepEqual(JSON.parse(err.stdout).result, { purged: 0, missing: ['no-such-task'] });
      return true;
    });
    await cli('dead-letters', 'purge', '--all');
    assert.equal(await runtime.queue.deadLetters.count(), 0);

    await assert.rejects(cli('dead-letters', 'purge'), (err: { code: number; stderr: string }) => {
      assert.equal(err.code, 2);
      assert.match(err.stderr, /name the task ids to purge, or pass --all/);
      return true;
    });
  });

  it('an unknown session exits 1 with a clear message', async () => {
    await assert.rejects(cli('pause', 'no-such-session'), (err: { code: number; stderr: string }) => {
      assert.equal(err.code, 1);
      assert.match(err.stderr, /no session "no-such-session" in any running supervisor/);
      return true;
    });
  });
});
