/**
 * The running cluster, for admins: workers and sessions from the
 * supervisors' status snapshots; stop, pause, resume or reassign a session
 * and list or replay dead letters through the supervisors' admin channel.
 * The same modules as the `switchboard` CLI; commands are audited.
 */
import { Router } from 'express';
import { z } from 'zod';
import { findWorkerOwner } from '../../../cli/locate-target.ts';
import { listSessions, SESSION_STATES } from '../../../cli/format/sessions-view.ts';
import { listWorkers } from '../../../cli/format/workers-view.ts';
import { actorOf } from '../../admin/admin-action.ts';
import { listDeadLetters, reassignSession, replayDeadLetters, sessionCommand } from '../../admin/runtime-actions.ts';
import { DEFAULT_COMMAND_TIMEOUT_MS, runningSupervisors } from '../../admin/supervisor-commands.ts';
import type { ApiContext } from '../../api-context.ts';
import { parseBody, parseParams, parseQuery } from '../../http/validate.ts';
import { mountRoute } from '../../openapi/mount-route.ts';
import { errorResponse } from '../../openapi/standard-errors.ts';
import { TIER_NAMES } from '../../schemas/plan-schemas.ts';
import type { Guards } from '../guards.ts';

const TAGS = ['admin: runtime'];
const name = z.string().min(1).max(128).regex(/^[A-Za-z0-9_.:-]+$/, { error: 'Letters, digits and _ . : - only' });
const timeoutMs = z.coerce.number().int().min(100).max(60_000).default(DEFAULT_COMMAND_TIMEOUT_MS)
  .describe(`How long to wait for the supervisor, ms; default ${DEFAULT_COMMAND_TIMEOUT_MS}`);

const workerSchema = z.looseObject({
  supervisorId: z.string(), workerId: z.string(), pid: z.number().int(), state: z.string(),
  rssBytes: z.number(), sessions: z.number().int(), sessionLimit: z.number().int(), ramCapBytes: z.number(), restarts: z.number().int(),
  threads: z.array(z.looseObject({ threadIndex: z.number().int() })),
});
const sessionSchema = z.looseObject({
  supervisorId: z.string(), actorId: z.string(), userId: z.string(), tier: z.string(), platform: z.string(),
  workerId: z.string().nullable(), threadIndex: z.number().int().nullable(), state: z.string(), memoryBytes: z.number(),
  lastActivityAt: z.number(), pausedBy: z.string().nullable(), queuedReason: z.string().nullable(),
});
const sessionsQuerySchema = z.object({
  userId: z.string().min(1).max(64).optional(), state: z.enum(SESSION_STATES).optional(), tier: z.enum(TIER_NAMES).optional(),
  workerId: name.optional(), supervisorId: name.optional(),
});
const workersQuerySchema = z.object({ supervisorId: name.optional() });
const commandResultSchema = z.object({ supervisorId: z.string(), command: z.looseObject({ command: z.string() }), result: z.unknown() });
const clusterErrors = {
  503: errorResponse('`no_supervisor_running`, or the supervisor\'s own refusal (`queue_unavailable`...)'),
  502: errorResponse('a supervisor refusal under a code this API does not know'),
  504: errorResponse('`supervisor_unreachable`: no answer within `timeoutMs`'),
};

export function adminRuntimeRouter(ctx: ApiContext, guard: Guards): Router {
  const router = Router();
  const prefix = ctx.config.REDIS_KEY_PREFIX;

  mountRoute(router, ctx.doc, {
    method: 'get', path: '/v1/admin/workers', summary: 'Every worker process of every supervisor', tags: TAGS, auth: 'admin',
    query: workersQuerySchema,
    responses: { 200: { description: 'By supervisor, then worker', schema: z.object({ items: z.array(workerSchema) }) }, 404: errorResponse('`supervisor_not_found`'), ...clusterErrors },
  }, ...guard.admin('read'), async (req, res) => {
    const { supervisorId } = parseQuery(workersQuerySchema, req);
    const snapshots = await runningSupervisors(ctx.redis, prefix, supervisorId);
    res.json({ items: listWorkers(snapshots, { ...(supervisorId === undefined ? {} : { supervisorId }) }) });
  });

  mountRoute(router, ctx.doc, {
    method: 'get', path: '/v1/admin/sessions', summary: 'Every session (actor): placement, state, memory, activity', tags: TAGS, auth: 'admin',
    query: sessionsQuerySchema,
    responses: { 200: { description: 'By supervisor, then session', schema: z.object({ items: z.array(sessionSchema) }) }, 404: errorResponse('`supervisor_not_found` or `worker_not_found`'), ...clusterErrors },
  }, ...guard.admin('read'), async (req, res) => {
    const q = parseQuery(sessionsQuerySchema, req);
    const snapshots = await runningSupervisors(ctx.redis, prefix, q.supervisorId);
    if (q.workerId !== undefined) findWorkerOwner(snapshots, q.workerId);
    const filter = Object.fromEntries(Object.entries(q).filter(([, v]) => v !== undefined));
    res.json({ items: listSessions(snapshots, filter) });
  });

  const sessionParams = z.object({ id: name });
  for (const verb of ['stop', 'pause', 'resume'] as const) {
    const body = z.strictObject({ timeoutMs: timeoutMs.optional() });
    mountRoute(router, ctx.doc, {
      method: 'post', path: `/v1/admin/sessions/{id}/${verb}`, summary: `${verb[0]!.toUpperCase()}${verb.slice(1)} a session on whichever supervisor runs it`, tags: TAGS, auth: 'admin',
      params: sessionParams, body,
      responses: {
        200: { description: 'Done; the supervisor\'s result', schema: commandResultSchema },
        404: errorResponse('`session_not_found`'), 409: errorResponse('`session_state_conflict` and other refusals'), ...clusterErrors,
      },
    }, ...guard.admin('write'), async (req, res) => {
      const { id } = parseParams(sessionParams, req);
      res.json(await sessionCommand(ctx, actorOf(req), id, verb, parseBody(body, req).timeoutMs));
    });
  }

  const reassignBody = z.strictObject({ toWorkerId: name, timeoutMs: timeoutMs.optional() });
  mountRoute(router, ctx.doc, {
    method: 'post', path: '/v1/admin/sessions/{id}/reassign', summary: 'Move a session to another worker of its supervisor', tags: TAGS, auth: 'admin',
    params: sessionParams, body: reassignBody,
    responses: {
      200: { description: 'Moved', schema: commandResultSchema },
      404: errorResponse('`session_not_found` or `worker_not_found`'), 409: errorResponse('the supervisor\'s refusal'), ...clusterErrors,
    },
  }, ...guard.admin('write'), async (req, res) => {
    const { id } = parseParams(sessionParams, req);
    const { toWorkerId, timeoutMs: wait } = parseBody(reassignBody, req);
    res.json(await reassignSession(ctx, actorOf(req), id, toWorkerId, wait));
  });

  const deadQuery = z.object({ supervisorId: name.optional(), limit: z.coerce.number().int().min(1).max(1000).default(100), offset: z.coerce.number().int().min(0).default(0), timeoutMs });
  mountRoute(router, ctx.doc, {
    method: 'get', path: '/v1/admin/dead-letters', summary: 'Forwarding tasks that failed for good, oldest first', tags: TAGS, auth: 'admin',
    query: deadQuery,
    responses: {
      200: { description: 'The supervisor\'s dead letters', schema: z.object({ supervisorId: z.string(), items: z.array(z.looseObject({ task: z.looseObject({ id: z.string() }) })) }) },
      400: errorResponse('`validation_failed`, or `supervisor_ambiguous`: several run a queue, name one'), 404: errorResponse('`supervisor_not_found`'), ...clusterErrors,
    },
  }, ...guard.admin('read'), async (req, res) => {
    const q = parseQuery(deadQuery, req);
    res.json(await listDeadLetters(ctx, q, q.timeoutMs));
  });

  const replayBody = z.strictObject({
    ids: z.union([z.literal('all'), z.array(name).min(1).max(1000)]).describe('Task ids, or "all"'),
    supervisorId: name.optional(),
    timeoutMs: timeoutMs.optional(),
  });
  mountRoute(router, ctx.doc, {
    method: 'post', path: '/v1/admin/dead-letters/replay', summary: 'Put dead letters back in the queue, attempts reset', tags: TAGS, auth: 'admin',
    body: replayBody,
    responses: {
      200: { description: 'Replayed; the supervisor\'s result', schema: commandResultSchema },
      400: errorResponse('`validation_failed` or `supervisor_ambiguous`'), 404: errorResponse('`supervisor_not_found`'), ...clusterErrors,
    },
  }, ...guard.admin('write'), async (req, res) => {
    const b = parseBody(replayBody, req);
    res.json(await replayDeadLetters(ctx, actorOf(req), b.ids, b.supervisorId, b.timeoutMs));
  });

  return router;
}
