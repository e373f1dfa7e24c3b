/**
 * What the billing suites share: an API harness with a virtual clock and
 * Stripe configured against the Stripe fake, the runtime notifier recorded,
 * and helpers to deliver signed webhooks and read a user's billing rows.
 */
import { randomBytes } from 'node:crypto';
import type Stripe from 'stripe';
import type { RuntimeChange } from '../../../src/api/api-context.ts';
import { BillingEvent, Payment, UserSubscription } from '../../../src/db/entities/index.ts';
import { sqlOn } from '../../../src/db/raw-sql.ts';
import { loadOwnerPlans } from '../../../src/forwarding/store/owner-plans.ts';
import { StripeFake } from '../../fakes/stripe/stripe-fake.ts';
import { startApiHarness, type ApiHarness, type HarnessResponse } from '../../helpers/api-harness.ts';

export const PRICES = { pro: 'price_proMonthly', proYearly: 'price_proYearly', elite: 'price_eliteMonthly' } as const;

export interface BillingWorld {
  h: ApiHarness;
  stripe: StripeFake;
  /** The virtual clock, ms; move it with `clock.at = …`. */
  clock: { at: number };
  changes: RuntimeChange[];
  /** Delivers `event` to the Stripe webhook, signed at the virtual now (or `signedAt`, seconds). */
  deliver(event: Stripe.Event, signedAt?: number): Promise<HarnessResponse>;
  nowS(): number;
  close(): Promise<void>;
}

export async function startBillingWorld(env: Record<string, string> = {}): Promise<BillingWorld> {
  const secretKey = `sk_test_${randomBytes(12).toString('hex')}`;
  const webhookSecret = `whsec_${randomBytes(24).toString('base64url').replace(/[-_]/g, 'x')}`;
  const stripe = await StripeFake.start({ secretKey, webhookSecret, prices: { [PRICES.pro]: 900, [PRICES.proYearly]: 9000, [PRICES.elite]: 2900 } });
  const clock = { at: Date.now() };
  const h = await startApiHarness({
    now: () => clock.at,
    env: {
      STRIPE_SECRET_KEY: secretKey, STRIPE_WEBHOOK_SECRET: webhookSecret, STRIPE_API_URL: stripe.url,
      STRIPE_PRICE_PRO_MONTHLY: PRICES.pro, STRIPE_PRICE_PRO_YEARLY: PRICES.proYearly, STRIPE_PRICE_ELITE_MONTHLY: PRICES.elite,
      BILLING_GRACE_DAYS: '3',
      ...env,
    },
  });
  const changes: RuntimeChange[] = [];
  const real = h.ctx.runtime;
  h.ctx.runtime = { async notify(change) { changes.push(change); await real.notify(change); } };
  const nowS = () => Math.floor(clock.at / 1000);
  return {
    h, stripe, clock, changes, nowS,
    async deliver(event, signedAt) {
      const { body, signature } = stripe.sign(event, signedAt ?? nowS());
      return h.request('post', '/v1/billing/webhooks/stripe', { body, headers: { 'stripe-signature': signature } });
    },
    async close() {
      await h.close();
      await stripe.close();
    },
  };
}

/** The user's subscription rows, oldest first, as [plan, status, billingStatus]. */
export async function subscriptionsOf(world: BillingWorld, userId: string) {
  return world.h.ctx.orm.em.fork().find(UserSubscription, { user: userId }, { populate: ['plan'], orderBy: { createdAt: 'asc', startedAt: 'asc' } });
}

export async function rowCounts(world: BillingWorld, userId: string): Promise<Record<string, number>> {
  const em = world.h.ctx.orm.em.fork();
  return {
    subscriptions: await em.count(UserSubscription, { user: userId }),
    payments: await em.count(Payment, { user: userId }),
    events: await em.count(BillingEvent, {}),
  };
}

/** The plan the runtime would run the user's sessions at, read the way the supervisors read it. */
export async function runtimeTier(world: BillingWorld, userId: string): Promise<string | undefined> {
  const schema = world.h.ctx.orm.config.get('schema') ?? 'public';
  const plans = await loadOwnerPlans(sqlOn(world.h.ctx.orm, schema), new Date(world.clock.at), [userId]);
  return plans.get(userId)?.tier;
}
