/**
 * How to pay for a higher plan, for `GET /v1/upgrade` and the bots'
 * `/upgrade` alike: a Stripe Checkout link per plan above the caller's (its
 * monthly price when sold), or why there is none (billing not configured,
 * already paying: use the portal).
 */
import type { Tier } from '../../domain/plans/plan-types.ts';
import { PAYMENT_NOTE } from '../../domain/plans/plan-upgrades.ts';
import { AlreadySubscribedError } from '../../errors/registry.ts';
import { SwitchboardError } from '../../errors/switchboard-error.ts';
import type { ApiContext } from '../api-context.ts';
import { createStripeCheckout, type CheckoutLink } from './stripe-checkout.ts';
import { stripeConfigured, stripeOf } from './stripe-gateway.ts';

export interface UpgradePayment {
  available: boolean;
  /** What to do: follow a link, use the portal, or ask an administrator. */
  message: string;
  checkout: CheckoutLink[];
}

export async function upgradePayment(ctx: ApiContext, userId: string, plans: readonly Tier[]): Promise<UpgradePayment> {
  if (!stripeConfigured(ctx)) return { available: false, message: PAYMENT_NOTE, checkout: [] };
  const prices = stripeOf(ctx).prices;
  const checkout: CheckoutLink[] = [];
  try {
    for (const plan of plans) {
      const price = prices.preferredFor(plan);
      if (price !== null) checkout.push(await createStripeCheckout(ctx, userId, plan, price.period));
    }
  } catch (err) {
    if (err instanceof AlreadySubscribedError) {
      return { available: true, message: 'You pay through Stripe already: change or cancel your plan in the customer portal (POST /v1/billing/portal).', checkout: [] };
    }
    if (!(err instanceof SwitchboardError)) throw err;
    ctx.logger.warn({ err, userId }, 'upgrade checkout links not made');
    return { available: true, message: `Checkout is unavailable right now (${err.message}); try again shortly.`, checkout: [] };
  }
  return {
    available: true,
    message: checkout.length === 0 ? 'No plan above yours is sold online.' : 'Open a checkout link to subscribe; the plan starts as soon as the payment goes through.',
    checkout,
  };
}
