/**
 * Admin actions on a user: suspend, reactivate, (soft) delete, change plan,
 * end their sessions, clear their rate limits, impersonate. Each is audited
 * with actor, target, address and before/after (admin/admin-action.ts) and
 * the runtime is told when what it runs changes.
 */
import { Router } from 'express';
import { RateLimiterRedis } from 'rate-limiter-flexible';
import { z } from 'zod';
import type { IUser } from '../../../db/entities/user.ts';
import { UserSubscription } from '../../../db/entities/user-subscription.ts';
import { AccountStateConflictError, ImpersonationRefusedError, ValidationFailedError } from '../../../errors/registry.ts';
import { adminAction, revokeAllSessions } from '../../admin/admin-action.ts';
import type { ApiContext, RuntimeChange } from '../../api-context.ts';
import { authOf, requireSession } from '../../auth/authenticate.ts';
import { parseBody, parseParams } from '../../http/validate.ts';
import { mountRoute } from '../../openapi/mount-route.ts';
import { errorResponse } from '../../openapi/standard-errors.ts';
import { loginLockout } from '../../rate-limit/login-lockout.ts';
import { adminUserSchema, adminUserView, subscriptionRowSchema, subscriptionRowView } from '../../schemas/admin-schemas.ts';
import { idParamsSchema, timestampSchema } from '../../schemas/common-schemas.ts';
import { TIER_NAMES } from '../../schemas/plan-schemas.ts';
import { planSwitchChanges, switchPlan } from '../../subscriptions/switch-plan.ts';
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

type StatusVerb = { path: string; summary: string; action: string; to: IUser['status']; runtime: RuntimeChange['action']; notOnSelf?: string };

const STATUS_VERBS: StatusVerb[] = [
  { path: 'suspend', summary: 'Suspend a user: they cannot sign in, nothing of theirs runs, data kept', action: 'admin.user_suspended', to: 'suspended', runtime: 'pause', notOnSelf: 'suspend' },
  { path: 'reactivate', summary: 'Reactivate a suspended user', action: 'admin.user_reactivated', to: 'active', runtime: 'resume' },
];

export function adminUserActionsRouter(ctx: ApiContext, guard: Guards): Router {
  const router = Router();
  const now = () => new Date(ctx.now());

  const userAfter = async (id: string, change: RuntimeChange['action'] | null, user: IUser) => {
    if (change !== null) await tellRuntime(ctx, [{ kind: 'user', id, userId: id, action: change }]);
    return adminUserView(user);
  };

  for (const verb of STATUS_VERBS) {
    mountRoute(router, ctx.doc, {
      method: 'post', path: `/v1/admin/users/{id}/${verb.path}`, summary: verb.summary, tags: TAGS, auth: 'admin',
      params: idParamsSchema,
      responses: {
        200: { description: 'The user as it is now', schema: adminUserSchema },
        404: notFound,
        409: errorResponse('`account_state_conflict` (a deleted user) or `admin_self_action`'),
      },
    }, ...guard.admin('write'), async (req, res) => {
      const { id } = parseParams(idParamsSchema, req);
      const { user, changed } = await adminAction(ctx, req, id, { action: verb.action, ...(verb.notOnSelf ? { notOnSelf: verb.notOnSelf } : {}) }, async (_em, u) => {
        if (u.status === 'deleted') throw new AccountStateConflictError({ accountId: id, status: u.status, requested: verb.to });
        const before = { status: u.status };
        u.status = verb.to;
        return { before, after: { status: u.status }, result: { user: u, changed: before.status !== verb.to } };
      });
      res.json(await userAfter(id, changed ? verb.runtime : null, user));
    });
  }

  mountRoute(router, ctx.doc, {
    method: 'delete', path: '/v1/admin/users/{id}', summary: 'Delete a user softly: status deleted, sessions ended, actors stopped, data kept', tags: TAGS, auth: 'admin',
    params: idParamsSchema,
    responses: { 200: { description: 'The user as it is now', schema: adminUserSchema }, 404: notFound, 409: errorResponse('`admin_self_action`') },
  }, ...guard.admin('write'), async (req, res) => {
    const { id } = parseParams(idParamsSchema, req);
    const user = await adminAction(ctx, req, id, { action: 'admin.user_deleted', notOnSelf: 'delete' }, async (em, u) => {
      const before = { status: u.status, deletedAt: u.deletedAt?.toISOString() ?? null };
      const at = now();
      u.status = 'deleted';
      u.deletedAt ??= at;
      const sessionsRevoked = await revokeAllSessions(em, u, at, 'account_deleted');
      return { before, after: { status: u.status, deletedAt: u.deletedAt.toISOString(), sessionsRevoked }, result: u };
    });
    res.json(await userAfter(id, 'delete', user));
  });

  mountRoute(router, ctx.doc, {
    method: 'put', path: '/v1/admin/users/{id}/plan', summary: 'Change a user\'s plan, with an optional expiry', tags: TAGS, auth: 'admin',
    params: idParamsSchema, body: planBodySchema,
    responses: { 200: { description: 'The new subscription, and what the new limits paused', schema: planChangeSchema }, 404: notFound },
  }, ...guard.admin('write'), async (req, res) => {
    const { id } = parseParams(idParamsSchema, req);
    const body = parseBody(planBodySchema, req);
    const at = now();
    const expiresAt = body.expiresAt === undefined || body.expiresAt === null ? null : new Date(body.expiresAt);
    if (expiresAt !== null && expiresAt.getTime() <= at.getTime()) {
      throw new ValidationFailedError({ details: [{ path: 'expiresAt', message: 'Must be in the future' }] });
    }
    const { change, user, subscription } = await adminAction(ctx, req, id, { action: 'admin.plan_changed' }, async (em, u) => {
      const switched = await switchPlan(em, { user: u, toPlan: body.plan, expiresAt, closeAs: 'cancelled', now: at });
      const row = await em.findOneOrFail(UserSubscription, { user: id, status: 'active' }, { populate: ['plan'] });
      return {
        before: { plan: switched.fromPlan, role: switched.roleBefore },
        after: {
          plan: switched.toPlan, role: switched.roleAfter, expiresAt: expiresAt?.toISOString() ?? null,
          pausedPairs: switched.paused.pausePairs, pausedAccounts: switched.paused.pauseAccounts,
        },
        result: { change: switched, user: u, subscription: row },
      };
    });
    await tellRuntime(ctx, planSwitchChanges(change));
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
    const revoked = await adminAction(ctx, req, id, { action: 'admin.sessions_revoked' }, async (em, u) => {
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
    await adminAction(ctx, req, id, { action: 'admin.rate_limits_cleared' }, async (_em, u) => {
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
    const user = await adminAction(ctx, req, id, { action: 'admin.impersonation_started' }, async (_em, u) => {
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

