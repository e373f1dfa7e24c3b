/**
 * Realistic supervisor snapshots for the CLI tests: two supervisors on two
 * hosts, workers in several states, sessions of every tier and platform.
 */
import { WAIT_BUCKETS_SECONDS } from '../../src/scheduler/core/wait-histogram.ts';
import type { SchedulerMetrics } from '../../src/scheduler/core/scheduler-metrics.ts';
import type { SessionSnapshot, SupervisorSnapshot, WorkerSnapshot } from '../../src/cluster/status-snapshot.ts';

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;

function worker(workerId: string, pid: number, over: Partial<WorkerSnapshot> = {}): WorkerSnapshot {
  return {
    workerId,
    pid,
    state: 'running',
    rssBytes: 412 * MiB,
    sessions: 3,
    sessionLimit: 50,
    ramCapBytes: 1 * GiB,
    restarts: 0,
    threads: [
      { threadIndex: 0, heapUsedBytes: 120 * MiB, externalBytes: 4 * MiB, actors: 2, restarts: 0 },
      { threadIndex: 1, heapUsedBytes: 98 * MiB, externalBytes: 3 * MiB, actors: 1, restarts: 0 },
    ],
    ...over,
  };
}

function session(actorId: string, userId: string, over: Partial<SessionSnapshot>, now: number): SessionSnapshot {
  return {
    actorId,
    userId,
    tier: 'pro',
    platform: 'telegram',
    workerId: null,
    threadIndex: null,
    state: 'running',
    memoryBytes: 12 * MiB,
    lastActivityAt: now - 3_000,
    pausedBy: null,
    queuedReason: null,
    ...over,
  };
}

/** Supervisor `sup-a` on node-1: two running workers, five sessions, owning 5 accounts of 4 users beside `sup-b`. */
export function snapshotA(now: number, supervisorId = 'sup-a'): SupervisorSnapshot {
  return {
    supervisorId,
    pid: 4242,
    hostname: 'node-1',
    startedAt: now - 3 * 3_600_000,
    publishedAt: now,
    host: { totalBytes: 16 * GiB, availableBytes: Math.round(16 * GiB * 0.29), usedFraction: 0.71 },
    pressure: { highWatermark: 0.85, lowWatermark: 0.7, pauseElite: false },
    cpuPercent: 12.5,
    workers: [
      worker('w-a1', 5001, { cpuPercent: 37.4 }),
      worker('w-a2', 5002, { rssBytes: 300 * MiB, sessions: 2, restarts: 1, threads: [
        { threadIndex: 0, heapUsedBytes: 80 * MiB, externalBytes: 2 * MiB, actors: 2, restarts: 2 },
      ] }),
    ],
    sessions: [
      session('tg-alice', 'alice', { tier: 'elite', workerId: 'w-a1', threadIndex: 0, memoryBytes: 40 * MiB }, now),
      session('dc-alice', 'alice', { tier: 'elite', platform: 'discord', workerId: 'w-a1', threadIndex: 1, state: 'idle' }, now),
      session('tg-bob', 'bob', { workerId: 'w-a1', threadIndex: 0, state: 'paused', pausedBy: 'pressure', memoryBytes: 2 * MiB }, now),
      session('tg-carol', 'carol', { tier: 'free', workerId: 'w-a2', threadIndex: 0, lastActivityAt: now - 5 * 60_000 }, now),
      session('lb-dave', 'dave', { tier: 'free', platform: 'loopback', workerId: 'w-a2', threadIndex: 0, state: 'paused', pausedBy: 'admin' }, now),
    ],
    queue: queueFigures(),
    redis: { stalledForMs: null, stalls: 2, lastStall: { endedAt: now - 3 * 60_000, stalledMs: 5_200 } },
    ownership: {
      capacity: 4,
      owned: { users: 4, accounts: 5 },
      running: { users: 3, accounts: 3 },
      members: [{ supervisorId, capacity: 4 }, { supervisorId: 'sup-b', capacity: 2 }],
    },
  };
}

/** Supervisor `sup-b` on node-2: one draining worker, a queued session; an older supervisor that reports neither Redis stalls nor ownership. */
export function snapshotB(now: number, supervisorId = 'sup-b'): SupervisorSnapshot {
  return {
    supervisorId,
    pid: 777,
    hostname: 'node-2',
    startedAt: now - 60_000,
    publishedAt: now,
    host: { totalBytes: 8 * GiB, availableBytes: Math.round(8 * GiB * 0.1), usedFraction: 0.9 },
    pressure: { highWatermark: 0.85, lowWatermark: 0.7, pauseElite: true },
    workers: [worker('w-b1', 6001, { state: 'draining', sessions: 1, threads: [] })],
    sessions: [
      session('dc-erin', 'erin', { platform: 'discord', workerId: 'w-b1', threadIndex: 0, lastActivityAt: 0 }, now),
      session('tg-frank', 'frank', { tier: 'free', state: 'queued', queuedReason: 'every worker full' }, now),
    ],
    queue: null,
  };
}

/** `count` waits spread over the buckets, summing to `sumSeconds`. */
function histogram(count: number, sumSeconds: number): SchedulerMetrics['waitHistogram']['elite'] {
  const bounds = WAIT_BUCKETS_SECONDS;
  return { bounds, cumulative: bounds.map((_, i) => Math.round((count * (i + 1)) / bounds.length)), sumSeconds, count };
}

/** Forwarding queue figures as a busy supervisor reports them. */
export function queueFigures(): SchedulerMetrics {
  const wait = (p50Ms: number, p99Ms: number) => ({ count: 100, avgMs: p50Ms, p50Ms, p99Ms, maxMs: p99Ms * 2 });
  return {
    queued: { elite: 2, pro: 14, free: 230 },
    inFlight: { elite: 1, pro: 4, free: 4 },
    inFlightByWorker: { 'w-a1': 5, 'w-a2': 4 },
    wait: { elite: wait(3, 12), pro: wait(8, 40), free: wait(450, 2_900) },
    waitHistogram: { elite: histogram(100, 0.3), pro: histogram(100, 0.8), free: histogram(100, 45) },
    dispatched: { elite: 1_200, pro: 5_400, free: 9_800 },
    acked: 16_300,
    retried: 12,
    deadLettered: { elite: 0, pro: 1, free: 3 },
    delayed: { load: 40, plan_rate: 310, flood_wait: 2, pair_delay: 55, retry_backoff: 12, account_pacing: 0, handover: 0 },
    rejected: { backlog_full: 7 },
  };
}
