/**
 * `PUT /v1/admin/supervisors/{id}/pressure`: the RAM watermarks of one
 * supervisor, changed at run time as `switchboard set-pressure` does. Past
 * the high watermark the supervisor pauses Free actors first (then Pro, and
 * Elite only with `pauseElite`) and resumes them below the low one, catching
 * up from their cursors. Lasts until the supervisor restarts. Audited.
 */
import { Router } from 'express';
import { z } from 'zod';
import { PressureConflictError } from '../../../errors/registry.ts';
import { SwitchboardError } from '../../../errors/switchboard-error.ts';
import { commandSupervisor, DEFAULT_COMMAND_TIMEOUT_MS, runningSupervisors } from '../../admin/supervisor-commands.ts';
import type { ApiContext } from '../../api-context.ts';
import { clientIp, recordAudit } from '../../audit/record-audit.ts';
import { authOf } from '../../auth/authenticate.ts';
import { parseBody, parseParams } from '../../http/validate.ts';
import { mountRoute } from '../../openapi/mount-route.ts';
import { errorResponse } from '../../openapi/standard-errors.ts';
import type { Guards } from '../guards.ts';

const fraction = (what: string) => z.number().gt(0, { error: `${what} must be above 0` }).max(1, { error: `${what} must be at most 1` });

const pressureBody = z.strictObject({
  highWatermark: fraction('highWatermark').optional().describe('Share of host RAM in use past which actors are paused, (0, 1]'),
  lowWatermark: fraction('lowWatermark').optional().describe('Share of host RAM in use under which paused actors resume, (0, 1); below highWatermark'),
  pauseElite: z.boolean().optional().describe('Whether Elite actors may be paused when pausing Free and Pro is not enough'),
}).refine((b) => b.highWatermark === undefined || b.lowWatermark === undefined || b.lowWatermark < b.highWatermark, {
  error: 'lowWatermark must be below highWatermark', path: ['lowWatermark'],
}).refine((b) => Object.values(b).some((v) => v !== undefined), { error: 'Name at least one of highWatermark, lowWatermark, pauseElite' });

const params = z.object({ id: z.string().min(1).max(128).regex(/^[A-Za-z0-9_.:-]+$/, { error: 'Letters, digits and _ . : - only' }) });

export function adminPressureRouter(ctx: ApiContext, guard: Guards): Router {
  const router = Router();
  mountRoute(router, ctx.doc, {
    method: 'put', path: '/v1/admin/supervisors/{id}/pressure', summary: 'Change a supervisor\'s RAM watermarks until it restarts', tags: ['admin: runtime'], auth: 'admin',
    params, body: pressureBody,
    example: { highWatermark: 0.6, lowWatermark: 0.5 },
    responses: {
      200: { description: 'The watermarks now in force', schema: z.object({ supervisorId: z.string(), pressure: z.looseObject({ highWatermark: z.number(), lowWatermark: z.number(), pauseElite: z.boolean() }) }) },
      404: errorResponse('`supervisor_not_found`'),
      409: errorResponse('`pressure_conflict`: with the watermarks it keeps, low would not stay below high'),
      503: errorResponse('`no_supervisor_running`'), 504: errorResponse('`supervisor_unreachable`'),
    },
  }, ...guard.admin('write'), async (req, res) => {
    const { id } = parseParams(params, req);
    const change = parseBody(pressureBody, req);
    const current = (await runningSupervisors(ctx.redis, ctx.config.REDIS_KEY_PREFIX, id)).find((s) => s.supervisorId === id)?.pressure;
    // Checked against what the change keeps, so a refusal is a 409 here rather than the supervisor's option error.
    const merged = { highWatermark: change.highWatermark ?? current?.highWatermark ?? 1, lowWatermark: change.lowWatermark ?? current?.lowWatermark ?? 0 };
    if (merged.lowWatermark >= merged.highWatermark) throw new PressureConflictError({ supervisorId: id, ...merged });
    let outcome: 'done' | 'refused' = 'refused';
    let pressure: unknown;
    try {
      pressure = await commandSupervisor(ctx.redis, id, { command: 'set-pressure', ...change }, DEFAULT_COMMAND_TIMEOUT_MS).catch((err: unknown) => {
        // The snapshot was older than a change made meanwhile: the supervisor's own check refused it.
        if (err instanceof SwitchboardError && err.code === 'invalid_option') throw new PressureConflictError({ supervisorId: id, ...merged });
        throw err;
      });
      outcome = 'done';
    } finally {
      // Written before the answer: whoever reads the trail after it finds the change there.
      const em = ctx.orm.em.fork();
      recordAudit(em, {
        action: 'admin.runtime_set_pressure', actorUserId: authOf(req).userId, targetType: 'supervisor', targetId: id, ip: clientIp(req),
        before: null, after: { change, outcome },
      });
      await em.flush();
    }
    res.json({ supervisorId: id, pressure });
  });
  return router;
}
