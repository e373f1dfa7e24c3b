/**
 * How to pay for a higher plan, for `GET /v1/upgrade` and the bots'
 * `/upgrade` alike: a checkout link per plan above the caller's (its
 * monthly price when sold), or why there is none (billing not configured,
 * already paying: use the portal). Nothing is asked of Stripe here: a link
 * makes its Checkout Session when followed (`GET /v1/billing/checkout/start`).
 */
import type { BillingCycle } from '../../db/entities/user-subscription.ts';
import type { Tier } from '../../domain/plans/plan-types.ts';
import { PAYMENT_NOTE } from '../../domain/plans/plan-upgrades.ts';
import { AlreadySubscribedError } from '../../errors/registry.ts';
import type { ApiContext } from '../api-context.ts';
import { assertNoStripeSubscription } from './stripe-checkout.ts';
import { stripeConfigured, stripeOf } from './stripe-gateway.ts';

/** The path a checkout link points at, under PUBLIC_URL. */
export const CHECKOUT_START_PATH = '/v1/billing/checkout/start';

export interface UpgradeLink {
  plan: Tier;
  period: BillingCycle;
  /** Opens Stripe's checkout for this plan when followed. */
  url: string;
  expiresAt: Date;
}

export interface UpgradePayment {
  available: boolean;
  /** What to do: follow a link, use the portal, or ask an administrator. */
  message: string;
  checkout: UpgradeLink[];
}

export async function upgradePayment(ctx: ApiContext, userId: string, plans: readonly Tier[]): Promise<UpgradePayment> {
  if (!stripeConfigured(ctx)) return { available: false, message: PAYMENT_NOTE, checkout: [] };
  try {
    await assertNoStripeSubscription(ctx, userId);
  } catch (err) {
    if (!(err instanceof AlreadySubscribedError)) throw err;
    return { available: true, message: 'You pay through Stripe already: change or cancel your plan in the customer portal (POST /v1/billing/portal).', checkout: [] };
  }
  const prices = stripeOf(ctx).prices;
  const base = ctx.config.PUBLIC_URL.replace(/\/$/, '');
  const checkout: UpgradeLink[] = [];
  for (const plan of plans) {
    const price = prices.preferredFor(plan);
    if (price === null) continue;
    const { link, expiresAt } = ctx.checkoutLinks.sign(userId, plan, price.period);
    checkout.push({ plan, period: price.period, url: `${base}${CHECKOUT_START_PATH}?link=${link}`, expiresAt });
  }
  return {
    available: true,
    message: checkout.length === 0 ? 'No plan above yours is sold online.' : 'Open a checkout link to subscribe; the plan starts as soon as the payment goes through.',
    checkout,
  };
}
