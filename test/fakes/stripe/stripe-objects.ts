/**
 * Stripe objects as API version 2026-11-18 (the `stripe` SDK's pinned
 * version) shapes them, with only the fields the service and the tests
 * read filled in beyond the ids; Stripe's error body is
 * `{ error: { type, code, message, param } }`.
 */
import { randomBytes } from 'node:crypto';
import type Stripe from 'stripe';

export const API_VERSION = '2026-11-18.endive';

export function stripeId(prefix: string): string {
  return `${prefix}_${randomBytes(12).toString('base64url').replace(/[-_]/g, 'x')}`;
}

export function stripeError(status: number, type: string, message: string, code?: string, param?: string): { status: number; body: object } {
  return { status, body: { error: { type, message, ...(code === undefined ? {} : { code }), ...(param === undefined ? {} : { param }) } } };
}

export function subscriptionObject(fields: {
  id: string; customer: string; priceId: string; start: number; end: number; status: Stripe.Subscription.Status; cancelAtPeriodEnd: boolean;
  metadata: Record<string, string>; created: number;
}): Stripe.Subscription {
  return {
    id: fields.id,
    object: 'subscription',
    customer: fields.customer,
    status: fields.status,
    cancel_at_period_end: fields.cancelAtPeriodEnd,
    cancel_at: fields.cancelAtPeriodEnd ? fields.end : null,
    canceled_at: null,
    ended_at: fields.status === 'canceled' ? fields.end : null,
    created: fields.created,
    livemode: false,
    metadata: fields.metadata,
    items: {
      object: 'list',
      has_more: false,
      url: `/v1/subscription_items?subscription=${fields.id}`,
      data: [{
        id: stripeId('si'),
        object: 'subscription_item',
        created: fields.created,
        current_period_start: fields.start,
        current_period_end: fields.end,
        metadata: {},
        price: { id: fields.priceId, object: 'price', active: true, currency: 'usd', recurring: { interval: 'month', interval_count: 1 } },
        quantity: 1,
        subscription: fields.id,
      }],
    },
  } as unknown as Stripe.Subscription;
}

export function invoiceObject(fields: {
  id: string; customer: string; subscription: string; priceId: string; start: number; end: number; amount: number;
  paid: boolean; attempt: number; metadata: Record<string, string>; created: number; reason: string;
}): Stripe.Invoice {
  return {
    id: fields.id,
    object: 'invoice',
    customer: fields.customer,
    currency: 'usd',
    amount_due: fields.amount,
    amount_paid: fields.paid ? fields.amount : 0,
    amount_remaining: fields.paid ? 0 : fields.amount,
    attempt_count: fields.attempt,
    attempted: true,
    billing_reason: fields.reason,
    created: fields.created,
    livemode: false,
    status: fields.paid ? 'paid' : 'open',
    period_start: fields.start,
    period_end: fields.start,
    parent: { type: 'subscription_details', quote_details: null, subscription_details: { subscription: fields.subscription, metadata: fields.metadata } },
    lines: {
      object: 'list',
      has_more: false,
      url: `/v1/invoices/${fields.id}/lines`,
      data: [{
        id: stripeId('il'),
        object: 'line_item',
        amount: fields.amount,
        currency: 'usd',
        invoice: fields.id,
        period: { start: fields.start, end: fields.end },
        pricing: { type: 'price_details', price_details: { price: fields.priceId, product: 'prod_fake' }, unit_amount_decimal: String(fields.amount) },
        quantity: 1,
        subscription: fields.subscription,
        parent: null,
      }],
    },
  } as unknown as Stripe.Invoice;
}

export function eventObject(type: string, object: object, created: number): Stripe.Event {
  return {
    id: stripeId('evt'),
    object: 'event',
    api_version: API_VERSION,
    created,
    data: { object },
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    type,
  } as unknown as Stripe.Event;
}
