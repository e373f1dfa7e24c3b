/** `payments`: what a payment provider reported, kept raw for reconciliation. */
import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { createdAt, optionalTimestamp, updatedAt, uuidPrimaryKey } from './common-properties.ts';
import { SubscriptionPlan } from './subscription-plan.ts';
import { User } from './user.ts';

export const PAYMENT_STATUSES = ['pending', 'succeeded', 'failed', 'refunded'] as const;
export type PaymentStatus = (typeof PAYMENT_STATUSES)[number];

export const Payment = defineEntity({
  name: 'Payment',
  tableName: 'payments',
  properties: {
    id: uuidPrimaryKey(),
    user: () => p.manyToOne(User).ref().deleteRule('cascade').index('payments_user_id_index'),
    /** e.g. `stripe`. */
    provider: p.text(),
    /** The provider's payment id. */
    externalId: p.text(),
    amountCents: p.integer(),
    /** ISO 4217, lower-case as most providers send it. */
    currency: p.text(),
    status: p.enum(PAYMENT_STATUSES),
    plan: () => p.manyToOne(SubscriptionPlan).ref().nullable().deleteRule('set null'),
    paidAt: optionalTimestamp(),
    /** The provider's payload as received. */
    raw: p.json<Record<string, unknown>>().nullable(),
    createdAt: createdAt().index('payments_created_at_index'),
    updatedAt: updatedAt(),
  },
  uniques: [{ name: 'payments_provider_external_id_unique', properties: ['provider', 'externalId'] }],
});

export type IPayment = InferEntity<typeof Payment>;
