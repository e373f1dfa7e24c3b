/**
 * Where an account's actor can be asked something now (a file piece, a
 * topic's title): its session record, and its worker when the actor is
 * running or idle on one; no worker while it starts, pauses, moves or is gone.
 */
import type { Remote } from 'comlink';
import type { Supervisor } from './supervisor.ts';
import type { WorkerHandle } from './worker-handle.ts';
import type { WorkerApi } from '../src/runtime-contracts/worker-protocol.ts';

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

/**
 * Asks the account's actor something through its worker (an RPC of the
 * worker API); throws, saying what could not be done and why, when the
 * actor is not running on this supervisor now.
 */
export function callRunningActor<T>(
  supervisor: Supervisor,
  accountId: string,
  purpose: string,
  call: (api: Remote<WorkerApi>) => Promise<unknown>,
): Promise<T> {
  const { record, worker } = runningWorkerOf(supervisor, accountId);
  if (worker === undefined) {
    return Promise.reject(new Error(`the source account ${accountId} is not running here (${record?.state ?? 'unknown'}), so ${purpose}`));
  }
  return worker.call(async (api) => (await call(api)) as T);
}
