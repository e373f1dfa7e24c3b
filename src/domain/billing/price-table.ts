/**
 * Which provider price sells which plan for which period, read from the
 * configuration (`STRIPE_PRICE_PRO_MONTHLY`...). Checkout looks a price up
 * by plan and period; a webhook names the plan by the price it was paid
 * at. Pure.
 */
import { STRIPE_PRICE_VARIABLES } from '../../config/config-schema.ts';
import type { BillingCycle } from '../../db/entities/user-subscription.ts';
import type { Tier } from '../plans/plan-types.ts';

export interface PriceEntry {
  plan: Exclude<Tier, 'free'>;
  period: BillingCycle;
  priceId: string;
}

export class PriceTable {
  readonly entries: readonly PriceEntry[];

  constructor(entries: readonly PriceEntry[]) {
    this.entries = entries;
  }

  /** The Stripe prices the configuration names, in plan then period order. */
  static fromStripeConfig(config: Partial<Record<keyof typeof STRIPE_PRICE_VARIABLES, string | undefined>>): PriceTable {
    return new PriceTable(Object.entries(STRIPE_PRICE_VARIABLES).flatMap(([name, sold]) => {
      const priceId = config[name as keyof typeof STRIPE_PRICE_VARIABLES];
      return priceId === undefined ? [] : [{ plan: sold.plan, period: sold.period, priceId }];
    }));
  }

  priceOf(plan: Tier, period: BillingCycle): PriceEntry | null {
    return this.entries.find((e) => e.plan === plan && e.period === period) ?? null;
  }

  byPriceId(priceId: string): PriceEntry | null {
    return this.entries.find((e) => e.priceId === priceId) ?? null;
  }

  /** What is sold, for an error that lists the choices. */
  available(): Array<{ plan: string; period: string }> {
    return this.entries.map((e) => ({ plan: e.plan, period: e.period }));
  }

  /** The cheapest way to each plan: its monthly price when sold, else the first. */
  preferredFor(plan: Tier): PriceEntry | null {
    return this.priceOf(plan, 'monthly') ?? this.entries.find((e) => e.plan === plan) ?? null;
  }
}
