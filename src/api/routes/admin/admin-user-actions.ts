/**
 * Admin actions on a user: suspend, reactivate, (soft) delete, change plan,
 * end their sessions, clear their rate limits, impersonate. Each is audited
 * with actor, target, address and before/after (admin/admin-action.ts) and
 * the runtime is told when what it runs changes.
 */
import { Router } from 'express';
import { RateLimiterRedis } from 'rate-limiter-flexible';
import { z } from 'zod';
import { ImpersonationRefusedError } from '../../../errors/registry.ts';
import { actorOf, adminAction, revokeAllSessions } from '../../admin/admin-action.ts';
import { changeUserPlan, setUserStatus, STATUS_VERBS } from '../../admin/user-actions.ts';
import type { ApiContext } from '../../api-context.ts';
import { authOf, requireSession } from '../../auth/authenticate.ts';
import { parseBody, parseParams } from '../../http/validate.ts';
import { mountRoute } from '../../openapi/mount-route.ts';
import { errorResponse } from '../../openapi/standard-errors.ts';
import { loginLockout } from '../../rate-limit/login-lockout.ts';
import { adminUserSchema, adminUserView, subscriptionRowSchema, subscriptionRowView } from '../../schemas/admin-schemas.ts';
import { idParamsSchema, timestampSchema } from '../../schemas/common-schemas.ts';
import { TIER_NAMES } from '../../schemas/plan-schemas.ts';
import { tellRuntime } from '../../tell-runtime.ts';
import type { Guards } from '../guards.ts';

const TAGS = ['admin'];
const notFound = errorResponse('`user_not_found`');

const planBodySchema = z.strictObject({
  plan: z.enum(TIER_NAMES),
  expiresAt: timestampSchema.nullable().optional().describe('When the plan lapses back to Free; omitted or null: never'),
});

const planChangeSchema = z.object({
  user: adminUserSchema,
  subscription: subscriptionRowSchema,
  pausedPairIds: z.array(z.uuid()).describe('Pairs paused because the new plan allows fewer'),
  pausedAccounts: z.array(z.object({ id: z.uuid(), platform: z.enum(['telegram', 'discord']) })),
});

const impersonationSchema = z.object({
  accessToken: z.string().describe('Acts as the user; carries the admin as `act.sub`; not refreshable'),
  tokenType: z.literal('Bearer'),
  expiresIn: z.number().int().positive(),
  userId: z.uuid(),
  impersonatorId: z.uuid(),
});

/** The per-user API limiter's key prefix, as rate-limit/plan-rate-limit.ts names it. */
const API_USER_LIMITER_PREFIX = 'rl:api-user';

export function adminUserActionsRouter(ctx: ApiContext, guard: Guards): Router {
  const router = Router();
  const now = () => new Date(ctx.now());

  for (const verb of STATUS_VERBS) {
    mountRoute(router, ctx.doc, {
      method: 'post', path: `/v1/admin/users/{id}/${verb.verb}`, summary: verb.summary, tags: TAGS, auth: 'admin',
      params: idParamsSchema,
      responses: {
        200: { description: 'The user as it is now', schema: adminUserSchema },
        404: notFound,
        409: errorResponse('`account_state_conflict` (a deleted user) or `admin_self_action`'),
      },
    }, ...guard.admin('write'), async (req, res) => {
      const { id } = parseParams(idParamsSchema, req);
      res.json(adminUserView((await setUserStatus(ctx, actorOf(req), id, verb)).user));
    });
  }

  mountRoute(router, ctx.doc, {
    method: 'delete', path: '/v1/admin/users/{id}', summary: 'Delete a user softly: status deleted, sessions ended, actors stopped, data kept', tags: TAGS, auth: 'admin',
    params: idParamsSchema,
    responses: { 200: { description: 'The user as it is now', schema: adminUserSchema }, 404: notFound, 409: errorResponse('`admin_self_action`') },
  }, ...guard.admin('write'), async (req, res) => {
    const { id } = parseParams(idParamsSchema, req);
    const user = await adminAction(ctx, actorOf(req), id, { action: 'admin.user_deleted', notOnSelf: 'delete' }, async (em, u) => {
      const before = { status: u.status, deletedAt: u.deletedAt?.toISOString() ?? null };
      const at = now();
      u.status = 'deleted';
      u.deletedAt ??= at;
      const sessionsRevoked = await revokeAllSessions(em, u, at, 'account_deleted');
      return { before, after: { status: u.status, deletedAt: u.deletedAt.toISOString(), sessionsRevoked }, result: u };
    });
    await tellRuntime(ctx, [{ kind: 'user', id, userId: id, action: 'delete' }]);
    res.json(adminUserView(user));
  });

  mountRoute(router, ctx.doc, {
    method: 'put', path: '/v1/admin/users/{id}/plan', summary: 'Change a user\'s plan, with an optional expiry', tags: TAGS, auth: 'admin',
    params: idParamsSchema, body: planBodySchema,
    responses: { 200: { description: 'The new subscription, and what the new limits paused', schema: planChangeSchema }, 404: notFound },
  }, ...guard.admin('write'), async (req, res) => {
    const { id } = parseParams(idParamsSchema, req);
    const body = parseBody(planBodySchema, req);
    const expiresAt = body.expiresAt === undefined || body.expiresAt === null ? null : new Date(body.expiresAt);
    const { change, user, subscription } = await changeUserPlan(ctx, actorOf(req), id, body.plan, expiresAt);
    res.json({
      user: adminUserView(user),
      subscription: subscriptionRowView(subscription),
      pausedPairIds: change.paused.pausePairs,
      pausedAccounts: change.paused.pauseAccounts,
    });
  });

  mountRoute(router, ctx.doc, {
    method: 'post', path: '/v1/admin/users/{id}/revoke-sessions', summary: 'End every sign-in of a user; their access tokens stop working at once', tags: TAGS, auth: 'admin',
    params: idParamsSchema,
    responses: { 200: { description: 'How many sessions were open', schema: z.object({ revoked: z.number().int().nonnegative() }) }, 404: notFound },
  }, ...guard.admin('write'), async (req, res) => {
    const { id } = parseParams(idParamsSchema, req);
    const revoked = await adminAction(ctx, actorOf(req), id, { action: 'admin.sessions_revoked' }, async (em, u) => {
      const before = { tokensNotBefore: u.tokensNotBefore?.toISOString() ?? null };
      const count = await revokeAllSessions(em, u, now(), 'admin_revoked');
      return { before, after: { tokensNotBefore: u.tokensNotBefore?.toISOString() ?? null, sessionsRevoked: count }, result: count };
    });
    res.json({ revoked });
  });

  mountRoute(router, ctx.doc, {
    method: 'delete', path: '/v1/admin/users/{id}/rate-limits', summary: 'Clear a user\'s API rate limit and sign-in lock-out', tags: TAGS, auth: 'admin',
    params: idParamsSchema,
    responses: { 204: { description: 'Cleared' }, 404: notFound },
  }, ...guard.admin('write'), async (req, res) => {
    const { id } = parseParams(idParamsSchema, req);
    await adminAction(ctx, actorOf(req), id, { action: 'admin.rate_limits_cleared' }, async (_em, u) => {
      const apiLimiter = new RateLimiterRedis({ storeClient: ctx.redis, keyPrefix: API_USER_LIMITER_PREFIX, points: 1, duration: 60 });
      await Promise.all([apiLimiter.delete(u.id), loginLockout(ctx).reset(u.email)]);
      return { before: null, after: { cleared: ['api_user', 'login_account'] }, result: null };
    });
    res.status(204).end();
  });

  mountRoute(router, ctx.doc, {
    method: 'post', path: '/v1/admin/users/{id}/impersonate', summary: 'Get an access token acting as a user (never an admin)', tags: TAGS, auth: 'admin',
    params: idParamsSchema,
    responses: {
      200: { description: 'A short-lived access token marked with you as impersonator', schema: impersonationSchema },
      403: errorResponse('`impersonation_refused` (an admin, an inactive user), `session_required` (API keys cannot), or the usual `forbidden_role`'),
      404: notFound,
    },
  }, ...guard.admin('write'), requireSession(), async (req, res) => {
    const { id } = parseParams(idParamsSchema, req);
    const admin = authOf(req).userId;
    const user = await adminAction(ctx, actorOf(req), id, { action: 'admin.impersonation_started' }, async (_em, u) => {
      if (u.role === 'admin') throw new ImpersonationRefusedError({ reason: 'target_is_admin' });
      if (u.status !== 'active') throw new ImpersonationRefusedError({ reason: 'target_inactive' });
      return { before: null, after: { impersonatorId: admin, expiresIn: ctx.accessTokens.ttlSeconds }, result: u };
    });
    res.json({
      accessToken: ctx.accessTokens.issue({ userId: user.id, role: user.role, impersonatorId: admin }),
      tokenType: 'Bearer',
      expiresIn: ctx.accessTokens.ttlSeconds,
      userId: user.id,
      impersonatorId: admin,
    });
  });

  return router;
}

