/**
 * Which supervisor a steering command goes to: the one whose latest snapshot
 * holds the session or worker.
 */
import type { SessionSnapshot, SupervisorSnapshot, WorkerSnapshot } from '../cluster/status-snapshot.ts';
import {
  NoSupervisorRunningError,
  SessionNotFoundError,
  SupervisorNotFoundError,
  WorkerNotFoundError,
} from '../errors/registry.ts';

/**
 * The supervisor owning `sessionId`. While a session moves between
 * supervisors both may list it; the one that has it on a worker wins, then
 * the fresher snapshot.
 */
export function findSessionOwner(snapshots: readonly SupervisorSnapshot[], sessionId: string): { supervisorId: string; session: SessionSnapshot } {
  const found = snapshots
    .flatMap((s) => s.sessions.filter((x) => x.actorId === sessionId).map((session) => ({ s, session })))
    .sort((a, b) => Number(b.session.workerId !== null) - Number(a.session.workerId !== null) || b.s.publishedAt - a.s.publishedAt);
  const best = found[0];
  if (best === undefined) throw new SessionNotFoundError({ sessionId });
  return { supervisorId: best.s.supervisorId, session: best.session };
}

/** The supervisor running worker `workerId`; the fresher snapshot if two claim it. */
export function findWorkerOwner(snapshots: readonly SupervisorSnapshot[], workerId: string): { supervisorId: string; worker: WorkerSnapshot } {
  const found = snapshots
    .flatMap((s) => s.workers.filter((w) => w.workerId === workerId).map((worker) => ({ s, worker })))
    .sort((a, b) => b.s.publishedAt - a.s.publishedAt);
  const best = found[0];
  if (best === undefined) throw new WorkerNotFoundError({ workerId });
  return { supervisorId: best.s.supervisorId, worker: best.worker };
}

/** Throws when no supervisor runs, or when `supervisorId` is given and is not one of them. */
export function requireSupervisors(snapshots: readonly SupervisorSnapshot[], redis: string, supervisorId?: string): void {
  if (snapshots.length === 0) throw new NoSupervisorRunningError({ redis });
  if (supervisorId !== undefined && !snapshots.some((s) => s.supervisorId === supervisorId)) {
    throw new SupervisorNotFoundError({ supervisorId });
  }
}
