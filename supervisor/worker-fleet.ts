/**
 * The worker processes of one supervisor: forks them (unique ids, the
 * settings every thread starts with), counts crashes against the restart
 * intensity and forks the replacements, retires drained workers and runs
 * their health checks. What runs on a worker is placement's business.
 *
 * Lease owners are worker ids (unique in the cluster: `<supervisorId>-<boot>-w<n>`),
 * so a worker's threads renew the leases of their own actors, and when a
 * worker process is seen to exit its leases can be released at once: a dead
 * process holds no connection.
 */
import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { Redis } from 'ioredis';
import { RestartIntensity } from '../src/cluster/restart-intensity.ts';
import { workerIdOf } from '../src/cluster/worker-id.ts';
import { publishClusterEvent } from './scale-out.ts';
import type { ResolvedSupervisorOptions } from './supervisor-options.ts';
import { WorkerHandle } from './worker-handle.ts';
import type { ResumeCursor } from '../src/runtime-contracts/actor-contract.ts';
import type { WorkerEvent, WorkerOptions } from '../src/runtime-contracts/worker-protocol.ts';

export interface WorkerFleetDeps {
  supervisorId: string;
  options: ResolvedSupervisorOptions;
  redis: Redis;
  redisUrl: string | null;
  redisKeyPrefix: string;
  log: Logger;
  /** What a worker reports without being asked. */
  onEvent(event: WorkerEvent): void;
  /** A worker process exited (it is no longer in the fleet). */
  onExit(handle: WorkerHandle): void;
  /** Restart intensity exceeded: the process must exit non-zero. */
  onEscalate(reason: string): void;
}

export class WorkerFleet {
  readonly #d: WorkerFleetDeps;
  readonly #workers = new Map<string, WorkerHandle>();
  readonly #restarts: RestartIntensity;
  readonly #bootId = randomBytes(3).toString('hex');
  #seq = 0;
  /** Workers being forked right now, so the maintenance loop does not fork them twice. */
  #spawning = 0;

  constructor(deps: WorkerFleetDeps) {
    this.#d = deps;
    this.#restarts = new RestartIntensity(deps.options.workerRestartIntensity, deps.options.restartPeriodMs);
  }

  get(workerId: string): WorkerHandle | undefined {
    return this.#workers.get(workerId);
  }

  all(): WorkerHandle[] {
    return [...this.#workers.values()];
  }

  get size(): number {
    return this.#workers.size;
  }

  /** Workers being forked right now. */
  get spawning(): number {
    return this.#spawning;
  }

  /** Worker crashes within the restart period. */
  get recentRestarts(): number {
    return this.#restarts.recent;
  }

  /** Workers short of the configured number (live ones and those being forked counted). */
  missing(): number {
    const live = this.all().filter((w) => w.alive && w.state !== 'stopping' && w.state !== 'draining').length;
    return this.#d.options.workers - live - this.#spawning;
  }

  /** Forks a worker; resolves once it answered its first call. */
  async spawn(): Promise<WorkerHandle> {
    this.#spawning += 1;
    try {
      return await this.#fork();
    } finally {
      this.#spawning -= 1;
    }
  }

  async #fork(): Promise<WorkerHandle> {
    this.#seq += 1;
    const o = this.#d.options;
    const options: WorkerOptions = {
      // The boot id keeps worker ids (the lease owners) unique across restarts of
      // a supervisor with a fixed id: a new worker must never pass for an old one
      // whose process may still be stopping.
      workerId: workerIdOf(this.#d.supervisorId, this.#bootId, this.#seq),
      threads: o.threadsPerWorker,
      threadMaxOldGenerationMb: o.threadMaxOldGenerationMb,
      threadRestartIntensity: o.threadRestartIntensity,
      restartPeriodMs: o.restartPeriodMs,
      redisUrl: this.#d.redisUrl,
      redisKeyPrefix: this.#d.redisKeyPrefix,
      leaseTtlMs: o.leaseTtlMs,
      leaseRenewMs: o.leaseRenewMs,
      ...(o.loopback !== null ? { loopback: o.loopback } : {}),
      ...(o.discordApiUrl !== null ? { discordApiUrl: o.discordApiUrl } : {}),
      discordInvalidRequestLimit: o.discordInvalidRequestLimit,
      ...(o.telegram !== null ? { telegram: o.telegram } : {}),
    };
    const handle = new WorkerHandle(options, this.#d.log);
    this.#workers.set(handle.workerId, handle);
    handle.on('event', (event) => this.#d.onEvent(event));
    handle.once('exit', () => {
      this.#workers.delete(handle.workerId);
      this.#d.onExit(handle);
    });
    // The first answered call proves the worker and its pool are up.
    await handle.refreshStatus();
    handle.state = 'running';
    this.#d.log.info({ workerId: handle.workerId, pid: handle.pid }, 'worker started');
    return handle;
  }

  /**
   * A worker crashed: counted against the restart intensity, then replaced.
   * Null when the intensity is exceeded (escalated: the process is to exit);
   * otherwise `ready` settles once the replacement is up or failed to start.
   */
  async replaceCrashed(handle: WorkerHandle): Promise<{ ready: Promise<unknown> } | null> {
    if (!this.#restarts.allow(Date.now())) {
      const reason = `more than ${this.#d.options.workerRestartIntensity} worker crashes within ${this.#d.options.restartPeriodMs} ms`;
      this.#d.log.fatal({ reason }, 'restart intensity exceeded; escalating');
      this.#d.onEscalate(reason);
      return null;
    }
    await publishClusterEvent(this.#d.redis, 'worker-crashed', { supervisorId: this.#d.supervisorId, workerId: handle.workerId }).catch(() => {});
    return { ready: this.spawn().catch((err: unknown) => this.#d.log.error({ err }, 'could not replace worker')) };
  }

  /** Stops an emptied worker for good. */
  async retire(worker: WorkerHandle): Promise<void> {
    await worker.shutdown(this.#d.options.workerShutdownTimeoutMs);
    this.#workers.delete(worker.workerId);
  }

  /**
   * Stops every worker: each stops its actors (cursors checkpointed) within
   * the worker shutdown timeout or is killed; `stopped` is told the cursors
   * each gave back once its process is gone.
   */
  async shutdown(stopped: (workerId: string, cursors: Record<string, ResumeCursor>) => Promise<void>): Promise<void> {
    await Promise.all(
      this.all().map(async (w) => {
        const cursors = await w.shutdown(this.#d.options.workerShutdownTimeoutMs);
        await stopped(w.workerId, cursors);
      }),
    );
  }

  /** Asks every running worker to check its actors (reconnect the silent, restart the dead). */
  async healthCheck(): Promise<void> {
    await Promise.all(
      this.all()
        .filter((w) => w.alive && w.state === 'running')
        .map(async (w) => {
          const result = await w.call((api) => api.healthCheck()).catch(() => null);
          if (result && (result.reconnected.length > 0 || result.restarted.length > 0)) {
            this.#d.log.warn({ workerId: w.workerId, ...result }, 'health check repaired actors');
          }
        }),
    );
  }
}
