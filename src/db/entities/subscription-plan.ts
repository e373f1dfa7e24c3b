/**
 * `subscription_plans`: Free, Pro and Elite, upserted from `config/plans.ts`
 * on every start by `seed-plans.ts`, so the config file is the source of truth.
 */
import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import type { PlanFeatures, PlanLimits, PlanRateLimits, Tier } from '../../domain/plans/plan-types.ts';
import { createdAt, updatedAt, uuidPrimaryKey } from './common-properties.ts';

export const PLAN_TIERS = ['free', 'pro', 'elite'] as const satisfies readonly Tier[];
export const BILLING_PERIODS = ['monthly'] as const;

export const SubscriptionPlan = defineEntity({
  name: 'SubscriptionPlan',
  tableName: 'subscription_plans',
  properties: {
    id: uuidPrimaryKey(),
    /** `free`, `pro` or `elite`; what subscriptions and the plan rules refer to. */
    name: p.enum(PLAN_TIERS).unique('subscription_plans_name_unique'),
    displayName: p.text(),
    description: p.text(),
    priceCents: p.integer(),
    /** `monthly`, or null for a plan that is never billed. */
    billingPeriod: p.enum(BILLING_PERIODS).nullable(),
    tier: p.enum(PLAN_TIERS),
    limits: p.json<PlanLimits>(),
    features: p.json<PlanFeatures>(),
    rateLimits: p.json<PlanRateLimits>(),
    /** Default true; a retired plan keeps its subscribers but is not sold. */
    isActive: p.boolean().default(true),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  checks: [{ name: 'subscription_plans_price_cents_check', expression: 'price_cents >= 0' }],
});

export type ISubscriptionPlan = InferEntity<typeof SubscriptionPlan>;
