/**
 * `GET /v1/me`: who the caller is, as the API sees them (role and plan in
 * force, how they signed in, and which admin acts for them when
 * impersonated). There is no `PATCH /v1/me` yet: the `users` table holds no
 * display settings to change; email and password have their own routes.
 */
import { Router } from 'express';
import { z } from 'zod';
import { User, USER_ROLES, USER_STATUSES } from '../../db/entities/user.ts';
import { AccountInactiveError } from '../../errors/registry.ts';
import type { ApiContext } from '../api-context.ts';
import { authOf } from '../auth/authenticate.ts';
import { requestPlan } from '../auth/user-plan.ts';
import { isoOrNull, timestampSchema } from '../schemas/common-schemas.ts';
import { TIER_NAMES } from '../schemas/plan-schemas.ts';
import type { Guards } from './guards.ts';
import { mountRoute } from '../openapi/mount-route.ts';

const meSchema = z.object({
  id: z.uuid(),
  email: z.string(),
  role: z.enum(USER_ROLES),
  status: z.enum(USER_STATUSES),
  plan: z.enum(TIER_NAMES).describe('The plan in force now'),
  emailVerified: z.boolean(),
  totpEnabled: z.boolean(),
  createdAt: timestampSchema,
  lastLoginAt: timestampSchema.nullable(),
  via: z.enum(['access_token', 'api_key']).describe('How this request signed in'),
  impersonatorId: z.uuid().nullable().describe('The admin acting as you, when impersonated'),
});

export function meRouter(ctx: ApiContext, guard: Guards): Router {
  const router = Router();
  mountRoute(router, ctx.doc, {
    method: 'get', path: '/v1/me', summary: 'Your account', tags: ['account'], auth: 'user',
    responses: { 200: { description: 'You', schema: meSchema } },
  }, ...guard.user('read'), async (req, res) => {
    const auth = authOf(req);
    const [user, plan] = await Promise.all([ctx.orm.em.fork().findOne(User, { id: auth.userId }), requestPlan(ctx, req)]);
    if (user === null) throw new AccountInactiveError({ status: 'deleted' });
    res.json({
      id: user.id,
      email: user.email,
      role: user.role,
      status: user.status,
      plan: plan.name,
      emailVerified: user.emailVerifiedAt !== null && user.emailVerifiedAt !== undefined,
      totpEnabled: user.totpEnabled,
      createdAt: user.createdAt.toISOString(),
      lastLoginAt: isoOrNull(user.lastLoginAt),
      via: auth.via,
      impersonatorId: auth.impersonatorId ?? null,
    });
  });
  return router;
}
