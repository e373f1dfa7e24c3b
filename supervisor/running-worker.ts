/**
 * Where an account's actor can be asked something now (a file piece, a
 * topic's title): its session record, and its worker when the actor is
 * running or idle on one; no worker while it starts, pauses, moves or is gone.
 */
import type { Supervisor } from './supervisor.ts';
import type { WorkerHandle } from './worker-handle.ts';

const RUNNING = new Set(['running', 'idle']);

export function runningWorkerOf(supervisor: Supervisor, accountId: string): {
  record: ReturnType<Supervisor['sessions']['get']>;
  worker: WorkerHandle | undefined;
} {
  const record = supervisor.sessions.get(accountId);
  const placed = record !== undefined && RUNNING.has(record.state) && record.workerId !== null;
  const worker = placed ? supervisor.workers().find((w) => w.workerId === record.workerId) : undefined;
  return { record, worker };
}
