/**
 * The admin API's side of the supervisors' admin channel, reusing exactly
 * what the `switchboard` CLI uses: the status snapshots in Redis to find who
 * runs a session or a queue (cli/locate-target.ts), and `sendAdminCommand`
 * to ask it. A supervisor's refusal keeps its own code (`session_state_conflict`,
 * `queue_unavailable`...), answered with that code's status from the registry.
 */
import type { Redis } from 'ioredis';
import { readSnapshots, sendAdminCommand } from '../../cluster/admin-channel.ts';
import type { AdminCommand, SupervisorSnapshot } from '../../cluster/status-snapshot.ts';
import { requireSupervisors } from '../../cli/locate-target.ts';
import * as registry from '../../errors/registry.ts';
import { SupervisorAmbiguousError } from '../../errors/registry.ts';
import { SwitchboardError } from '../../errors/switchboard-error.ts';

/** How long the API waits for a supervisor by default, as the CLI's `--timeout`. */
export const DEFAULT_COMMAND_TIMEOUT_MS = 10_000;

/** What the CLI names the Redis it reads; here, only the key prefix is worth saying. */
function where(keyPrefix: string): string {
  return `the cluster's Redis (key prefix "${keyPrefix}")`;
}

/** Snapshots of the running supervisors; 503 `no_supervisor_running` when none, 404 for an unknown `supervisorId`. */
export async function runningSupervisors(redis: Redis, keyPrefix: string, supervisorId?: string): Promise<SupervisorSnapshot[]> {
  const snapshots = await readSnapshots(redis);
  requireSupervisors(snapshots, where(keyPrefix), supervisorId);
  return snapshots;
}

/** The supervisor a queue command is for: the one named, or the only one running a queue. */
export function queueOwner(snapshots: readonly SupervisorSnapshot[], supervisorId: string | undefined): string {
  if (supervisorId !== undefined) return supervisorId;
  const withQueue = snapshots.filter((s) => s.queue !== null).map((s) => s.supervisorId);
  if (withQueue.length === 1) return withQueue[0] as string;
  throw new SupervisorAmbiguousError({ candidates: withQueue });
}

const statusByCode = new Map<string, number>(
  Object.values(registry)
    .filter((v): v is typeof registry.InternalError => typeof v === 'function' && typeof (v as { code?: unknown }).code === 'string')
    .map((cls) => [cls.code, cls.status]),
);

/** Sends `command` and returns the supervisor's result; its refusal is thrown with the supervisor's code. */
export async function commandSupervisor(redis: Redis, supervisorId: string, command: AdminCommand, timeoutMs: number): Promise<unknown> {
  const reply = await sendAdminCommand(redis, supervisorId, command, { timeoutMs });
  if (reply.ok) return reply.result;
  const status = statusByCode.get(reply.error.code) ?? 502;
  throw new SwitchboardError(reply.error.code, status, reply.error.message, { supervisorId });
}
