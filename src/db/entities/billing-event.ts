/**
 * `billing_events`: every provider event (webhook) processed, by the
 * provider's event id, written in the same transaction as the change it
 * made: a second delivery of the same event finds its row and changes nothing.
 */
import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { createdAt, uuidPrimaryKey } from './common-properties.ts';
import { BILLING_PROVIDERS } from './user-subscription.ts';
import { User } from './user.ts';

export const BillingEvent = defineEntity({
  name: 'BillingEvent',
  tableName: 'billing_events',
  properties: {
    id: uuidPrimaryKey(),
    provider: p.enum(BILLING_PROVIDERS),
    /** The provider's event id (Stripe `evt_…`, PayPal `WH-…`, NOWPayments payment id and status). */
    eventId: p.text(),
    /** The provider's event type, e.g. `invoice.paid`. */
    eventType: p.text(),
    user: () => p.manyToOne(User).ref().nullable().deleteRule('set null').index('billing_events_user_id_index'),
    /** What it did: the transition applied, or why it changed nothing (`ignored:older_period`...). */
    outcome: p.text(),
    createdAt: createdAt(),
  },
  uniques: [{ name: 'billing_events_provider_event_id_unique', properties: ['provider', 'eventId'] }],
});

export type IBillingEvent = InferEntity<typeof BillingEvent>;
