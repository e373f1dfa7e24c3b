/**
 * The Stripe side of billing: the official SDK pointed at STRIPE_API_URL
 * (Stripe itself, or the fake the tests run), the configured prices and the
 * webhook secret. Built once per API context, and only when Stripe is
 * configured: every billing route asks {@link stripeOf}, which answers
 * `billing_not_configured` otherwise.
 */
import Stripe from 'stripe';
import type { Config } from '../../config/load-config.ts';
import { PriceTable } from '../../domain/billing/price-table.ts';
import { BillingNotConfiguredError, BillingProviderRefusedError, BillingProviderUnavailableError } from '../../errors/registry.ts';
import type { ApiContext } from '../api-context.ts';

export interface StripeGateway {
  stripe: Stripe;
  prices: PriceTable;
  webhookSecret: string;
}

/** The variables an operator sets to sell through Stripe, named in `billing_not_configured`. */
export const STRIPE_VARIABLES = ['STRIPE_SECRET_KEY', 'STRIPE_WEBHOOK_SECRET', 'STRIPE_PRICE_PRO_MONTHLY (or another STRIPE_PRICE_*)'];

/** Seconds a webhook's signed timestamp may be old (Stripe's own default): an older replay is refused. */
export const STRIPE_SIGNATURE_TOLERANCE_S = 300;

export function stripeGatewayFromConfig(config: Config): StripeGateway | null {
  if (config.STRIPE_SECRET_KEY === undefined || config.STRIPE_WEBHOOK_SECRET === undefined) return null;
  const api = new URL(config.STRIPE_API_URL);
  const protocol = api.protocol === 'http:' ? 'http' : 'https';
  const stripe = new Stripe(config.STRIPE_SECRET_KEY, {
    host: api.hostname,
    port: api.port === '' ? (protocol === 'http' ? 80 : 443) : Number(api.port),
    protocol,
    // One retry of a network failure; the SDK sends an idempotency key with it, so a retried create is not doubled.
    maxNetworkRetries: 1,
    timeout: 15_000,
    telemetry: false,
  });
  return { stripe, prices: PriceTable.fromStripeConfig(config), webhookSecret: config.STRIPE_WEBHOOK_SECRET };
}

const gateways = new WeakMap<ApiContext, StripeGateway | null>();

/** This context's Stripe, or `billing_not_configured`. */
export function stripeOf(ctx: ApiContext): StripeGateway {
  if (!gateways.has(ctx)) gateways.set(ctx, stripeGatewayFromConfig(ctx.config));
  const gateway = gateways.get(ctx) ?? null;
  if (gateway === null) throw new BillingNotConfiguredError({ provider: 'Stripe', variables: STRIPE_VARIABLES });
  return gateway;
}

/** Whether Stripe is configured here (for answers that only mention it). */
export function stripeConfigured(ctx: ApiContext): boolean {
  return ctx.config.STRIPE_SECRET_KEY !== undefined;
}

/**
 * A failed SDK call as the API answers it: a refusal (Stripe's 4xx: a
 * price or customer it does not have, a revoked key) is the deployment's
 * state; a network failure, Stripe's 5xx or its rate limit is passing.
 */
export function stripeFailure(err: unknown): Error {
  if (err instanceof Stripe.errors.StripeConnectionError || err instanceof Stripe.errors.StripeAPIError || err instanceof Stripe.errors.StripeRateLimitError) {
    return new BillingProviderUnavailableError({ provider: 'Stripe', reason: err.message }, { cause: err });
  }
  if (err instanceof Stripe.errors.StripeError) {
    return new BillingProviderRefusedError({ provider: 'Stripe', providerCode: err.code ?? err.type, reason: err.message }, { cause: err });
  }
  return err instanceof Error ? err : new Error(String(err));
}
