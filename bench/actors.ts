/**
 * `npm run bench -- actors [--actors N] [--workers W] [--threads T]`
 *
 * Starts N loopback actors (tiers 60/30/10 free/pro/elite, two sessions per
 * user) on a real supervisor with its default workers and threads, then
 * measures: start time, RSS and heap per actor, the heap model's attribution
 * error for one actor made to retain a known amount, supervisor -> worker ->
 * thread call latency, and how fast every Free actor is paused after the
 * memory watermark is crossed (no Pro or Elite actor may be paused while a
 * Free one still runs). Last line: one JSON object.
 *
 * Needs Redis: REDIS_URL, default redis://127.0.0.1:6379 (keys under a
 * throwaway prefix, deleted at the end).
 */
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import pino from 'pino';
import { deleteByPrefix } from '../src/cluster/delete-by-prefix.ts';
import { LoopbackNetwork } from '../actors/platform/loopback/loopback-network.ts';
import type { Tier } from '../src/domain/plans/plan-types.ts';
import { Supervisor } from '../supervisor/supervisor.ts';
import type { WorkerStatus } from '../src/runtime-contracts/worker-protocol.ts';

const { values } = parseArgs({
  options: {
    actors: { type: 'string', default: '10000' },
    workers: { type: 'string' },
    threads: { type: 'string' },
  },
});
const N = Number(values.actors);
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const prefix = `bench:actors:${randomUUID().slice(0, 8)}:`;
const redis = new Redis(redisUrl, { keyPrefix: prefix });
const RETAIN_BYTES = 20 * 2 ** 20;
const MESSAGE_CHARS = 100_000;

function tierOf(i: number): Tier {
  const r = i % 10;
  return r < 6 ? 'free' : r < 9 ? 'pro' : 'elite';
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

function progress(message: string): void {
  process.stderr.write(`bench actors: ${message}\n`);
}

async function statuses(sup: Supervisor, settle: boolean): Promise<WorkerStatus[]> {
  return Promise.all(sup.workers().map((w) => w.call((api) => api.status({ settle }))));
}

function totals(list: WorkerStatus[]): { rss: number; heap: number } {
  return {
    rss: list.reduce((s, w) => s + w.rssBytes, 0),
    heap: list.reduce((s, w) => s + w.threads.reduce((t, th) => t + th.heapUsedBytes + th.externalBytes, 0), 0),
  };
}

const supervisor = new Supervisor({
  redis,
  redisUrl,
  redisKeyPrefix: prefix,
  logger: pino({ level: process.env.LOG_LEVEL ?? 'warn' }, pino.destination(2)),
  options: {
    ...(values.workers ? { workers: Number(values.workers) } : {}),
    ...(values.threads ? { threadsPerWorker: Number(values.threads) } : {}),
    statusIntervalMs: 2_000,
    pressureIntervalMs: 100,
    pressure: { minDwellMs: 0 },
    loopback: { cacheMaxBytes: 64 * 2 ** 20, cacheMaxEntries: 10_000 },
  },
});

try {
  await supervisor.start();
  const before = totals(await statuses(supervisor, true));
  progress(`${supervisor.workers().length} workers x ${supervisor.options.threadsPerWorker} threads up; starting ${N} actors`);

  const started = performance.now();
  const CONCURRENCY = 256;
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      for (let i = next++; i < N; i = next++) {
        await supervisor.addSession({
          actorId: `a${i}`,
          userId: `u${Math.floor(i / 2)}`,
          platform: 'loopback',
          tier: tierOf(i),
          credential: 'loopback',
          fencingToken: 0,
        });
      }
    }),
  );
  // A few may wait for a worker being forked when the first ones fill up: started means running.
  const countRunning = () => supervisor.sessions.snapshot().filter((s) => s.state === 'running').length;
  while (countRunning() < N && performance.now() - started < 15_000) await new Promise((r) => setTimeout(r, 50));
  const startS = (performance.now() - started) / 1_000;
  const running = countRunning();
  const stuck = new Map<string, number>();
  for (const s of supervisor.sessions.snapshot()) if (s.state !== 'running') stuck.set(`${s.state}: ${s.queuedReason ?? ''}`, (stuck.get(`${s.state}: ${s.queuedReason ?? ''}`) ?? 0) + 1);
  if (stuck.size > 0) progress(`not running: ${JSON.stringify(Object.fromEntries(stuck))}; workers ${supervisor.workers().map((w) => `${w.workerId}:${w.state}:${supervisor.sessions.onWorker(w.workerId).length}`).join(' ')}`);
  progress(`${running}/${N} running after ${startS.toFixed(1)} s`);

  await new Promise((r) => setTimeout(r, 2_000));
  const after = totals(await statuses(supervisor, true));
  const rssPerActorKb = (after.rss - before.rss) / N / 1024;
  const heapPerActorKb = (after.heap - before.heap) / N / 1024;

  // Attribution: one actor's cache made to hold RETAIN_BYTES of messages.
  const network = new LoopbackNetwork(redis);
  const big = supervisor.sessions.get('a0');
  if (!big?.workerId) throw new Error('a0 is not running');
  const bigWorker = supervisor.workers().find((w) => w.workerId === big.workerId);
  if (!bigWorker) throw new Error('a0 has no worker');
  await bigWorker.call((api) => api.watch('a0', ['bench-retain']));
  for (let posted = 0; posted < RETAIN_BYTES; posted += MESSAGE_CHARS) {
    await network.post('bench-retain', { text: ''.padEnd(MESSAGE_CHARS, 'x') });
  }
  let attributed = 0;
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 500));
    const status = await bigWorker.call((api) => api.status({ settle: true }));
    const a0 = status.actors.find((a) => a.actorId === 'a0');
    if (a0 && a0.trackedBytes >= RETAIN_BYTES) {
      attributed = a0.memoryBytes;
      break;
    }
  }
  const attributionErrorPct = (Math.abs(attributed - RETAIN_BYTES) / RETAIN_BYTES) * 100;
  await bigWorker.call((api) => api.idleActor('a0'));

  // Latency of one supervisor -> worker -> thread -> actor call.
  const latencies: number[] = [];
  const ids = supervisor.sessions.snapshot().filter((s) => s.state === 'running').map((s) => s.actorId);
  for (let i = 0; i < 2_000; i++) {
    const id = ids[i % ids.length] as string;
    const worker = supervisor.workers().find((w) => w.workerId === supervisor.sessions.get(id)?.workerId);
    if (!worker) continue;
    const t = performance.now();
    await worker.call((api) => api.health(id));
    latencies.push((performance.now() - t) * 1_000);
  }
  latencies.sort((x, y) => x - y);

  // Pressure: cross the watermark and time the pausing of every Free actor.
  const freeIds = new Set(supervisor.sessions.snapshot().filter((s) => s.tier === 'free').map((s) => s.actorId));
  let freePaused = 0;
  let nonfreeEarly = 0;
  let allFreeAt = 0;
  const crossed = performance.now();
  supervisor.on('session', (s) => {
    if (s.state !== 'paused') return;
    if (freeIds.has(s.actorId)) {
      freePaused += 1;
      if (freePaused === freeIds.size) allFreeAt = performance.now();
    } else if (freePaused < freeIds.size) {
      nonfreeEarly += 1;
    }
  });
  supervisor.setPressure({ highWatermark: 0.01, lowWatermark: 0.005 });
  while (allFreeAt === 0 && performance.now() - crossed < 60_000) await new Promise((r) => setTimeout(r, 20));
  const pressurePauseS = allFreeAt === 0 ? null : (allFreeAt - crossed) / 1_000;
  supervisor.setPressure({ highWatermark: 0.999, lowWatermark: 0.998 });

  await supervisor.stop();
  console.log(JSON.stringify({
    bench: 'actors',
    actors: N,
    running,
    workers: supervisor.options.workers,
    threads_per_worker: supervisor.options.threadsPerWorker,
    start_s: Number(startS.toFixed(2)),
    rss_per_actor_kb: Number(rssPerActorKb.toFixed(1)),
    heap_per_actor_kb: Number(heapPerActorKb.toFixed(2)),
    attribution_error_pct: Number(attributionErrorPct.toFixed(1)),
    comlink_p50_us: Math.round(percentile(latencies, 50)),
    comlink_p99_us: Math.round(percentile(latencies, 99)),
    pressure_pause_s: pressurePauseS === null ? null : Number(pressurePauseS.toFixed(2)),
    nonfree_paused_early: nonfreeEarly,
  }));
} finally {
  await supervisor.stop();
  const raw = new Redis(redisUrl);
  await deleteByPrefix(raw, prefix);
  raw.disconnect();
  redis.disconnect();
}
