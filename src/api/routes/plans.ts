/**
 * `GET /v1/plans` (public), `GET /v1/subscription` and `GET /v1/upgrade`:
 * what is sold, what the caller has (and how it is paid), and what they
 * could move to, with a checkout link per plan when Stripe is configured.
 */
import { Router } from 'express';
import { z } from 'zod';
import { PLANS } from '../../../config/plans.ts';
import {
  BILLING_CYCLES, BILLING_PROVIDERS, BILLING_STATUSES, CURRENT_SUBSCRIPTION_STATUSES, SUBSCRIPTION_STATUSES, UserSubscription,
} from '../../db/entities/user-subscription.ts';
import { effectivePlan } from '../../domain/plans/effective-plan.ts';
import { TIERS_BY_PRIORITY } from '../../domain/plans/plan-types.ts';
import { upgradeOptions } from '../../domain/plans/plan-upgrades.ts';
import { upgradePayment } from '../billing/upgrade-links.ts';
import { upgradeLinkSchema } from './billing.ts';
import type { ApiContext } from '../api-context.ts';
import { authOf } from '../auth/authenticate.ts';
import { requestPlan } from '../auth/user-plan.ts';
import { isoOrNull, timestampSchema } from '../schemas/common-schemas.ts';
import { planSchema, planView, TIER_NAMES } from '../schemas/plan-schemas.ts';
import type { Guards } from './guards.ts';
import { mountRoute } from '../openapi/mount-route.ts';

const TAGS = ['plans'];

const subscriptionSchema = z.object({
  plan: planSchema.describe('The plan in force now, with its limits and features'),
  status: z.enum(SUBSCRIPTION_STATUSES).describe('`expired` as soon as the expiry passes, even before the expiry job has run'),
  startedAt: timestampSchema.nullable().describe('Null for an account that never had a subscription row (Free)'),
  expiresAt: timestampSchema.nullable().describe('Null: never expires'),
  subscribedPlan: z.enum(TIER_NAMES).describe('The plan of the subscription row; differs from `plan.name` once it lapsed'),
  billing: z.object({
    provider: z.enum(BILLING_PROVIDERS),
    status: z.enum(BILLING_STATUSES).describe('`past_due`: a payment failed; the plan is kept until `graceUntil`'),
    period: z.enum(BILLING_CYCLES).nullable(),
    renewsAt: timestampSchema.nullable().describe('End of the paid period, when the plan renews; null when it will not'),
    paidThrough: timestampSchema.nullable(),
    cancelAtPeriodEnd: z.boolean(),
    graceUntil: timestampSchema.nullable(),
  }).nullable().describe('How the plan is paid; null for Free and for a plan an administrator set'),
});

const upgradeSchema = z.object({
  currentPlan: z.enum(TIER_NAMES),
  options: z.array(z.object({
    plan: planSchema,
    gains: z.object({
      limits: z.array(z.object({ limit: z.string(), from: z.number().int().nullable(), to: z.number().int().nullable() }))
        .describe('Limits that grow (`null`: unlimited)'),
      features: z.array(z.string()).describe('Features the current plan lacks'),
    }),
  })).describe('Plans above the current one, cheapest first'),
  payment: z.object({
    available: z.boolean().describe('Whether plans can be bought online here'),
    message: z.string(),
    checkout: z.array(upgradeLinkSchema).describe('A checkout link per plan above yours (monthly when sold)'),
  }),
});

export function plansRouter(ctx: ApiContext, guard: Guards): Router {
  const router = Router();

  mountRoute(router, ctx.doc, {
    method: 'get', path: '/v1/plans', summary: 'The plans on offer', tags: TAGS, auth: 'none',
    responses: { 200: { description: 'Free, Pro and Elite', schema: z.object({ items: z.array(planSchema) }) } },
  }, (_req, res) => {
    res.json({ items: [...TIERS_BY_PRIORITY].reverse().map((t) => planView(PLANS[t])) });
  });

  mountRoute(router, ctx.doc, {
    method: 'get', path: '/v1/subscription', summary: 'Your plan, its status and expiry, limits and features', tags: TAGS, auth: 'user',
    responses: { 200: { description: 'Your subscription', schema: subscriptionSchema } },
  }, ...guard.user('read'), async (req, res) => {
    const now = new Date(ctx.now());
    const row = await ctx.orm.em.fork().findOne(
      UserSubscription,
      { user: authOf(req).userId, status: { $in: [...CURRENT_SUBSCRIPTION_STATUSES] } },
      { populate: ['plan'] },
    );
    const subscribed = row?.plan.getEntity().name ?? 'free';
    const tier = row === null ? 'free' : effectivePlan({ plan: subscribed, status: row.status, expiresAt: row.expiresAt ?? null }, now);
    const lapsed = row !== null && row.expiresAt !== null && row.expiresAt !== undefined && row.expiresAt.getTime() <= now.getTime();
    res.json({
      plan: planView(PLANS[tier]),
      status: row === null ? 'active' : lapsed ? 'expired' : row.status,
      startedAt: isoOrNull(row?.startedAt),
      expiresAt: isoOrNull(row?.expiresAt),
      subscribedPlan: subscribed,
      billing: row === null || row.provider === null || row.provider === undefined ? null : {
        provider: row.provider,
        status: row.billingStatus ?? 'active',
        period: row.billingPeriod ?? null,
        renewsAt: row.cancelAtPeriodEnd || row.billingStatus === 'canceled' ? null : isoOrNull(row.currentPeriodEnd),
        paidThrough: isoOrNull(row.currentPeriodEnd),
        cancelAtPeriodEnd: row.cancelAtPeriodEnd,
        graceUntil: isoOrNull(row.graceUntil),
      },
    });
  });

  mountRoute(router, ctx.doc, {
    method: 'get', path: '/v1/upgrade', summary: 'What you could upgrade to, and how', tags: TAGS, auth: 'user',
    responses: { 200: { description: 'Upgrade options from your current plan', schema: upgradeSchema } },
  }, ...guard.user('read'), async (req, res) => {
    const current = await requestPlan(ctx, req);
    const upgrades = upgradeOptions(current);
    const options = upgrades.map((o) => ({ plan: planView(o.plan), gains: { limits: o.limits, features: o.features } }));
    const payment = await upgradePayment(ctx, authOf(req).userId, upgrades.map((o) => o.plan.tier));
    res.json({
      currentPlan: current.name, options,
      payment: { ...payment, checkout: payment.checkout.map((l) => ({ ...l, expiresAt: l.expiresAt.toISOString() })) },
    });
  });

  return router;
}
