/**
 * What a supervisor tells about itself: its status snapshot (published to
 * Redis every status interval for the CLI and the admin API), the worker
 * figures that feed it and placement, the host memory it last read, and the
 * periodic memory log.
 */
import { hostname } from 'node:os';
import { CpuMeter } from '../src/infra/cpu-meter.ts';
import type { SchedulerMetrics } from '../src/scheduler/core/scheduler-metrics.ts';
import { publishSnapshot } from '../src/cluster/snapshot-store.ts';
import type { OwnershipSnapshot, RedisHealth, SupervisorSnapshot } from '../src/cluster/status-snapshot.ts';
import { memoryTotals, type HostMemory, type PressureSnapshot, type ResolvedPressureOptions } from './policy/pressure-policy.ts';
import { readHostMemory } from './host-memory.ts';
import { occupiesWorker } from './session-table.ts';
import type { SupervisorContext } from './supervisor-context.ts';

/**
 * How long a published snapshot lives: five status intervals, so a
 * supervisor that misses a few (a busy event loop) is not taken for dead.
 * A snapshot gone means its supervisor is (see forwarding-queue.ts).
 */
export function snapshotTtlMs(statusIntervalMs: number): number {
  return statusIntervalMs * 5;
}

export interface SupervisorStatusDeps {
  /** Host memory source. Default: systeminformation's `mem()`. */
  hostMemory?: () => Promise<HostMemory>;
  pressureOptions(): ResolvedPressureOptions;
  /** What the pressure policy sees now (the memory log reads it). */
  pressureSnapshot(): PressureSnapshot;
  redisHealth(): RedisHealth;
}

export class SupervisorStatus {
  /** Figures of the forwarding queue this supervisor feeds; null: it feeds none. */
  queueMetrics: (() => SchedulerMetrics) | null = null;
  /** Its share of the accounts among the live supervisors; null: it shares none (no database, or sharing off). */
  ownership: (() => OwnershipSnapshot) | null = null;
  readonly #c: SupervisorContext;
  readonly #d: SupervisorStatusDeps;
  readonly #startedAt = Date.now();
  readonly #cpu = new CpuMeter();
  #host: HostMemory = { totalBytes: 1, availableBytes: 1 };
  #publishing = false;

  constructor(context: SupervisorContext, deps: SupervisorStatusDeps) {
    this.#c = context;
    this.#d = deps;
  }

  /** The host's memory as last read. */
  host(): HostMemory {
    return this.#host;
  }

  /** Reads the host's memory now. */
  async readHost(): Promise<HostMemory> {
    this.#host = await (this.#d.hostMemory ?? readHostMemory)();
    return this.#host;
  }

  snapshot(): SupervisorSnapshot {
    const { options, sessions, fleet } = this.#c;
    const host = this.#host;
    const pressure = this.#d.pressureOptions();
    return {
      supervisorId: this.#c.id,
      pid: process.pid,
      hostname: hostname(),
      startedAt: this.#startedAt,
      publishedAt: Date.now(),
      host: { ...host, usedFraction: (host.totalBytes - host.availableBytes) / host.totalBytes },
      cpuPercent: this.#cpu.sample(),
      pressure: { highWatermark: pressure.highWatermark, lowWatermark: pressure.lowWatermark, pauseElite: pressure.pauseElite },
      workers: fleet.all().map((w) => ({
        workerId: w.workerId,
        pid: w.pid,
        state: w.state,
        rssBytes: w.lastStatus?.rssBytes ?? 0,
        cpuPercent: w.lastStatus?.cpuPercent ?? 0,
        sessions: sessions.onWorker(w.workerId).filter((r) => occupiesWorker(r.state)).length,
        sessionLimit: options.sessionsPerWorker,
        ramCapBytes: options.workerRamCapBytes,
        restarts: w.options.workerId === w.workerId ? fleet.recentRestarts : 0,
        threads: w.lastStatus?.threads ?? [],
      })),
      sessions: sessions.snapshot(),
      queue: this.queueMetrics?.() ?? null,
      redis: this.#d.redisHealth(),
      ownership: this.ownership?.() ?? null,
    };
  }

  /** Asks every worker for its figures, updates the sessions' memory and activity from them, and publishes the snapshot. */
  async tick(): Promise<void> {
    if (this.#publishing) return;
    this.#publishing = true;
    try {
      await this.readHost();
      await Promise.all(
        this.#c.fleet.all()
          .filter((w) => w.alive && w.state !== 'stopping')
          .map(async (w) => {
            const status = await w.refreshStatus().catch(() => null);
            if (status === null) return;
            for (const a of status.actors) {
              const r = this.#c.sessions.get(a.actorId);
              if (!r || r.workerId !== w.workerId) continue;
              r.memoryBytes = a.memoryBytes;
              // A worker that has not measured an actor yet reports 0: never move activity backwards.
              r.lastActivityAt = Math.max(r.lastActivityAt, a.lastActivityAt);
              r.threadIndex = a.threadIndex;
            }
          }),
      );
      await publishSnapshot(this.#c.redis, this.snapshot(), snapshotTtlMs(this.#c.options.statusIntervalMs));
    } finally {
      this.#publishing = false;
    }
  }

  /** Memory per worker and the heaviest users at info; every actor's figure at debug. */
  logMemory(): void {
    const totals = memoryTotals(this.#d.pressureSnapshot());
    const topUsers = Object.entries(totals.byUser).sort((x, y) => y[1] - x[1]).slice(0, 20);
    const log = this.#c.log;
    log.info({ host: totals.host, workers: totals.byWorker, topUsers: Object.fromEntries(topUsers) }, 'memory');
    if (log.isLevelEnabled('debug')) log.debug({ actors: totals.byActor }, 'memory per actor');
  }
}
