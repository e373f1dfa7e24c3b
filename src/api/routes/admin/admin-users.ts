/** `GET /v1/admin/users` and `GET /v1/admin/users/{id}`: find users and see everything about one. */
import { Router } from 'express';
import { z } from 'zod';
import { DiscordAccount } from '../../../db/entities/discord-account.ts';
import { ForwardingPair } from '../../../db/entities/forwarding-pair.ts';
import { RefreshTokenFamily } from '../../../db/entities/refresh-token-family.ts';
import { TelegramAccount } from '../../../db/entities/telegram-account.ts';
import { User, USER_ROLES, USER_STATUSES } from '../../../db/entities/user.ts';
import { UserSubscription } from '../../../db/entities/user-subscription.ts';
import { UserNotFoundError } from '../../../errors/registry.ts';
import { listUsers } from '../../admin/user-directory.ts';
import type { ApiContext } from '../../api-context.ts';
import { planOf } from '../../auth/user-plan.ts';
import { parseParams, parseQuery } from '../../http/validate.ts';
import { mountRoute } from '../../openapi/mount-route.ts';
import { errorResponse } from '../../openapi/standard-errors.ts';
import { discordAccountView, telegramAccountView } from '../../schemas/account-schemas.ts';
import {
  adminUserDetailSchema, adminUserRowSchema, adminUserView, authSessionView, subscriptionRowView,
} from '../../schemas/admin-schemas.ts';
import { idParamsSchema, iso, isoOrNull, pageOf, pageQuery } from '../../schemas/common-schemas.ts';
import { pairView } from '../../schemas/pair-schemas.ts';
import { TIER_NAMES } from '../../schemas/plan-schemas.ts';
import { usageReport } from '../../usage/usage-report.ts';
import { loadUserUsage } from '../../usage/user-usage.ts';
import type { Guards } from '../guards.ts';

const listQuerySchema = z.object({
  email: z.string().min(1).max(254).optional().describe('Part of the email address, case-insensitive'),
  plan: z.enum(TIER_NAMES).optional().describe('The plan in force now'),
  role: z.enum(USER_ROLES).optional(),
  status: z.enum(USER_STATUSES).optional(),
  ...pageQuery(100, 20),
});

const TAGS = ['admin'];

export function adminUsersRouter(ctx: ApiContext, guard: Guards): Router {
  const router = Router();

  mountRoute(router, ctx.doc, {
    method: 'get', path: '/v1/admin/users', summary: 'Find users by email, plan, role and status', tags: TAGS, auth: 'admin',
    query: listQuerySchema,
    responses: { 200: { description: 'Newest first, with plan and this period\'s usage', schema: pageOf(adminUserRowSchema) } },
  }, ...guard.admin('read'), async (req, res) => {
    const query = parseQuery(listQuerySchema, req);
    const { rows, total } = await listUsers(ctx, ctx.orm.em.fork(), query, new Date(ctx.now()));
    res.json({
      items: rows.map((r) => ({
        id: r.id,
        email: r.email,
        role: r.role,
        status: r.status,
        plan: r.plan,
        createdAt: iso(r.createdAt),
        lastLoginAt: isoOrNull(r.lastLoginAt),
        usage: { pairs: r.pairs, sessions: r.sessions, messagesForwarded: r.counters.messages, apiCalls: r.counters.api_calls },
      })),
      total,
      limit: query.limit,
      offset: query.offset,
    });
  });

  mountRoute(router, ctx.doc, {
    method: 'get', path: '/v1/admin/users/{id}', summary: 'A user with subscription, usage, accounts, pairs and sessions', tags: TAGS, auth: 'admin',
    params: idParamsSchema,
    responses: { 200: { description: 'The user', schema: adminUserDetailSchema }, 404: errorResponse('`user_not_found`') },
  }, ...guard.admin('read'), async (req, res) => {
    const { id } = parseParams(idParamsSchema, req);
    const em = ctx.orm.em.fork();
    const user = await em.findOne(User, { id });
    if (user === null) throw new UserNotFoundError({ userId: id });
    const byAge = { orderBy: { createdAt: 'asc' as const, id: 'asc' as const } };
    const [plan, usage, subscriptions, discord, telegram, pairs, sessions] = await Promise.all([
      planOf(em, id, new Date(ctx.now())),
      loadUserUsage(ctx, em, user),
      em.find(UserSubscription, { user: id }, { populate: ['plan'], orderBy: { createdAt: 'desc', id: 'desc' } }),
      em.find(DiscordAccount, { user: id }, byAge),
      em.find(TelegramAccount, { user: id }, byAge),
      em.find(ForwardingPair, { user: id }, byAge),
      em.find(RefreshTokenFamily, { user: id }, { orderBy: { createdAt: 'desc', id: 'desc' } }),
    ]);
    res.json({
      user: adminUserView(user),
      plan: plan.name,
      subscriptions: subscriptions.map(subscriptionRowView),
      usage: usageReport(plan, usage).figures,
      discordAccounts: discord.map(discordAccountView),
      telegramAccounts: telegram.map(telegramAccountView),
      pairs: pairs.map(pairView),
      sessions: sessions.map(authSessionView),
    });
  });

  return router;
}
