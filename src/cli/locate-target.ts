/**
 * Which supervisor a steering command goes to: the one whose latest snapshot
 * holds the session or worker.
 */
import type { SessionSnapshot, SupervisorSnapshot, WorkerSnapshot } from '../cluster/status-snapshot.ts';
import {
  IdAmbiguousError,
  NoSupervisorRunningError,
  SessionNotFoundError,
  SupervisorNotFoundError,
  WorkerNotFoundError,
} from '../errors/registry.ts';

/** Shortest prefix a command takes for an id, as `top` shows them. */
export const MIN_ID_PREFIX = 4;

/** Whether a lookup takes an id's first characters for the id (the CLI does; the API wants whole ids). Default false. */
export interface LookupOptions {
  prefix?: boolean;
}

/** `id` if it is one of `ids`, else (with `prefix`) the one id it begins (at least MIN_ID_PREFIX characters); null when none. */
export function resolveId(ids: Iterable<string>, id: string, kind: 'session' | 'worker', options: LookupOptions = {}): string | null {
  const all = new Set(ids);
  if (all.has(id)) return id;
  if (options.prefix !== true || id.length < MIN_ID_PREFIX) return null;
  const matches = [...all].filter((candidate) => candidate.startsWith(id)).sort();
  if (matches.length > 1) throw new IdAmbiguousError({ kind, prefix: id, matches });
  return matches[0] ?? null;
}

/**
 * The supervisor owning `sessionId` (the whole id, or a prefix only it
 * begins with). While a session moves between supervisors both may list it;
 * the one that has it on a worker wins, then the fresher snapshot.
 */
export function findSessionOwner(snapshots: readonly SupervisorSnapshot[], sessionId: string, options: LookupOptions = {}): { supervisorId: string; session: SessionSnapshot } {
  const id = resolveId(snapshots.flatMap((s) => s.sessions.map((x) => x.actorId)), sessionId, 'session', options);
  const found = snapshots
    .flatMap((s) => s.sessions.filter((x) => x.actorId === id).map((session) => ({ s, session })))
    .sort((a, b) => Number(b.session.workerId !== null) - Number(a.session.workerId !== null) || b.s.publishedAt - a.s.publishedAt);
  const best = found[0];
  if (best === undefined) throw new SessionNotFoundError({ sessionId });
  return { supervisorId: best.s.supervisorId, session: best.session };
}

/** The supervisor running worker `workerId`; the fresher snapshot if two claim it. */
export function findWorkerOwner(snapshots: readonly SupervisorSnapshot[], workerId: string, options: LookupOptions = {}): { supervisorId: string; worker: WorkerSnapshot } {
  const id = resolveId(snapshots.flatMap((s) => s.workers.map((w) => w.workerId)), workerId, 'worker', options);
  const found = snapshots
    .flatMap((s) => s.workers.filter((w) => w.workerId === id).map((worker) => ({ s, worker })))
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
