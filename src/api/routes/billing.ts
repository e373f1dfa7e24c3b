/**
 * `POST /v1/billing/checkout` (a Stripe Checkout link for a plan and
 * period), `GET /v1/billing/checkout/start` (where the links
 * `GET /v1/upgrade` and the bots list lead: the session is made when one is
 * followed, then a redirect to it), `POST /v1/billing/portal` (Stripe's customer portal: payment
 * method, plan change, cancelling), `GET /v1/billing/payments` (the
 * caller's payments, refunds and failed charges) and, for admins,
 * `GET /v1/admin/payments`.
 */
import { Router } from 'express';
import { z } from 'zod';
import { Payment, PAYMENT_STATUSES, type IPayment } from '../../db/entities/payment.ts';
import { BILLING_CYCLES, BILLING_PROVIDERS } from '../../db/entities/user-subscription.ts';
import type { ApiContext } from '../api-context.ts';
import { authOf, requireSession } from '../auth/authenticate.ts';
import { createStripeCheckout, createStripePortal } from '../billing/stripe-checkout.ts';
import { CHECKOUT_START_PATH } from '../billing/upgrade-links.ts';
import { rateLimitByIp } from '../rate-limit/ip-rate-limit.ts';
import { User } from '../../db/entities/user.ts';
import { AccountInactiveError } from '../../errors/registry.ts';
import { parseBody, parseQuery } from '../http/validate.ts';
import { errorResponse } from '../openapi/standard-errors.ts';
import { mountRoute } from '../openapi/mount-route.ts';
import { isoOrNull, pageOf, pageQuery, timestampSchema } from '../schemas/common-schemas.ts';
import type { Guards } from './guards.ts';

const TAGS = ['billing'];

const checkoutBody = z.object({
  plan: z.enum(['pro', 'elite'], { error: 'Must be pro or elite' }),
  period: z.enum(BILLING_CYCLES, { error: 'Must be monthly or yearly' }).default('monthly').describe('Default `monthly`'),
});

export const checkoutLinkSchema = z.object({
  plan: z.enum(['pro', 'elite']),
  period: z.enum(BILLING_CYCLES),
  url: z.string().describe('Stripe\'s hosted checkout page; the plan starts once Stripe confirms the payment'),
  sessionId: z.string(),
  expiresAt: timestampSchema.describe('The link works until then (Stripe: 24 hours)'),
});

/** A link listed by `GET /v1/upgrade`: no Stripe session yet, one is made when it is followed. */
export const upgradeLinkSchema = z.object({
  plan: z.enum(['pro', 'elite']),
  period: z.enum(BILLING_CYCLES),
  url: z.string().describe(`Opens Stripe's checkout for this plan when followed (${CHECKOUT_START_PATH}, which redirects there)`),
  expiresAt: timestampSchema.describe('The link can be followed until then (24 hours)'),
});

const checkoutStartQuery = z.object({
  link: z.string().min(1).max(2_048).describe('The signed link parameter from `GET /v1/upgrade` or a bot\'s `/upgrade`'),
});

export const paymentSchema = z.object({
  id: z.uuid(),
  userId: z.uuid(),
  provider: z.string(),
  externalId: z.string().describe('The provider\'s id: a Stripe invoice (`in_…`, `:attempt:N` for a failed charge), a charge refund, a PayPal sale...'),
  amountCents: z.number().int(),
  currency: z.string(),
  status: z.enum(PAYMENT_STATUSES),
  plan: z.string().nullable(),
  paidAt: timestampSchema.nullable(),
  createdAt: timestampSchema,
});

export function paymentView(p: IPayment): z.infer<typeof paymentSchema> {
  return {
    id: p.id, userId: p.user.id, provider: p.provider, externalId: p.externalId, amountCents: p.amountCents, currency: p.currency,
    status: p.status, plan: p.plan?.isInitialized() ? p.plan.getEntity().name : null, paidAt: isoOrNull(p.paidAt), createdAt: p.createdAt.toISOString(),
  };
}

const paymentsQuery = z.object({ ...pageQuery(100, 20) });
const adminPaymentsQuery = z.object({
  user: z.uuid().optional().describe('Only this user\'s'),
  provider: z.enum(BILLING_PROVIDERS).optional(),
  status: z.enum(PAYMENT_STATUSES).optional(),
  ...pageQuery(200, 50),
});

async function listPayments(ctx: ApiContext, where: Record<string, unknown>, limit: number, offset: number) {
  const [items, total] = await ctx.orm.em.fork().findAndCount(Payment, where, {
    populate: ['plan'], orderBy: { createdAt: 'desc', id: 'desc' }, limit, offset,
  });
  return { items: items.map(paymentView), total, limit, offset };
}

export function billingRouter(ctx: ApiContext, guard: Guards): Router {
  const router = Router();
  const notConfigured = errorResponse('`billing_not_configured`, `already_subscribed`, `billing_account_missing` or `billing_provider_refused`');

  mountRoute(router, ctx.doc, {
    method: 'post', path: '/v1/billing/checkout', summary: 'A Stripe Checkout link to subscribe to a plan', tags: TAGS, auth: 'user',
    body: checkoutBody, example: { plan: 'pro', period: 'monthly' },
    responses: {
      201: { description: 'The checkout link', schema: checkoutLinkSchema },
      400: errorResponse('`validation_failed`, or `price_not_configured` (with `available`: the plans and periods sold)'),
      409: notConfigured,
      503: errorResponse('`billing_provider_unavailable`'),
    },
  }, ...guard.user('write'), requireSession(), async (req, res) => {
    const { plan, period } = parseBody(checkoutBody, req);
    const link = await createStripeCheckout(ctx, authOf(req).userId, plan, period);
    res.status(201).json({ ...link, expiresAt: link.expiresAt.toISOString() });
  });

  mountRoute(router, ctx.doc, {
    // Anonymous and calling Stripe: counted per client address on the sign-in budget (AUTH_RATE_LIMIT_PER_MINUTE).
    method: 'get', path: CHECKOUT_START_PATH, summary: 'Follow a checkout link: makes the Stripe Checkout Session and redirects to it', tags: TAGS, auth: 'none',
    query: checkoutStartQuery,
    responses: {
      303: { description: 'To Stripe\'s checkout page (`Location`); following the same link again leads to the same session' },
      400: errorResponse('`validation_failed`, `checkout_link_invalid` or `price_not_configured`'),
      403: errorResponse('`account_inactive`: the account the link was made for is suspended or deleted'),
      409: notConfigured,
      410: errorResponse('`checkout_link_expired`'),
      503: errorResponse('`billing_provider_unavailable`'),
    },
  }, rateLimitByIp(ctx), async (req, res) => {
    const claims = ctx.checkoutLinks.verify(parseQuery(checkoutStartQuery, req).link);
    const user = await ctx.orm.em.fork().findOne(User, { id: claims.userId }, { fields: ['status'] });
    if (user === null || user.status !== 'active') throw new AccountInactiveError({ status: user?.status ?? 'deleted' });
    const session = await createStripeCheckout(ctx, claims.userId, claims.plan, claims.period, `switchboard-checkout-${claims.linkId}`);
    res.status(303).location(session.url).end();
  });

  mountRoute(router, ctx.doc, {
    method: 'post', path: '/v1/billing/portal', summary: 'A Stripe customer portal link: payment method, invoices, plan change, cancel', tags: TAGS, auth: 'user',
    responses: {
      201: { description: 'The portal link', schema: z.object({ url: z.string() }) },
      409: notConfigured,
      503: errorResponse('`billing_provider_unavailable`'),
    },
  }, ...guard.user('write'), requireSession(), async (req, res) => {
    res.status(201).json(await createStripePortal(ctx, authOf(req).userId));
  });

  mountRoute(router, ctx.doc, {
    method: 'get', path: '/v1/billing/payments', summary: 'Your payments, refunds and failed charges, newest first', tags: TAGS, auth: 'user',
    query: paymentsQuery,
    responses: { 200: { description: 'Payment history', schema: pageOf(paymentSchema) } },
  }, ...guard.user('read'), async (req, res) => {
    const q = parseQuery(paymentsQuery, req);
    res.json(await listPayments(ctx, { user: authOf(req).userId }, q.limit, q.offset));
  });

  mountRoute(router, ctx.doc, {
    method: 'get', path: '/v1/admin/payments', summary: 'Every payment, refund and failed charge, newest first', tags: ['admin'], auth: 'admin',
    query: adminPaymentsQuery,
    responses: { 200: { description: 'Payment history', schema: pageOf(paymentSchema) } },
  }, ...guard.admin('read'), async (req, res) => {
    const q = parseQuery(adminPaymentsQuery, req);
    const where = {
      ...(q.user === undefined ? {} : { user: q.user }),
      ...(q.provider === undefined ? {} : { provider: q.provider }),
      ...(q.status === undefined ? {} : { status: q.status }),
    };
    res.json(await listPayments(ctx, where, q.limit, q.offset));
  });

  return router;
}
