/**
 * Selling through Stripe: a Checkout Session in subscription mode for a
 * plan and period (at the configured price), and the customer portal. A
 * user's Stripe customer is made once, before their first checkout, and
 * kept in `billing_customers`, so every webhook about it finds its user.
 */
import { UniqueConstraintViolationException } from '@mikro-orm/core';
import { BillingCustomer } from '../../db/entities/billing-customer.ts';
import { CURRENT_SUBSCRIPTION_STATUSES, UserSubscription, type BillingCycle } from '../../db/entities/user-subscription.ts';
import { User } from '../../db/entities/user.ts';
import type { Tier } from '../../domain/plans/plan-types.ts';
import { AlreadySubscribedError, BillingAccountMissingError, PriceNotConfiguredError } from '../../errors/registry.ts';
import type { ApiContext } from '../api-context.ts';
import { stripeFailure, stripeOf, type StripeGateway } from './stripe-gateway.ts';

export interface CheckoutLink {
  plan: Tier;
  period: BillingCycle;
  /** Stripe's hosted checkout page. */
  url: string;
  sessionId: string;
  expiresAt: Date;
}

async function call<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    throw stripeFailure(err);
  }
}

/** The user's Stripe customer, made (once) if they have none. */
async function customerFor(ctx: ApiContext, gateway: StripeGateway, userId: string): Promise<string> {
  const em = ctx.orm.em.fork();
  const known = await em.findOne(BillingCustomer, { user: userId, provider: 'stripe' });
  if (known !== null) return known.customerId;
  const user = await em.findOneOrFail(User, { id: userId }, { fields: ['email'] });
  // The idempotency key makes a concurrent or retried create return the same customer.
  const customer = await call(() => gateway.stripe.customers.create(
    { email: user.email, metadata: { userId } },
    { idempotencyKey: `switchboard-customer-${userId}` },
  ));
  try {
    em.create(BillingCustomer, { user: userId, provider: 'stripe', customerId: customer.id });
    await em.flush();
    return customer.id;
  } catch (err) {
    if (!(err instanceof UniqueConstraintViolationException)) throw err;
    return (await ctx.orm.em.fork().findOneOrFail(BillingCustomer, { user: userId, provider: 'stripe' })).customerId;
  }
}

/**
 * Throws `already_subscribed` while the user pays through Stripe: a second
 * checkout would start a second subscription charged alongside the first;
 * plan changes go through the portal.
 */
export async function assertNoStripeSubscription(ctx: ApiContext, userId: string): Promise<void> {
  const current = await ctx.orm.em.fork().findOne(
    UserSubscription,
    { user: userId, status: { $in: [...CURRENT_SUBSCRIPTION_STATUSES] }, provider: 'stripe', billingStatus: { $ne: 'canceled' } },
    { populate: ['plan'] },
  );
  if (current !== null && (current.expiresAt === null || current.expiresAt === undefined || current.expiresAt.getTime() > ctx.now())) {
    throw new AlreadySubscribedError({ provider: 'stripe', plan: current.plan.getEntity().name });
  }
}

/**
 * A checkout for `plan` billed `period`; refused when that is not sold or
 * the user already pays through Stripe. `idempotencyKey` makes a repeated
 * call (the same link followed twice) return the same session.
 */
export async function createStripeCheckout(ctx: ApiContext, userId: string, plan: Tier, period: BillingCycle, idempotencyKey?: string): Promise<CheckoutLink> {
  const gateway = stripeOf(ctx);
  const price = gateway.prices.priceOf(plan, period);
  if (price === null) throw new PriceNotConfiguredError({ plan, period, available: gateway.prices.available() });
  await assertNoStripeSubscription(ctx, userId);
  const customer = await customerFor(ctx, gateway, userId);
  const base = ctx.config.PUBLIC_URL.replace(/\/$/, '');
  const metadata = { userId, plan, period };
  const session = await call(() => gateway.stripe.checkout.sessions.create({
    mode: 'subscription',
    customer,
    client_reference_id: userId,
    line_items: [{ price: price.priceId, quantity: 1 }],
    success_url: `${base}/?billing=success&session_id={CHECKOUT_SESSION_ID}`,
    cancel_url: `${base}/?billing=cancelled`,
    metadata,
    subscription_data: { metadata },
  }, idempotencyKey === undefined ? undefined : { idempotencyKey }));
  if (session.url === null) throw stripeFailure(new Error('Stripe returned a checkout session without a url'));
  return { plan, period, url: session.url, sessionId: session.id, expiresAt: new Date(session.expires_at * 1000) };
}

/** A customer portal session (change plan, payment method, cancel), for a user Stripe knows. */
export async function createStripePortal(ctx: ApiContext, userId: string): Promise<{ url: string }> {
  const gateway = stripeOf(ctx);
  const known = await ctx.orm.em.fork().findOne(BillingCustomer, { user: userId, provider: 'stripe' });
  if (known === null) throw new BillingAccountMissingError({ provider: 'Stripe' });
  const session = await call(() => gateway.stripe.billingPortal.sessions.create({ customer: known.customerId, return_url: `${ctx.config.PUBLIC_URL.replace(/\/$/, '')}/` }));
  return { url: session.url };
}

/** The user a Stripe event is about: by its customer, else by the user id our checkout wrote in the metadata. */
export async function stripeUserOf(ctx: ApiContext, customerId: string | null, metadataUserId: string | null): Promise<string | null> {
  const em = ctx.orm.em.fork();
  if (customerId !== null) {
    const known = await em.findOne(BillingCustomer, { provider: 'stripe', customerId });
    if (known !== null) return known.user.id;
  }
  if (metadataUserId !== null && /^[0-9a-f-]{36}$/i.test(metadataUserId)) {
    const user = await em.findOne(User, { id: metadataUserId }, { fields: ['id'] });
    return user?.id ?? null;
  }
  return null;
}
