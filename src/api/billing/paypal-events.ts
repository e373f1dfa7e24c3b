/**
 * PayPal webhooks: verified by asking PayPal (`POST
 * /v1/notifications/verify-webhook-signature` with the five
 * `paypal-transmission-*`/`paypal-auth-*`/`paypal-cert-url` headers, the
 * webhook id and the event, under an OAuth token from `POST
 * /v1/oauth2/token`), then mapped to the same transitions as Stripe's.
 * Our subscriptions carry `custom_id` = `<userId>:<plan>:<period>` (set
 * when the PayPal checkout, prepared only, creates them).
 */
import type { BillingEventFact } from '../../domain/billing/billing-event.ts';
import { addPeriod } from '../../domain/billing/subscription-transition.ts';
import type { Tier } from '../../domain/plans/plan-types.ts';
import type { BillingCycle } from '../../db/entities/user-subscription.ts';
import { BillingNotConfiguredError, BillingProviderUnavailableError, InvalidSignatureError, WebhookPayloadInvalidError } from '../../errors/registry.ts';
import type { Config } from '../../config/load-config.ts';

export interface PayPalConfig {
  baseUrl: string;
  clientId: string;
  clientSecret: string;
  webhookId: string;
}

export const PAYPAL_VARIABLES = ['PAYPAL_CLIENT_ID', 'PAYPAL_CLIENT_SECRET', 'PAYPAL_WEBHOOK_ID'];

export function payPalConfigOf(config: Config): PayPalConfig {
  if (config.PAYPAL_CLIENT_ID === undefined || config.PAYPAL_CLIENT_SECRET === undefined || config.PAYPAL_WEBHOOK_ID === undefined) {
    throw new BillingNotConfiguredError({ provider: 'PayPal', variables: PAYPAL_VARIABLES });
  }
  return { baseUrl: config.PAYPAL_API_URL.replace(/\/$/, ''), clientId: config.PAYPAL_CLIENT_ID, clientSecret: config.PAYPAL_CLIENT_SECRET, webhookId: config.PAYPAL_WEBHOOK_ID };
}

const HEADERS = {
  auth_algo: 'paypal-auth-algo',
  cert_url: 'paypal-cert-url',
  transmission_id: 'paypal-transmission-id',
  transmission_sig: 'paypal-transmission-sig',
  transmission_time: 'paypal-transmission-time',
} as const;

async function payPal(url: string, init: RequestInit): Promise<Record<string, unknown>> {
  let res: Response;
  try {
    res = await fetch(url, { ...init, signal: AbortSignal.timeout(15_000) });
  } catch (err) {
    throw new BillingProviderUnavailableError({ provider: 'PayPal', reason: err instanceof Error ? err.message : String(err) }, { cause: err });
  }
  const body = await res.json().catch(() => ({})) as Record<string, unknown>;
  if (res.status >= 500 || res.status === 429) throw new BillingProviderUnavailableError({ provider: 'PayPal', reason: `HTTP ${res.status}` });
  if (!res.ok) {
    // 401 on the token: our credentials; 400 on the check: the request PayPal could not judge. Either way it is not verified.
    throw new InvalidSignatureError({ provider: 'PayPal', reason: `PayPal answered ${res.status} ${String(body.name ?? body.error ?? '')}`.trim() });
  }
  return body;
}

/** The parsed event, once PayPal says its signature is genuine. */
export async function verifyPayPal(config: PayPalConfig, rawBody: Buffer, headers: Record<string, string | string[] | undefined>): Promise<Record<string, unknown>> {
  const fields: Record<string, string> = {};
  for (const [field, header] of Object.entries(HEADERS)) {
    const value = headers[header];
    if (typeof value !== 'string' || value === '') throw new InvalidSignatureError({ provider: 'PayPal', reason: `no ${header} header` });
    fields[field] = value;
  }
  let event: unknown;
  try {
    event = JSON.parse(rawBody.toString('utf8'));
  } catch {
    throw new InvalidSignatureError({ provider: 'PayPal', reason: 'the body is not JSON' });
  }
  const basic = Buffer.from(`${config.clientId}:${config.clientSecret}`).toString('base64');
  const token = await payPal(`${config.baseUrl}/v1/oauth2/token`, {
    method: 'POST',
    headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: 'grant_type=client_credentials',
  });
  const check = await payPal(`${config.baseUrl}/v1/notifications/verify-webhook-signature`, {
    method: 'POST',
    headers: { authorization: `Bearer ${String(token.access_token)}`, 'content-type': 'application/json' },
    body: JSON.stringify({ ...fields, webhook_id: config.webhookId, webhook_event: event }),
  });
  if (check.verification_status !== 'SUCCESS') {
    throw new InvalidSignatureError({ provider: 'PayPal', reason: `verification_status ${String(check.verification_status)}` });
  }
  return event as Record<string, unknown>;
}

export interface PayPalEventIn {
  fact: BillingEventFact;
  /** From `custom_id`/`custom`, when the resource carries it. */
  userId: string | null;
  /** The PayPal subscription (`I-…`) it is about, to find the user by when it has no custom id. */
  externalRef: string | null;
}

const CUSTOM = /^([0-9a-f-]{36}):(pro|elite):(monthly|yearly)$/;
const bad = (reason: string) => new WebhookPayloadInvalidError({ provider: 'PayPal', reason });
const obj = (v: unknown): Record<string, unknown> => (v !== null && typeof v === 'object' ? v as Record<string, unknown> : {});
const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);
const date = (v: unknown): Date | null => {
  const d = typeof v === 'string' ? new Date(v) : null;
  return d === null || Number.isNaN(d.getTime()) ? null : d;
};
const cents = (amount: Record<string, unknown>, key: string): number => Math.round(Number(amount[key] ?? 0) * 100) || 0;

function custom(v: unknown): { userId: string; plan: Tier; period: BillingCycle } | null {
  const m = typeof v === 'string' ? CUSTOM.exec(v) : null;
  return m === null ? null : { userId: m[1]!, plan: m[2] as Tier, period: m[3] as BillingCycle };
}

export function normalisePayPal(event: Record<string, unknown>): PayPalEventIn {
  const eventId = str(event.id);
  const type = str(event.event_type);
  if (eventId === null || type === null) throw bad('id or event_type is missing');
  const occurredAt = date(event.create_time) ?? new Date();
  const resource = obj(event.resource);
  const base = { provider: 'paypal' as const, eventId, eventType: type, occurredAt };
  switch (type) {
    case 'BILLING.SUBSCRIPTION.ACTIVATED':
    case 'BILLING.SUBSCRIPTION.UPDATED': {
      const who = custom(resource.custom_id);
      const id = str(resource.id);
      if (who === null || id === null) throw bad(`subscription ${id ?? '?'} has no custom_id of this service`);
      const billing = obj(resource.billing_info);
      const periodEnd = date(billing.next_billing_time);
      return {
        userId: who.userId, externalRef: id,
        fact: {
          ...base, kind: 'subscription_state', externalRef: id, plan: who.plan, period: who.period,
          periodStart: date(obj(billing.last_payment).time) ?? date(resource.start_time), periodEnd,
          cancelAtPeriodEnd: false, status: resource.status === 'ACTIVE' ? 'active' : 'incomplete', opening: type === 'BILLING.SUBSCRIPTION.ACTIVATED',
        },
      };
    }
    case 'PAYMENT.SALE.COMPLETED': {
      const ref = str(resource.billing_agreement_id);
      const who = custom(resource.custom);
      const saleId = str(resource.id);
      if (ref === null || saleId === null || who === null) return { userId: who?.userId ?? null, externalRef: ref, fact: { ...base, kind: 'unhandled' } };
      const paidAt = date(resource.create_time) ?? occurredAt;
      const amount = obj(resource.amount);
      return {
        userId: who.userId, externalRef: ref,
        fact: {
          ...base, kind: 'period_paid', externalRef: ref, plan: who.plan, period: who.period, periodStart: paidAt, periodEnd: addPeriod(paidAt, who.period),
          payment: { externalId: saleId, amountCents: cents(amount, 'total'), currency: String(amount.currency ?? 'usd').toLowerCase(), status: 'succeeded', plan: who.plan, at: paidAt, raw: { sale: saleId, subscription: ref } },
        },
      };
    }
    case 'BILLING.SUBSCRIPTION.PAYMENT.FAILED': {
      const id = str(resource.id);
      if (id === null) throw bad('the subscription id is missing');
      const who = custom(resource.custom_id);
      const failed = obj(obj(resource.billing_info).last_failed_payment);
      const amount = obj(failed.amount);
      return {
        userId: who?.userId ?? null, externalRef: id,
        fact: {
          ...base, kind: 'payment_failed', externalRef: id, periodEnd: null,
          payment: { externalId: `${id}:failed:${eventId}`, amountCents: cents(amount, 'value'), currency: String(amount.currency_code ?? 'usd').toLowerCase(), status: 'failed', plan: who?.plan ?? null, at: date(failed.time) ?? occurredAt, raw: { subscription: id, reason: failed.reason_code ?? null } },
        },
      };
    }
    case 'BILLING.SUBSCRIPTION.CANCELLED':
    case 'BILLING.SUBSCRIPTION.EXPIRED': {
      const id = str(resource.id);
      if (id === null) throw bad('the subscription id is missing');
      return { userId: custom(resource.custom_id)?.userId ?? null, externalRef: id, fact: { ...base, kind: 'subscription_ended', externalRef: id } };
    }
    case 'PAYMENT.SALE.REFUNDED': {
      const id = str(resource.id);
      const amount = obj(resource.amount);
      if (id === null) throw bad('the refund id is missing');
      return {
        userId: custom(resource.custom)?.userId ?? null, externalRef: str(resource.billing_agreement_id),
        fact: {
          ...base, kind: 'payment_recorded',
          payment: { externalId: id, amountCents: cents(amount, 'total'), currency: String(amount.currency ?? 'usd').toLowerCase(), status: 'refunded', plan: null, at: occurredAt, raw: { refund: id, sale: resource.sale_id ?? null } },
        },
      };
    }
    default:
      return { userId: null, externalRef: null, fact: { ...base, kind: 'unhandled' } };
  }
}
