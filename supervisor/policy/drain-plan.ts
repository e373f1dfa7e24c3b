/**
 * Emptying a worker: each of its users' whole group goes to another worker,
 * never split. Groups are placed largest first (memory, then sessions) on the
 * least loaded worker with room, as first-fit-decreasing bin packing does, so
 * big groups are not left without a place by small ones filling the gaps. Each
 * move is counted against its target before the next group is placed.
 */
import { leastLoadedWithRoom, type WorkerLoad } from './worker-load.ts';

/** The actors one user runs on the worker being drained. */
export interface UserGroup {
  userId: string;
  sessions: number;
  memoryBytes: number;
}

export interface DrainingWorker extends WorkerLoad {
  /** Every user group on the worker. */
  groups: readonly UserGroup[];
}

export interface DrainMove extends UserGroup {
  fromWorkerId: string;
  toWorkerId: string;
}

export interface UnplacedGroup extends UserGroup {
  reason: 'no worker has room for the whole group';
}

export interface DrainPlan {
  moves: DrainMove[];
  /** Groups no other worker can take now; the caller spawns a worker or asks again later. */
  unplaced: UnplacedGroup[];
}

/**
 * Plans moving every group off `worker` onto the others in `workers` (the
 * worker itself, if listed, and draining workers are skipped).
 */
export function planDrain(worker: DrainingWorker, workers: readonly WorkerLoad[]): DrainPlan {
  const loads: WorkerLoad[] = workers.filter((w) => w.workerId !== worker.workerId).map((w) => ({ ...w }));
  const groups = [...worker.groups].sort((a, b) => b.memoryBytes - a.memoryBytes
    || b.sessions - a.sessions
    || (a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : 0));
  const plan: DrainPlan = { moves: [], unplaced: [] };
  for (const g of groups) {
    const target = leastLoadedWithRoom(loads, g.sessions, g.memoryBytes);
    if (!target) {
      plan.unplaced.push({ ...g, reason: 'no worker has room for the whole group' });
      continue;
    }
    target.sessions += g.sessions;
    target.memoryBytes += g.memoryBytes;
    plan.moves.push({ ...g, fromWorkerId: worker.workerId, toWorkerId: target.workerId });
  }
  return plan;
}
