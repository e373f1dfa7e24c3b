/**
 * `user_subscriptions`: the history of a user's plans. At most one row per
 * user is current (`active` or `trial`), enforced by a partial unique index.
 */
import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { createdAt, optionalTimestamp, updatedAt, uuidPrimaryKey } from './common-properties.ts';
import { SubscriptionPlan } from './subscription-plan.ts';
import { User } from './user.ts';

/** Payment providers a subscription can be paid through. */
export const BILLING_PROVIDERS = ['stripe', 'paypal', 'nowpayments'] as const;
export type BillingProvider = (typeof BILLING_PROVIDERS)[number];

/** The provider's view of a paid subscription: paid up, a payment failed (in grace), or ended. */
export const BILLING_STATUSES = ['active', 'past_due', 'canceled'] as const;
export type BillingStatus = (typeof BILLING_STATUSES)[number];

/** How often a paid plan is charged. */
export const BILLING_CYCLES = ['monthly', 'yearly'] as const;
export type BillingCycle = (typeof BILLING_CYCLES)[number];

export const SUBSCRIPTION_STATUSES = ['active', 'trial', 'cancelled', 'expired'] as const;
export type SubscriptionStatus = (typeof SUBSCRIPTION_STATUSES)[number];

/** Statuses that count as "the user's current plan"; the partial unique index covers exactly these. */
export const CURRENT_SUBSCRIPTION_STATUSES = ['active', 'trial'] as const satisfies readonly SubscriptionStatus[];

export const UserSubscription = defineEntity({
  name: 'UserSubscription',
  tableName: 'user_subscriptions',
  properties: {
    id: uuidPrimaryKey(),
    user: () => p.manyToOne(User).ref().deleteRule('cascade').index('user_subscriptions_user_id_index'),
    /** Plans are never deleted while subscribed to (restrict). */
    plan: () => p.manyToOne(SubscriptionPlan).ref().deleteRule('restrict'),
    status: p.enum(SUBSCRIPTION_STATUSES),
    startedAt: p.datetime(),
    /** Null: never expires (Free, or an admin grant). */
    expiresAt: optionalTimestamp(),
    cancelledAt: optionalTimestamp(),
    currentPeriodStart: optionalTimestamp(),
    currentPeriodEnd: optionalTimestamp(),
    /** Payment provider's subscription id, if any. */
    externalRef: p.text().nullable(),
    /** Who is paid for it; null for Free and for a plan an admin set. */
    provider: p.enum(BILLING_PROVIDERS).nullable(),
    /** The provider's state of the subscription; null when no provider is involved. */
    billingStatus: p.enum(BILLING_STATUSES).nullable(),
    billingPeriod: p.enum(BILLING_CYCLES).nullable(),
    /** The plan ends with the paid period instead of renewing. Default false. */
    cancelAtPeriodEnd: p.boolean().default(false),
    /** Set while a failed payment is outstanding: the plan moves to Free then unless paid. */
    graceUntil: optionalTimestamp(),
    /** The provider's time of the last subscription update applied; an older one arriving late is ignored. */
    providerUpdatedAt: optionalTimestamp(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  indexes: [{ name: 'user_subscriptions_provider_external_ref_index', properties: ['provider', 'externalRef'] }],
  uniques: [
    {
      name: 'user_subscriptions_one_current_unique',
      properties: ['user'],
      where: `status in (${CURRENT_SUBSCRIPTION_STATUSES.map((s) => `'${s}'`).join(', ')})`,
    },
  ],
});

export type IUserSubscription = InferEntity<typeof UserSubscription>;
