/**
 * `GET /v1/auth/whoami`: what the presented credential is (user, role,
 * session or API key and its scopes), so a client or a script can check a
 * token or key before using it. Accepts API keys with the `read` scope.
 */
import { Router } from 'express';
import { z } from 'zod';
import { USER_ROLES } from '../../../db/entities/user.ts';
import type { ApiContext } from '../../api-context.ts';
import { authenticate, authOf, requireScope } from '../../auth/authenticate.ts';
import { mountRoute } from '../../openapi/mount-route.ts';
import { rateLimitByPlan } from '../../rate-limit/plan-rate-limit.ts';

const whoamiSchema = z.object({
  userId: z.uuid(),
  role: z.enum(USER_ROLES),
  via: z.enum(['access_token', 'api_key']),
  sessionId: z.uuid().nullable(),
  apiKeyId: z.uuid().nullable(),
  scopes: z.array(z.string()).nullable().describe('The API key\'s scopes; null for a signed-in session (all of them)'),
  impersonatorId: z.uuid().nullable(),
});

export function whoamiRouter(ctx: ApiContext): Router {
  const router = Router();
  mountRoute(router, ctx.doc, {
    method: 'get', path: '/v1/auth/whoami', summary: 'Describe the presented access token or API key', tags: ['auth'], auth: 'user',
    responses: { 200: { description: 'The credential', schema: whoamiSchema } },
  }, authenticate(ctx), requireScope('read'), rateLimitByPlan(ctx), (req, res) => {
    const auth = authOf(req);
    res.json({
      userId: auth.userId,
      role: auth.role,
      via: auth.via,
      sessionId: auth.sessionId ?? null,
      apiKeyId: auth.apiKeyId ?? null,
      scopes: auth.scopes ?? null,
      impersonatorId: auth.impersonatorId ?? null,
    });
  });
  return router;
}
