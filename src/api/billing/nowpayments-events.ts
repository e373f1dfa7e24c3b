/**
 * NOWPayments IPN (instant payment notification): `x-nowpayments-sig` is
 * the hex HMAC-SHA512, keyed with the IPN secret, of the JSON body with its
 * keys sorted (recursively). A crypto payment is one prepaid period: a
 * `finished` payment adds its period to the paid time; `failed`, `expired`
 * and `refunded` are recorded; the in-between statuses change nothing.
 * Our checkout names the user, plan and period in `order_id`
 * (`sb:<userId>:<plan>:<period>`); the checkout itself is prepared only.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { BillingEventFact } from '../../domain/billing/billing-event.ts';
import { InvalidSignatureError, WebhookPayloadInvalidError } from '../../errors/registry.ts';

export interface NowPaymentsEventIn {
  fact: BillingEventFact;
  userId: string;
}

/** JSON.stringify with every object's keys sorted, at every depth, as NOWPayments signs it. */
export function sortedJson(value: unknown): string {
  const sort = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(sort);
    if (v !== null && typeof v === 'object') {
      return Object.fromEntries(Object.keys(v as object).sort().map((k) => [k, sort((v as Record<string, unknown>)[k])]));
    }
    return v;
  };
  return JSON.stringify(sort(value));
}

export function nowPaymentsSignature(body: unknown, secret: string): string {
  return createHmac('sha512', secret).update(sortedJson(body)).digest('hex');
}

/** The parsed body, once its signature verifies. */
export function verifyNowPayments(rawBody: Buffer, signature: string | undefined, secret: string): Record<string, unknown> {
  if (signature === undefined || signature === '') throw new InvalidSignatureError({ provider: 'NOWPayments', reason: 'no x-nowpayments-sig header' });
  let body: unknown;
  try {
    body = JSON.parse(rawBody.toString('utf8'));
  } catch {
    throw new InvalidSignatureError({ provider: 'NOWPayments', reason: 'the body is not JSON' });
  }
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw new InvalidSignatureError({ provider: 'NOWPayments', reason: 'the body is not a JSON object' });
  const expected = Buffer.from(nowPaymentsSignature(body, secret), 'hex');
  const given = Buffer.from(signature.trim().toLowerCase(), 'hex');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw new InvalidSignatureError({ provider: 'NOWPayments', reason: 'x-nowpayments-sig does not match the body' });
  }
  return body as Record<string, unknown>;
}

const ORDER = /^sb:([0-9a-f-]{36}):(pro|elite):(monthly|yearly)(?::[A-Za-z0-9_-]{1,64})?$/;

const bad = (reason: string) => new WebhookPayloadInvalidError({ provider: 'NOWPayments', reason });

export function normaliseNowPayments(body: Record<string, unknown>): NowPaymentsEventIn {
  const paymentId = body.payment_id;
  const status = body.payment_status;
  const orderId = body.order_id;
  if ((typeof paymentId !== 'number' && typeof paymentId !== 'string') || typeof status !== 'string') throw bad('payment_id or payment_status is missing');
  const order = typeof orderId === 'string' ? ORDER.exec(orderId) : null;
  if (order === null) throw bad(`order_id ${JSON.stringify(orderId ?? null)} is not one of this service's orders`);
  const [, userId, plan, period] = order as unknown as [string, string, 'pro' | 'elite', 'monthly' | 'yearly'];
  const updated = typeof body.updated_at === 'number' ? new Date(body.updated_at) : null;
  const occurredAt = updated !== null && !Number.isNaN(updated.getTime()) ? updated : new Date();
  const priceAmount = Number(body.price_amount);
  const base = { provider: 'nowpayments' as const, eventId: `${paymentId}:${status}`, eventType: `payment.${status}`, occurredAt };
  const payment = (paymentStatus: 'succeeded' | 'failed' | 'refunded') => ({
    externalId: `${paymentId}:${paymentStatus}`,
    amountCents: Number.isFinite(priceAmount) ? Math.round(priceAmount * 100) : 0,
    currency: typeof body.price_currency === 'string' ? body.price_currency.toLowerCase() : 'usd',
    status: paymentStatus,
    plan,
    at: occurredAt,
    raw: { paymentId, orderId, payCurrency: body.pay_currency ?? null, actuallyPaid: body.actually_paid ?? null, status },
  });
  switch (status) {
    case 'finished':
      return {
        userId,
        fact: {
          ...base, kind: 'period_paid', externalRef: `${userId}:${plan}`, plan, period,
          periodStart: occurredAt, periodEnd: occurredAt, prepaid: period, payment: payment('succeeded'),
        },
      };
    case 'failed':
    case 'expired':
      return { userId, fact: { ...base, kind: 'payment_recorded', payment: payment('failed') } };
    case 'refunded':
      return { userId, fact: { ...base, kind: 'payment_recorded', payment: payment('refunded') } };
    default:
      // waiting, confirming, confirmed, sending, partially_paid: the payment is still under way.
      return { userId, fact: { ...base, kind: 'unhandled' } };
  }
}
