/**
 * The signed-in user's resources (account, plan, usage, linked accounts,
 * pairs) and the admin routes, built around one set of guards so the rate
 * limiter and the usage counter are shared by all of them.
 */
import type { Router } from 'express';
import type { ApiContext } from '../api-context.ts';
import { adminRouters } from './admin/index.ts';
import { billingRouter } from './billing.ts';
import { chatLinksRouter } from './chat-links.ts';
import { discordAccountsRouter } from './discord-accounts.ts';
import { guards } from './guards.ts';
import { meRouter } from './me.ts';
import { pairsRouter } from './pairs.ts';
import { plansRouter } from './plans.ts';
import { telegramAccountsRouter } from './telegram-accounts.ts';
import { telegramLoginRouter } from './telegram-login.ts';
import { usageRouter } from './usage.ts';

export function resourceRouters(ctx: ApiContext): Router[] {
  const guard = guards(ctx);
  return [
    meRouter(ctx, guard),
    chatLinksRouter(ctx, guard),
    plansRouter(ctx, guard),
    billingRouter(ctx, guard),
    usageRouter(ctx, guard),
    discordAccountsRouter(ctx, guard),
    telegramLoginRouter(ctx, guard),
    telegramAccountsRouter(ctx, guard),
    pairsRouter(ctx, guard),
    ...adminRouters(ctx, guard),
  ];
}
