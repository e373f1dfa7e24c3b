/** `GET /v1/admin/stats` and `GET /v1/admin/audit`: the figures, and the trail of who changed what. */
import { Router } from 'express';
import { z } from 'zod';
import { AuditEvent } from '../../../db/entities/audit-event.ts';
import { clusterStats, statsSchema } from '../../admin/cluster-stats.ts';
import type { ApiContext } from '../../api-context.ts';
import { parseQuery } from '../../http/validate.ts';
import { mountRoute } from '../../openapi/mount-route.ts';
import { auditEventSchema, auditEventView } from '../../schemas/admin-schemas.ts';
import { pageOf, pageQuery, timestampSchema } from '../../schemas/common-schemas.ts';
import type { Guards } from '../guards.ts';

const auditQuerySchema = z.object({
  actor: z.uuid().optional().describe('Acting user id'),
  target: z.string().min(1).max(200).optional().describe('Target id (a user id, a session id...)'),
  targetType: z.string().min(1).max(64).optional(),
  action: z.string().min(1).max(100).optional().describe('Exact action, or a prefix ending in `.` (e.g. `admin.`)'),
  since: timestampSchema.optional().describe('From this instant, inclusive'),
  until: timestampSchema.optional().describe('Before this instant, exclusive'),
  ...pageQuery(200, 50),
});

const TAGS = ['admin'];

export function adminReportsRouter(ctx: ApiContext, guard: Guards): Router {
  const router = Router();

  mountRoute(router, ctx.doc, {
    method: 'get', path: '/v1/admin/stats', summary: 'Users and pairs by tier, messages this period', tags: TAGS, auth: 'admin',
    responses: { 200: { description: 'The figures now', schema: statsSchema } },
  }, ...guard.admin('read'), async (_req, res) => {
    res.json(await clusterStats(ctx, new Date(ctx.now())));
  });

  mountRoute(router, ctx.doc, {
    method: 'get', path: '/v1/admin/audit', summary: 'The audit trail, filtered', tags: TAGS, auth: 'admin',
    query: auditQuerySchema,
    responses: { 200: { description: 'Newest first', schema: pageOf(auditEventSchema) } },
  }, ...guard.admin('read'), async (req, res) => {
    const q = parseQuery(auditQuerySchema, req);
    const createdAt = {
      ...(q.since === undefined ? {} : { $gte: new Date(q.since) }),
      ...(q.until === undefined ? {} : { $lt: new Date(q.until) }),
    };
    const where = {
      ...(q.actor === undefined ? {} : { actorUser: q.actor }),
      ...(q.target === undefined ? {} : { targetId: q.target }),
      ...(q.targetType === undefined ? {} : { targetType: q.targetType }),
      ...(q.action === undefined ? {} : q.action.endsWith('.') ? { action: { $like: `${q.action.replace(/[\\%_]/g, (c) => `\\${c}`)}%` } } : { action: q.action }),
      ...(Object.keys(createdAt).length === 0 ? {} : { createdAt }),
    };
    const [items, total] = await ctx.orm.em.fork().findAndCount(AuditEvent, where, {
      orderBy: { createdAt: 'desc', id: 'desc' }, limit: q.limit, offset: q.offset,
    });
    res.json({ items: items.map(auditEventView), total, limit: q.limit, offset: q.offset });
  });

  return router;
}
