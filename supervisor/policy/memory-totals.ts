/**
 * Memory per actor, per user and per worker at one instant, for the periodic
 * memory log line. Plain objects rather than Maps so pino prints them.
 */
import { holdsMemory, hostUsedBytes, type PressureSnapshot } from './pressure-snapshot.ts';

export interface WorkerMemoryTotal {
  /** The worker process's own measurement (RSS); `0` if the snapshot had none. */
  measuredBytes: number;
  /** Sum of the memory attributed to its actors. */
  actorBytes: number;
  /** Actors counted in `actorBytes`. */
  actors: number;
}

export interface MemoryTotals {
  host: { totalBytes: number; usedBytes: number; usedFraction: number };
  byActor: Record<string, number>;
  byUser: Record<string, number>;
  byWorker: Record<string, WorkerMemoryTotal>;
}

/**
 * Adds up the snapshot. Paused and stopped actors are left out: their figure is
 * what they would cost if resumed, not memory they hold now.
 */
export function memoryTotals(snapshot: PressureSnapshot): MemoryTotals {
  const usedBytes = hostUsedBytes(snapshot.host);
  const byActor = new Map<string, number>();
  const byUser = new Map<string, number>();
  const byWorker = new Map<string, WorkerMemoryTotal>();
  const workerEntry = (workerId: string): WorkerMemoryTotal => {
    let entry = byWorker.get(workerId);
    if (!entry) byWorker.set(workerId, (entry = { measuredBytes: 0, actorBytes: 0, actors: 0 }));
    return entry;
  };
  for (const w of snapshot.workers) workerEntry(w.workerId).measuredBytes += w.memoryBytes;
  for (const a of snapshot.actors) {
    if (!holdsMemory(a.state)) continue;
    byActor.set(a.actorId, (byActor.get(a.actorId) ?? 0) + a.memoryBytes);
    byUser.set(a.userId, (byUser.get(a.userId) ?? 0) + a.memoryBytes);
    const w = workerEntry(a.workerId);
    w.actorBytes += a.memoryBytes;
    w.actors += 1;
  }
  return {
    host: { totalBytes: snapshot.host.totalBytes, usedBytes, usedFraction: usedBytes / snapshot.host.totalBytes },
    byActor: Object.fromEntries(byActor),
    byUser: Object.fromEntries(byUser),
    byWorker: Object.fromEntries(byWorker),
  };
}
