/**
 * A payment provider's event in a provider-neutral shape. The Stripe,
 * PayPal and NOWPayments adapters verify a webhook and turn it into one of
 * these; the subscription state machine (subscription-transition.ts) only
 * ever sees this shape.
 */
import type { BillingCycle, BillingProvider } from '../../db/entities/user-subscription.ts';
import type { Tier } from '../plans/plan-types.ts';

/** A payment, refund or failed charge as it goes into the `payments` table. */
export interface PaymentFact {
  /** The provider's id of what was paid, refunded or failed; unique per provider. */
  externalId: string;
  amountCents: number;
  /** ISO 4217, lower-case. */
  currency: string;
  status: 'succeeded' | 'failed' | 'refunded';
  plan: Tier | null;
  at: Date;
  /** What the provider sent that an operator may need later (ids, reasons). */
  raw: Record<string, unknown>;
}

interface EventBase {
  provider: BillingProvider;
  /** The provider's event id: a second event with the same id is a duplicate. */
  eventId: string;
  /** The provider's own name for it, e.g. `invoice.paid`. */
  eventType: string;
  /** When the provider says it happened (Stripe's `created`). */
  occurredAt: Date;
}

/** The provider's subscription as it stands (checkout completed, subscription updated). */
export interface SubscriptionStateEvent extends EventBase {
  kind: 'subscription_state';
  externalRef: string;
  plan: Tier;
  period: BillingCycle | null;
  /** The period the provider is in now; paid for when the subscription is `active`. */
  periodStart: Date | null;
  periodEnd: Date | null;
  cancelAtPeriodEnd: boolean;
  status: 'active' | 'past_due' | 'canceled' | 'incomplete';
  /** May this event start the subscription here (a completed checkout), or only change one we have? */
  opening: boolean;
}

/** A period was paid for (a first payment or a renewal). */
export interface PeriodPaidEvent extends EventBase {
  kind: 'period_paid';
  externalRef: string;
  plan: Tier;
  period: BillingCycle | null;
  periodStart: Date;
  periodEnd: Date;
  /**
   * A prepaid period (NOWPayments: one payment, no renewal): it starts where
   * the paid time ends, so paying early loses nothing, and runs `period`;
   * `periodStart`/`periodEnd` are then only the provider's times. Default: none.
   */
  prepaid?: BillingCycle;
  payment: PaymentFact;
}

/** A charge failed; the provider will usually retry. */
export interface PaymentFailedEvent extends EventBase {
  kind: 'payment_failed';
  externalRef: string;
  /** End of the period the failed charge was for, when known. */
  periodEnd: Date | null;
  payment: PaymentFact;
}

/** The provider ended the subscription: nothing more will be charged. */
export interface SubscriptionEndedEvent extends EventBase {
  kind: 'subscription_ended';
  externalRef: string;
}

/** A payment to record that changes no subscription: a refund, an abandoned one-off payment. */
export interface PaymentRecordedEvent extends EventBase {
  kind: 'payment_recorded';
  payment: PaymentFact;
}

/** An event the service does not act on (recorded so a retry is acknowledged the same way). */
export interface UnhandledEvent extends EventBase {
  kind: 'unhandled';
}

export type BillingEventFact =
  | SubscriptionStateEvent | PeriodPaidEvent | PaymentFailedEvent | SubscriptionEndedEvent | PaymentRecordedEvent | UnhandledEvent;

/** The payment an event carries, if any. */
export function paymentOf(event: BillingEventFact): PaymentFact | null {
  return 'payment' in event ? event.payment : null;
}

/** The provider subscription an event is about, if any. */
export function externalRefOf(event: BillingEventFact): string | null {
  return 'externalRef' in event ? event.externalRef : null;
}
