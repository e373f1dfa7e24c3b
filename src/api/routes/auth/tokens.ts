/** Refreshing, and ending this session or all of them. */
import { Router } from 'express';
import { z } from 'zod';
import type { ApiContext } from '../../api-context.ts';
import { audit } from '../../auth/audit.ts';
import { authenticate, authOf, requireSession } from '../../auth/authenticate.ts';
import { revokeAllSessions, revokeSession, rotateSession } from '../../auth/refresh-sessions.ts';
import { clientInfo } from '../../http/client-info.ts';
import { parseBody } from '../../http/validate.ts';
import { errorResponse } from '../../openapi/standard-errors.ts';
import { mountRoute } from '../../openapi/mount-route.ts';
import { rateLimitByIp } from '../../rate-limit/ip-rate-limit.ts';
import { rateLimitByPlan } from '../../rate-limit/plan-rate-limit.ts';
import { tokenPairSchema } from './auth-schemas.ts';

const refreshBody = z.object({ refreshToken: z.string().min(1, { error: 'refreshToken is required' }).max(200) });

export function tokensRouter(ctx: ApiContext): Router {
  const router = Router();
  const tags = ['auth'];
  const signedIn = [authenticate(ctx), requireSession(), rateLimitByPlan(ctx)];

  mountRoute(router, ctx.doc, {
    method: 'post', path: '/v1/auth/refresh', summary: 'Exchange a refresh token for a new pair (the old one stops working)', tags, auth: 'none',
    body: refreshBody,
    responses: {
      200: { description: 'A new access and refresh token', schema: tokenPairSchema },
      401: errorResponse('`refresh_token_invalid`, or `refresh_token_reused` (an old token came back: the session was ended)'),
      403: errorResponse('`account_inactive`'),
      429: errorResponse('`rate_limited`: too many refreshes from this address'),
    },
  }, rateLimitByIp(ctx, 'refresh'), async (req, res) => {
    const { refreshToken } = parseBody(refreshBody, req);
    res.json(await rotateSession(ctx, ctx.orm.em.fork(), refreshToken, clientInfo(req)));
  });

  mountRoute(router, ctx.doc, {
    method: 'post', path: '/v1/auth/logout', summary: 'End this session', tags, auth: 'user',
    responses: { 204: { description: 'Signed out; this session\'s tokens no longer work' } },
  }, ...signedIn, async (req, res) => {
    const auth = authOf(req);
    const em = ctx.orm.em.fork();
    if (auth.sessionId !== undefined && await revokeSession(em, auth.userId, auth.sessionId, 'logout')) {
      await audit(em, { action: 'auth.logout', actorUserId: auth.userId, targetType: 'session', targetId: auth.sessionId, ip: clientInfo(req).ip });
    }
    res.status(204).end();
  });

  mountRoute(router, ctx.doc, {
    method: 'post', path: '/v1/auth/logout-all', summary: 'End every session; every access token stops working at once', tags, auth: 'user',
    responses: { 204: { description: 'Signed out everywhere' } },
  }, ...signedIn, async (req, res) => {
    const auth = authOf(req);
    const em = ctx.orm.em.fork();
    await revokeAllSessions(ctx, em, auth.userId, 'logout_everywhere');
    await audit(em, { action: 'auth.logout_everywhere', actorUserId: auth.userId, targetType: 'user', targetId: auth.userId, ip: clientInfo(req).ip });
    res.status(204).end();
  });

  return router;
}
