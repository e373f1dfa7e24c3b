/**
 * The payment providers' webhooks: `POST /v1/billing/webhooks/stripe`,
 * `/nowpayments` and `/paypal`. Mounted before the JSON body parser with a
 * raw one of its own (size-limited), because a signature is over the bytes
 * as sent. A bad signature answers 400 and changes nothing; a verified
 * event answers 200, also when it was a duplicate or changed nothing, so
 * the provider stops retrying it.
 */
import express, { Router, type Request } from 'express';
import { z } from 'zod';
import { applyBillingEvent } from '../billing/apply-billing-event.ts';
import { normaliseNowPayments, verifyNowPayments } from '../billing/nowpayments-events.ts';
import { normalisePayPal, payPalConfigOf, verifyPayPal } from '../billing/paypal-events.ts';
import { normaliseStripeEvent, verifyStripeEvent } from '../billing/stripe-events.ts';
import { stripeUserOf } from '../billing/stripe-checkout.ts';
import { stripeOf } from '../billing/stripe-gateway.ts';
import { UserSubscription } from '../../db/entities/user-subscription.ts';
import { Payment } from '../../db/entities/payment.ts';
import { BillingNotConfiguredError } from '../../errors/registry.ts';
import type { ApiContext } from '../api-context.ts';
import { errorResponse } from '../openapi/standard-errors.ts';
import { mountRoute } from '../openapi/mount-route.ts';

/** Largest webhook body read, in bytes: providers' events are a few KiB. */
export const WEBHOOK_BODY_LIMIT = 256 * 1024;

const TAGS = ['billing'];

const receivedSchema = z.object({
  received: z.literal(true),
  duplicate: z.boolean().describe('This event id was processed before; nothing was changed now'),
  outcome: z.string().describe('What the event did (`open`, `update`, `lapse`) or why it changed nothing (`ignored:older_period`, ...)'),
});

const eventBody = z.looseObject({}).describe('The provider\'s event, exactly as it sends it (signed over the raw bytes)');

const commonResponses = {
  200: { description: 'Verified and processed (or a duplicate)', schema: receivedSchema },
  400: errorResponse('`invalid_signature` (nothing was changed) or `webhook_payload_invalid`'),
  409: errorResponse('`billing_not_configured`: this provider is not configured here'),
  503: errorResponse('`billing_provider_unavailable`: the provider could not be asked (a checkout\'s subscription, PayPal\'s verification); it will retry'),
};

function rawOf(req: Request): Buffer {
  return Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
}

function header(req: Request, name: string): string | undefined {
  const value = req.headers[name];
  return typeof value === 'string' ? value : undefined;
}

export function billingWebhooksRouter(ctx: ApiContext): Router {
  const router = Router();
  router.use('/v1/billing/webhooks', express.raw({ type: () => true, limit: WEBHOOK_BODY_LIMIT }));

  mountRoute(router, ctx.doc, {
    method: 'post', path: '/v1/billing/webhooks/stripe', summary: 'Stripe webhook (register this URL in Stripe with the events the README lists)', tags: TAGS, auth: 'none',
    body: eventBody, responses: commonResponses,
  }, async (req, res) => {
    const gateway = stripeOf(ctx);
    const event = verifyStripeEvent(gateway, rawOf(req), header(req, 'stripe-signature'), ctx.now());
    const normalised = await normaliseStripeEvent(gateway, event);
    const userId = await stripeUserOf(ctx, normalised.customerId, normalised.metadataUserId);
    const applied = await applyBillingEvent(ctx, normalised.fact, userId);
    res.json({ received: true, duplicate: applied.duplicate, outcome: applied.outcome });
  });

  mountRoute(router, ctx.doc, {
    method: 'post', path: '/v1/billing/webhooks/nowpayments', summary: 'NOWPayments IPN callback (set it as the IPN callback URL)', tags: TAGS, auth: 'none',
    body: eventBody, responses: commonResponses,
  }, async (req, res) => {
    const secret = ctx.config.NOWPAYMENTS_IPN_SECRET;
    if (secret === undefined) throw new BillingNotConfiguredError({ provider: 'NOWPayments', variables: ['NOWPAYMENTS_IPN_SECRET'] });
    const body = verifyNowPayments(rawOf(req), header(req, 'x-nowpayments-sig'), secret);
    const { fact, userId } = normaliseNowPayments(body);
    const applied = await applyBillingEvent(ctx, fact, userId);
    res.json({ received: true, duplicate: applied.duplicate, outcome: applied.outcome });
  });

  mountRoute(router, ctx.doc, {
    method: 'post', path: '/v1/billing/webhooks/paypal', summary: 'PayPal webhook (subscribe the webhook to the events the README lists)', tags: TAGS, auth: 'none',
    body: eventBody, responses: commonResponses,
  }, async (req, res) => {
    const config = payPalConfigOf(ctx.config);
    const event = await verifyPayPal(config, rawOf(req), req.headers);
    const normalised = normalisePayPal(event);
    const userId = normalised.userId ?? await payPalUserOf(ctx, normalised.externalRef, normalised.fact);
    const applied = await applyBillingEvent(ctx, normalised.fact, userId);
    res.json({ received: true, duplicate: applied.duplicate, outcome: applied.outcome });
  });

  return router;
}

/** A PayPal event without our custom id: its user through the subscription, or the sale a refund is of. */
async function payPalUserOf(ctx: ApiContext, externalRef: string | null, fact: { kind: string; payment?: { raw: Record<string, unknown> } }): Promise<string | null> {
  const em = ctx.orm.em.fork();
  if (externalRef !== null) {
    const row = await em.findOne(UserSubscription, { provider: 'paypal', externalRef }, { fields: ['user'] });
    if (row !== null) return row.user.id;
  }
  const sale = fact.payment?.raw.sale;
  if (typeof sale === 'string') {
    const paid = await em.findOne(Payment, { provider: 'paypal', externalId: sale }, { fields: ['user'] });
    if (paid !== null) return paid.user.id;
  }
  return null;
}
