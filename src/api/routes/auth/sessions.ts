/** The user's live sign-ins, and ending one of them (a lost phone, a shared computer). */
import { Router } from 'express';
import { z } from 'zod';
import { RefreshTokenFamily } from '../../../db/entities/refresh-token-family.ts';
import { AuthSessionNotFoundError } from '../../../errors/registry.ts';
import type { ApiContext } from '../../api-context.ts';
import { audit } from '../../auth/audit.ts';
import { authenticate, authOf, requireSession } from '../../auth/authenticate.ts';
import { revokeSession } from '../../auth/refresh-sessions.ts';
import { clientInfo } from '../../http/client-info.ts';
import { parseParams } from '../../http/validate.ts';
import { errorResponse } from '../../openapi/standard-errors.ts';
import { mountRoute } from '../../openapi/mount-route.ts';
import { rateLimitByPlan } from '../../rate-limit/plan-rate-limit.ts';

const sessionSchema = z.object({
  id: z.uuid(),
  device: z.string().nullable(),
  ip: z.string().nullable(),
  userAgent: z.string().nullable(),
  createdAt: z.iso.datetime(),
  lastUsedAt: z.iso.datetime().nullable(),
  expiresAt: z.iso.datetime(),
  current: z.boolean().describe('This request\'s own session'),
});
const sessionParams = z.object({ id: z.uuid({ error: 'Must be a session id' }) });

export function sessionsRouter(ctx: ApiContext): Router {
  const router = Router();
  const tags = ['auth'];
  const signedIn = [authenticate(ctx), requireSession(), rateLimitByPlan(ctx)];

  mountRoute(router, ctx.doc, {
    method: 'get', path: '/v1/auth/sessions', summary: 'List live sessions, most recently used first', tags, auth: 'user',
    responses: { 200: { description: 'Sessions', schema: z.object({ sessions: z.array(sessionSchema) }) } },
  }, ...signedIn, async (req, res) => {
    const auth = authOf(req);
    const rows = await ctx.orm.em.fork().find(
      RefreshTokenFamily,
      { user: auth.userId, revokedAt: null, expiresAt: { $gt: new Date(ctx.now()) } },
      { orderBy: { lastUsedAt: 'desc', createdAt: 'desc' } },
    );
    res.json({
      sessions: rows.map((s) => ({
        id: s.id,
        device: s.device ?? null,
        ip: s.ip ?? null,
        userAgent: s.userAgent ?? null,
        createdAt: s.createdAt.toISOString(),
        lastUsedAt: s.lastUsedAt?.toISOString() ?? null,
        expiresAt: s.expiresAt.toISOString(),
        current: s.id === auth.sessionId,
      })),
    });
  });

  mountRoute(router, ctx.doc, {
    method: 'delete', path: '/v1/auth/sessions/{id}', summary: 'End one of your sessions', tags, auth: 'user',
    params: sessionParams,
    responses: {
      204: { description: 'Ended; its tokens no longer work' },
      404: errorResponse('`auth_session_not_found`: not yours, ended already, or no such session'),
    },
  }, ...signedIn, async (req, res) => {
    const auth = authOf(req);
    const { id } = parseParams(sessionParams, req);
    const em = ctx.orm.em.fork();
    if (!(await revokeSession(em, auth.userId, id, 'revoked_by_user'))) throw new AuthSessionNotFoundError({ sessionId: id });
    await audit(em, { action: 'auth.session_revoked', actorUserId: auth.userId, targetType: 'session', targetId: id, ip: clientInfo(req).ip });
    res.status(204).end();
  });

  return router;
}
