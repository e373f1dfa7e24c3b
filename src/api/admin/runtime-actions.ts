/**
 * What admins ask of the running cluster, from the admin API or a control
 * bot: stop, pause, resume or reassign a session on whichever supervisor
 * runs it, list and replay dead letters. Each command that changes
 * something is audited whatever the supervisor answered: the admin asked.
 */
import type { AdminCommand } from '../../cluster/status-snapshot.ts';
import { findSessionOwner, findWorkerOwner } from '../../cli/locate-target.ts';
import type { ApiContext } from '../api-context.ts';
import { recordAudit } from '../audit/record-audit.ts';
import { withVia, type AdminActor } from './admin-action.ts';
import { commandSupervisor, DEFAULT_COMMAND_TIMEOUT_MS, queueOwner, runningSupervisors } from './supervisor-commands.ts';

export type SessionVerb = 'stop' | 'pause' | 'resume';

export interface CommandOutcome {
  supervisorId: string;
  command: AdminCommand;
  result: unknown;
}

/** Sends `command` to `supervisorId` and audits it. */
async function audited(ctx: ApiContext, actor: AdminActor, supervisorId: string, command: AdminCommand, timeoutMs: number, target: string): Promise<CommandOutcome> {
  let outcome: 'done' | 'refused' = 'refused';
  try {
    const result = await commandSupervisor(ctx.redis, supervisorId, command, timeoutMs);
    outcome = 'done';
    return { supervisorId, command, result };
  } finally {
    const em = ctx.orm.em.fork();
    recordAudit(em, {
      action: `admin.runtime_${command.command.replace('-', '_')}`, actorUserId: actor.userId,
      targetType: command.command === 'dead-letters' ? 'dead_letters' : 'session',
      targetId: target, ip: actor.ip, before: null, after: withVia({ supervisorId, command, outcome }, actor),
    });
    await em.flush();
  }
}

/** Stops, pauses or resumes session `id` where it runs. */
export async function sessionCommand(ctx: ApiContext, actor: AdminActor, id: string, verb: SessionVerb, timeoutMs = DEFAULT_COMMAND_TIMEOUT_MS): Promise<CommandOutcome> {
  const { supervisorId } = findSessionOwner(await runningSupervisors(ctx.redis, ctx.config.REDIS_KEY_PREFIX), id);
  return audited(ctx, actor, supervisorId, { command: verb, sessionId: id }, timeoutMs, id);
}

/** Moves session `id` to worker `toWorkerId` of the supervisor running it. */
export async function reassignSession(ctx: ApiContext, actor: AdminActor, id: string, toWorkerId: string, timeoutMs = DEFAULT_COMMAND_TIMEOUT_MS): Promise<CommandOutcome> {
  const snapshots = await runningSupervisors(ctx.redis, ctx.config.REDIS_KEY_PREFIX);
  const { supervisorId } = findSessionOwner(snapshots, id);
  findWorkerOwner(snapshots, toWorkerId);
  return audited(ctx, actor, supervisorId, { command: 'reassign', sessionId: id, toWorkerId }, timeoutMs, id);
}

export interface DeadLetterPage {
  supervisorId?: string | undefined;
  limit: number;
  offset: number;
}

/** A page of dead letters, oldest first, from the supervisor named or the only one running a queue. */
export async function listDeadLetters(ctx: ApiContext, page: DeadLetterPage, timeoutMs = DEFAULT_COMMAND_TIMEOUT_MS): Promise<{ supervisorId: string; items: unknown[] }> {
  const supervisorId = queueOwner(await runningSupervisors(ctx.redis, ctx.config.REDIS_KEY_PREFIX, page.supervisorId), page.supervisorId);
  const result = await commandSupervisor(ctx.redis, supervisorId, { command: 'dead-letters', action: 'list', limit: page.limit, offset: page.offset }, timeoutMs);
  return { supervisorId, items: Array.isArray(result) ? result : [] };
}

/** Puts dead letters (`ids`, or all) back in the queue, attempts reset. */
export async function replayDeadLetters(
  ctx: ApiContext, actor: AdminActor, ids: 'all' | string[], supervisor?: string, timeoutMs = DEFAULT_COMMAND_TIMEOUT_MS,
): Promise<CommandOutcome> {
  const supervisorId = queueOwner(await runningSupervisors(ctx.redis, ctx.config.REDIS_KEY_PREFIX, supervisor), supervisor);
  const target = ids === 'all' ? 'all' : ids.join(',').slice(0, 200);
  return audited(ctx, actor, supervisorId, { command: 'dead-letters', action: 'replay', ids }, timeoutMs, target);
}
