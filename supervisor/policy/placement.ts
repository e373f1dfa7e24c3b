/**
 * Where a new actor runs. All of one user's actors share a worker, so a user's
 * pairs, caches and rate limits live in one process.
 *
 * - A user with actors on a worker that has room for one more: place it there.
 * - That worker is full or draining: move the user's whole group, plus the new
 *   actor, to the least loaded worker with room for all of them
 *   (`move-group`); groups are never split. No such worker: scale out, below.
 * - A new user (or one whose worker is gone): the least loaded worker with room
 *   (see `loadScore` in worker-load.ts).
 * - No worker has room: `spawn-worker` if fewer than `maxWorkers` run (draining
 *   ones count: they are processes too) and the host has headroom; otherwise
 *   `queue`, reason `scale-out requested`. After a spawn the caller asks again
 *   and the empty worker is chosen.
 */
import { InvalidMeasurementError } from '../../src/errors/registry.ts';
import { checkOptionsObject, checkPositiveInteger } from '../../src/options/option-checks.ts';
import { hasRoom, leastLoadedWithRoom, type WorkerLoad } from './worker-load.ts';

export { planDrain, type DrainingWorker, type DrainMove, type DrainPlan, type UnplacedGroup, type UserGroup } from './drain-plan.ts';
export type { WorkerLoad } from './worker-load.ts';

export interface PlacementOptions {
  /** Most worker processes the supervisor may run on this host. Required (the supervisor derives it from the CPU count). */
  maxWorkers: number;
}

/** The actors a user already runs, all on one worker. */
export interface CurrentGroup {
  workerId: string;
  sessions: number;
  memoryBytes: number;
}

export interface PlacementRequest {
  userId: string;
  /** Expected memory of the new actor, in bytes (e.g. the measured per-client base). */
  expectedBytes: number;
  /** The user's running actors; absent for a user with none. */
  currentGroup?: CurrentGroup;
}

export interface ClusterState {
  workers: readonly WorkerLoad[];
  /** Whether the host can take one more worker process; measured by the caller. */
  hostHasHeadroom: boolean;
}

export type PlacementDecision =
  | { kind: 'place'; workerId: string; basis: 'same-user' | 'least-loaded' }
  | { kind: 'move-group'; userId: string; fromWorkerId: string; toWorkerId: string }
  | { kind: 'spawn-worker' }
  | { kind: 'queue'; reason: 'scale-out requested'; cause: 'max-workers' | 'no-host-headroom' };

export class PlacementPolicy {
  readonly options: Readonly<PlacementOptions>;

  /** Checks the options once; throws `InvalidOptionError` naming the option at fault. */
  constructor(options: PlacementOptions) {
    const o = checkOptionsObject(options);
    this.options = Object.freeze({ maxWorkers: checkPositiveInteger('maxWorkers', o.maxWorkers) });
  }

  place(request: PlacementRequest, cluster: ClusterState): PlacementDecision {
    const { expectedBytes, currentGroup } = request;
    if (!(expectedBytes >= 0) || !Number.isFinite(expectedBytes)) {
      throw new InvalidMeasurementError({
        field: 'request.expectedBytes',
        message: 'request.expectedBytes must be a finite number greater than or equal to 0',
      });
    }
    const home = currentGroup && cluster.workers.find((w) => w.workerId === currentGroup.workerId);
    if (currentGroup && home) {
      if (hasRoom(home, 1, expectedBytes)) return { kind: 'place', workerId: home.workerId, basis: 'same-user' };
      const target = leastLoadedWithRoom(
        cluster.workers, currentGroup.sessions + 1, currentGroup.memoryBytes + expectedBytes, home.workerId,
      );
      if (target) return { kind: 'move-group', userId: request.userId, fromWorkerId: home.workerId, toWorkerId: target.workerId };
      return this.#scaleOut(cluster);
    }
    const target = leastLoadedWithRoom(cluster.workers, 1, expectedBytes);
    if (target) return { kind: 'place', workerId: target.workerId, basis: 'least-loaded' };
    return this.#scaleOut(cluster);
  }

  #scaleOut(cluster: ClusterState): PlacementDecision {
    if (cluster.workers.length >= this.options.maxWorkers) {
      return { kind: 'queue', reason: 'scale-out requested', cause: 'max-workers' };
    }
    if (!cluster.hostHasHeadroom) return { kind: 'queue', reason: 'scale-out requested', cause: 'no-host-headroom' };
    return { kind: 'spawn-worker' };
  }
}
