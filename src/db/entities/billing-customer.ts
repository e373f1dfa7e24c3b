/**
 * `billing_customers`: a user's customer at a payment provider (a Stripe
 * `cus_…`), made before the first checkout, so every later webhook about
 * that customer finds its user whatever order the events arrive in.
 */
import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { createdAt, uuidPrimaryKey } from './common-properties.ts';
import { BILLING_PROVIDERS } from './user-subscription.ts';
import { User } from './user.ts';

export const BillingCustomer = defineEntity({
  name: 'BillingCustomer',
  tableName: 'billing_customers',
  properties: {
    id: uuidPrimaryKey(),
    user: () => p.manyToOne(User).ref().deleteRule('cascade'),
    provider: p.enum(BILLING_PROVIDERS),
    /** The provider's customer id. */
    customerId: p.text(),
    createdAt: createdAt(),
  },
  uniques: [
    { name: 'billing_customers_provider_customer_id_unique', properties: ['provider', 'customerId'] },
    { name: 'billing_customers_user_id_provider_unique', properties: ['user', 'provider'] },
  ],
});

export type IBillingCustomer = InferEntity<typeof BillingCustomer>;
