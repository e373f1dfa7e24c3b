/**
 * Links that start a Stripe checkout only when followed. `GET /v1/upgrade`
 * and the bots' `/upgrade` list a link per plan; making the Checkout
 * Session (and the Stripe customer) there would call Stripe on every look
 * at the options, leaving sessions nobody opens. The link carries who, which
 * plan and period, signed (HS256 under JWT_SECRET, an audience and a header
 * type of its own, so an access token is never a link nor a link a token)
 * and valid for {@link CHECKOUT_LINK_TTL_SECONDS}: it is followed in a
 * browser, from a bot's message, where no access token goes along.
 */
import { createSecretKey, randomUUID, type KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';
import type { BillingCycle } from '../../db/entities/user-subscription.ts';
import type { Tier } from '../../domain/plans/plan-types.ts';
import { CheckoutLinkExpiredError, CheckoutLinkInvalidError } from '../../errors/registry.ts';

/** How long a listed link can be followed: a day, as long as Stripe keeps a session open. */
export const CHECKOUT_LINK_TTL_SECONDS = 24 * 60 * 60;
const AUDIENCE = 'switchboard-checkout-link';
const HEADER_TYPE = 'checkout-link+jwt';
const PLANS: readonly Tier[] = ['pro', 'elite'];
const PERIODS: readonly BillingCycle[] = ['monthly', 'yearly'];

export interface CheckoutLinkClaims {
  userId: string;
  plan: Tier;
  period: BillingCycle;
  /** One per link: the idempotency key of the session it makes, so a double click opens one session. */
  linkId: string;
}

export interface CheckoutLinkOptions {
  /** HMAC key, at least 32 bytes (the API's JWT_SECRET). */
  secret: Buffer;
  /** `iss` of the links (JWT_ISSUER). */
  issuer: string;
  /** Clock in epoch ms. Default `Date.now`. */
  now?: () => number;
}

export class CheckoutLinks {
  readonly #key: KeyObject;
  readonly #issuer: string;
  readonly #now: () => number;

  constructor(options: CheckoutLinkOptions) {
    this.#key = createSecretKey(options.secret);
    this.#issuer = options.issuer;
    this.#now = options.now ?? Date.now;
  }

  /** The `link` parameter for one plan and period, and when it stops working. */
  sign(userId: string, plan: Tier, period: BillingCycle): { link: string; expiresAt: Date } {
    const iat = Math.floor(this.#now() / 1000);
    const exp = iat + CHECKOUT_LINK_TTL_SECONDS;
    const link = jwt.sign({ sub: userId, plan, period, jti: randomUUID(), iat, exp }, this.#key, {
      algorithm: 'HS256', issuer: this.#issuer, audience: AUDIENCE, header: { alg: 'HS256', typ: HEADER_TYPE },
    });
    return { link, expiresAt: new Date(exp * 1000) };
  }

  /** The claims of a link this API signed; throws `checkout_link_expired` or `checkout_link_invalid`. */
  verify(link: string): CheckoutLinkClaims {
    let decoded: jwt.Jwt;
    try {
      decoded = jwt.verify(link, this.#key, {
        algorithms: ['HS256'], issuer: this.#issuer, audience: AUDIENCE, clockTimestamp: Math.floor(this.#now() / 1000), complete: true,
      });
    } catch (err) {
      if (err instanceof jwt.TokenExpiredError) throw new CheckoutLinkExpiredError({});
      throw new CheckoutLinkInvalidError({});
    }
    const p = decoded.payload as { sub?: unknown; plan?: unknown; period?: unknown; jti?: unknown };
    const plan = PLANS.find((t) => t === p.plan);
    const period = PERIODS.find((c) => c === p.period);
    if (decoded.header.typ !== HEADER_TYPE || typeof p.sub !== 'string' || plan === undefined || period === undefined || typeof p.jti !== 'string') {
      throw new CheckoutLinkInvalidError({});
    }
    return { userId: p.sub, plan, period, linkId: p.jti };
  }
}
