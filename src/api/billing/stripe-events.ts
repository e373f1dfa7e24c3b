/**
 * Stripe webhooks: the signature checked on the raw body
 * (`stripe.webhooks.constructEvent`, Stripe's 5-minute tolerance against
 * the service's clock), then the event turned into the provider-neutral
 * shape the state machine reads. A completed checkout reads its
 * subscription (`subscriptions.retrieve`) for the plan and the period.
 */
import type Stripe from 'stripe';
import type { BillingEventFact, PaymentFact } from '../../domain/billing/billing-event.ts';
import type { PriceEntry } from '../../domain/billing/price-table.ts';
import { InvalidSignatureError, WebhookPayloadInvalidError } from '../../errors/registry.ts';
import { STRIPE_SIGNATURE_TOLERANCE_S, stripeFailure, type StripeGateway } from './stripe-gateway.ts';

/** A verified Stripe event, normalised, with what names its user. */
export interface StripeEventIn {
  fact: BillingEventFact;
  /** The Stripe customer (`cus_…`) it is about, when it names one. */
  customerId: string | null;
  /** The user id our checkout put in the metadata, when present. */
  metadataUserId: string | null;
}

export function verifyStripeEvent(gateway: StripeGateway, rawBody: Buffer, signature: string | undefined, nowMs: number): Stripe.Event {
  if (signature === undefined || signature === '') throw new InvalidSignatureError({ provider: 'Stripe', reason: 'no Stripe-Signature header' });
  try {
    return gateway.stripe.webhooks.constructEvent(rawBody, signature, gateway.webhookSecret, STRIPE_SIGNATURE_TOLERANCE_S, undefined, nowMs);
  } catch (err) {
    const reason = err instanceof Error ? err.message.split('\n')[0]! : 'unreadable';
    throw new InvalidSignatureError({ provider: 'Stripe', reason }, { cause: err });
  }
}

const idOf = (v: string | { id: string } | null | undefined): string | null => (v === null || v === undefined ? null : typeof v === 'string' ? v : v.id);
const at = (seconds: number): Date => new Date(seconds * 1000);

function base(event: Stripe.Event) {
  return { provider: 'stripe' as const, eventId: event.id, eventType: event.type, occurredAt: at(event.created) };
}

function priceEntry(gateway: StripeGateway, priceId: string | null, where: string): PriceEntry {
  const entry = priceId === null ? null : gateway.prices.byPriceId(priceId);
  if (entry === null) throw new WebhookPayloadInvalidError({ provider: 'Stripe', reason: `${where} is at price ${priceId ?? '(none)'}, which no STRIPE_PRICE_* names` });
  return entry;
}

/** The subscription's state: its (first) item's price and current period. */
function subscriptionState(gateway: StripeGateway, event: Stripe.Event, sub: Stripe.Subscription, opening: boolean): BillingEventFact {
  const item = sub.items.data[0];
  const entry = priceEntry(gateway, item?.price.id ?? null, `subscription ${sub.id}`);
  const status = sub.status === 'active' || sub.status === 'trialing' ? 'active'
    : sub.status === 'past_due' || sub.status === 'unpaid' ? 'past_due'
      : sub.status === 'canceled' || sub.status === 'incomplete_expired' ? 'canceled' : 'incomplete';
  return {
    ...base(event),
    kind: 'subscription_state',
    externalRef: sub.id,
    plan: entry.plan,
    period: entry.period,
    periodStart: item === undefined ? null : at(item.current_period_start),
    periodEnd: item === undefined ? null : at(item.current_period_end),
    cancelAtPeriodEnd: sub.cancel_at_period_end,
    status,
    opening,
  };
}

/** The invoice line that pays for one of our plans (the newest period, when a proration adds lines). */
function planLine(gateway: StripeGateway, invoice: Stripe.Invoice): { entry: PriceEntry; line: Stripe.InvoiceLineItem } {
  const lines = invoice.lines.data
    .map((line) => ({ line, entry: gateway.prices.byPriceId(idOf(line.pricing?.price_details?.price) ?? '') }))
    .filter((l): l is { line: Stripe.InvoiceLineItem; entry: PriceEntry } => l.entry !== null)
    .sort((a, b) => b.line.period.end - a.line.period.end || b.line.amount - a.line.amount);
  if (lines[0] === undefined) throw new WebhookPayloadInvalidError({ provider: 'Stripe', reason: `invoice ${invoice.id} has no line at a price STRIPE_PRICE_* names` });
  return lines[0];
}

function invoicePayment(invoice: Stripe.Invoice, entry: PriceEntry, status: 'succeeded' | 'failed', when: Date): PaymentFact {
  return {
    // A failed charge and the later successful one are the same invoice: each attempt is a row of its own.
    externalId: status === 'succeeded' ? invoice.id : `${invoice.id}:attempt:${invoice.attempt_count}`,
    amountCents: status === 'succeeded' ? invoice.amount_paid : invoice.amount_due,
    currency: invoice.currency,
    status,
    plan: entry.plan,
    at: when,
    raw: { invoice: invoice.id, billingReason: invoice.billing_reason, attempt: invoice.attempt_count, period: entry.period },
  };
}

export async function normaliseStripeEvent(gateway: StripeGateway, event: Stripe.Event): Promise<StripeEventIn> {
  switch (event.type) {
    case 'checkout.session.completed': {
      const session = event.data.object;
      const subscriptionId = idOf(session.subscription);
      if (session.mode !== 'subscription' || subscriptionId === null) return unhandled(event, idOf(session.customer), session.metadata?.userId ?? null);
      let sub: Stripe.Subscription;
      try {
        sub = await gateway.stripe.subscriptions.retrieve(subscriptionId);
      } catch (err) {
        throw stripeFailure(err);
      }
      return {
        fact: subscriptionState(gateway, event, sub, session.payment_status === 'paid' || session.payment_status === 'no_payment_required'),
        customerId: idOf(session.customer),
        metadataUserId: session.client_reference_id ?? session.metadata?.userId ?? null,
      };
    }
    case 'customer.subscription.updated':
    case 'customer.subscription.deleted': {
      const sub = event.data.object;
      const fact: BillingEventFact = event.type === 'customer.subscription.deleted'
        ? { ...base(event), kind: 'subscription_ended', externalRef: sub.id }
        : subscriptionState(gateway, event, sub, false);
      return { fact, customerId: idOf(sub.customer), metadataUserId: sub.metadata.userId ?? null };
    }
    case 'invoice.paid':
    case 'invoice.payment_failed': {
      const invoice = event.data.object;
      const details = invoice.parent?.subscription_details;
      const subscriptionId = idOf(details?.subscription);
      if (subscriptionId === null) return unhandled(event, idOf(invoice.customer), null);
      const { entry, line } = planLine(gateway, invoice);
      const when = at(event.created);
      const fact: BillingEventFact = event.type === 'invoice.paid'
        ? {
          ...base(event), kind: 'period_paid', externalRef: subscriptionId, plan: entry.plan, period: entry.period,
          periodStart: at(line.period.start), periodEnd: at(line.period.end), payment: invoicePayment(invoice, entry, 'succeeded', when),
        }
        : { ...base(event), kind: 'payment_failed', externalRef: subscriptionId, periodEnd: at(line.period.end), payment: invoicePayment(invoice, entry, 'failed', when) };
      return { fact, customerId: idOf(invoice.customer), metadataUserId: details?.metadata?.userId ?? null };
    }
    case 'charge.refunded': {
      const charge = event.data.object;
      return {
        fact: {
          ...base(event),
          kind: 'payment_recorded',
          payment: {
            // Each further partial refund raises amount_refunded: one row per refund step.
            externalId: `${charge.id}:refunded:${charge.amount_refunded}`,
            amountCents: charge.amount_refunded,
            currency: charge.currency,
            status: 'refunded',
            plan: null,
            at: at(event.created),
            raw: { charge: charge.id, paymentIntent: idOf(charge.payment_intent), chargedCents: charge.amount, fullyRefunded: charge.refunded },
          },
        },
        customerId: idOf(charge.customer),
        metadataUserId: null,
      };
    }
    default:
      return unhandled(event, null, null);
  }
}

function unhandled(event: Stripe.Event, customerId: string | null, metadataUserId: string | null): StripeEventIn {
  return { fact: { ...base(event), kind: 'unhandled' }, customerId, metadataUserId };
}
