/**
 * `user_subscriptions`: the history of a user's plans. At most one row per
 * user is current (`active` or `trial`), enforced by a partial unique index.
 */
import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { createdAt, optionalTimestamp, updatedAt, uuidPrimaryKey } from './common-properties.ts';
import { SubscriptionPlan } from './subscription-plan.ts';
import { User } from './user.ts';

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
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  uniques: [
    {
      name: 'user_subscriptions_one_current_unique',
      properties: ['user'],
      where: `status in (${CURRENT_SUBSCRIPTION_STATUSES.map((s) => `'${s}'`).join(', ')})`,
    },
  ],
});

export type IUserSubscription = InferEntity<typeof UserSubscription>;
