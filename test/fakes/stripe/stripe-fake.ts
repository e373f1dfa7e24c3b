/**
 * A local Stripe API for the `stripe` SDK (`host`, `port`, `protocol`
 * pointed here through STRIPE_API_URL), serving only the calls the service
 * makes: `POST /v1/customers` (with Idempotency-Key replay),
 * `POST /v1/checkout/sessions`, `POST /v1/billing_portal/sessions` and
 * `GET /v1/subscriptions/{id}`, with Stripe's 401 for a wrong key and
 * `resource_missing` for an unknown price, customer or subscription.
 * Tests drive the customer's side with the control methods (complete a
 * checkout, renew, fail a charge, change the price, cancel, refund), each
 * returning the webhook events Stripe would send, signed with
 * {@link StripeFake.sign} the way Stripe signs them.
 *
 * Unlike Stripe: no payment method handling (a completed checkout is paid),
 * one subscription item, USD only, one month a period whatever the price.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import Stripe from 'stripe';
import { parseFormBody, type FormObject } from './form-body.ts';
import { eventObject, invoiceObject, stripeError, stripeId, subscriptionObject } from './stripe-objects.ts';

const DAY = 86_400;
const PERIOD = 30 * DAY;

interface FakeSubscription {
  id: string;
  customer: string;
  priceId: string;
  start: number;
  end: number;
  status: Stripe.Subscription.Status;
  cancelAtPeriodEnd: boolean;
  metadata: Record<string, string>;
  created: number;
}

export interface StripeFakeOptions {
  secretKey: string;
  webhookSecret: string;
  /** Price id → amount in cents. */
  prices: Record<string, number>;
}

export class StripeFake {
  readonly #server: Server;
  readonly #o: StripeFakeOptions;
  readonly customers = new Map<string, { id: string; email: string; metadata: Record<string, string> }>();
  readonly sessions = new Map<string, Stripe.Checkout.Session>();
  readonly subscriptions = new Map<string, FakeSubscription>();
  readonly #idempotent = new Map<string, { status: number; body: object }>();
  /** Every request the service made, as `METHOD path`. */
  readonly calls: string[] = [];
  readonly #sdk = new Stripe('sk_test_signing_only');
  #fail: { status: number; times: number } | null = null;

  private constructor(server: Server, options: StripeFakeOptions) {
    this.#server = server;
    this.#o = options;
  }

  static async start(options: StripeFakeOptions): Promise<StripeFake> {
    let fake: StripeFake | null = null;
    const server = createServer((req, res) => { void fake!.#handle(req, res); });
    fake = new StripeFake(server, options);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return fake;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
  }

  /** The next `times` API calls answer this HTTP status (500: Stripe's api_error; 429: its rate limit). */
  failNext(status: number, times = 1): void {
    this.#fail = { status, times };
  }

  async close(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  /** The body and `Stripe-Signature` header of a webhook delivery, signed at `timestamp` (seconds; default now). */
  sign(event: Stripe.Event, timestamp?: number): { body: string; signature: string } {
    const body = JSON.stringify(event);
    return { body, signature: this.#sdk.webhooks.generateTestHeaderString({ payload: body, secret: this.#o.webhookSecret, ...(timestamp === undefined ? {} : { timestamp }) }) };
  }

  // --- the customer's side ---------------------------------------------------

  /** The customer pays at checkout: the subscription starts at `at`; returns checkout.session.completed and invoice.paid. */
  completeCheckout(sessionId: string, at: number): { completed: Stripe.Event; paid: Stripe.Event; subscriptionId: string } {
    const session = this.sessions.get(sessionId);
    if (session === undefined) throw new Error(`no checkout session ${sessionId}`);
    const priceId = (session as unknown as { price: string }).price;
    const sub: FakeSubscription = {
      id: stripeId('sub'), customer: session.customer as string, priceId, start: at, end: at + PERIOD, status: 'active',
      cancelAtPeriodEnd: false, metadata: { ...(session.metadata ?? {}) }, created: at,
    };
    this.subscriptions.set(sub.id, sub);
    Object.assign(session, { status: 'complete', payment_status: 'paid', subscription: sub.id });
    return {
      subscriptionId: sub.id,
      completed: eventObject('checkout.session.completed', { ...session }, at),
      paid: eventObject('invoice.paid', this.#invoice(sub, true, 1, 'subscription_create'), at),
    };
  }

  /** The period ends and Stripe charges the next one `delay` seconds later: invoice.paid, or invoice.payment_failed. */
  renew(subscriptionId: string, paid: boolean, attempt = 1, delay = 3600): Stripe.Event {
    const sub = this.#sub(subscriptionId);
    if (attempt === 1) {
      sub.start = sub.end;
      sub.end += PERIOD;
    }
    if (!paid) sub.status = 'past_due';
    else sub.status = 'active';
    return eventObject(paid ? 'invoice.paid' : 'invoice.payment_failed', this.#invoice(sub, paid, attempt, 'subscription_cycle'), sub.start + delay + (attempt - 1) * DAY);
  }

  /** The customer changes the price or asks to cancel at period end (the portal): customer.subscription.updated at `at`. */
  update(subscriptionId: string, change: { priceId?: string; cancelAtPeriodEnd?: boolean }, at: number): Stripe.Event {
    const sub = this.#sub(subscriptionId);
    if (change.priceId !== undefined) sub.priceId = change.priceId;
    if (change.cancelAtPeriodEnd !== undefined) sub.cancelAtPeriodEnd = change.cancelAtPeriodEnd;
    return eventObject('customer.subscription.updated', subscriptionObject(sub), at);
  }

  /** The subscription ends (at period end after a cancel, or when retries run out): customer.subscription.deleted. */
  cancel(subscriptionId: string, at: number): Stripe.Event {
    const sub = this.#sub(subscriptionId);
    sub.status = 'canceled';
    return eventObject('customer.subscription.deleted', subscriptionObject(sub), at);
  }

  /** A refund of `amount` cents of the customer's charge: charge.refunded. */
  refund(customer: string, charged: number, refunded: number, at: number): Stripe.Event {
    const charge = {
      id: stripeId('ch'), object: 'charge', amount: charged, amount_refunded: refunded, currency: 'usd', customer,
      payment_intent: stripeId('pi'), refunded: refunded >= charged, status: 'succeeded', created: at, livemode: false,
    };
    return eventObject('charge.refunded', charge, at);
  }

  #sub(id: string): FakeSubscription {
    const sub = this.subscriptions.get(id);
    if (sub === undefined) throw new Error(`no subscription ${id}`);
    return sub;
  }

  #invoice(sub: FakeSubscription, paid: boolean, attempt: number, reason: string): Stripe.Invoice {
    return invoiceObject({
      id: `in_${sub.id.slice(4)}_${sub.start}`, customer: sub.customer, subscription: sub.id, priceId: sub.priceId, start: sub.start, end: sub.end,
      amount: this.#o.prices[sub.priceId] ?? 0, paid, attempt, metadata: sub.metadata, created: sub.start, reason,
    });
  }

  // --- the API ---------------------------------------------------------------

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    this.calls.push(`${req.method} ${path}`);
    const answer = this.#route(req, path, parseFormBody(Buffer.concat(chunks).toString('utf8')));
    res.writeHead(answer.status, { 'content-type': 'application/json', 'request-id': stripeId('req') });
    res.end(JSON.stringify(answer.body));
  }

  #route(req: IncomingMessage, path: string, form: FormObject): { status: number; body: object } {
    if (req.headers.authorization !== `Bearer ${this.#o.secretKey}`) {
      return stripeError(401, 'invalid_request_error', `Invalid API Key provided: ${String(req.headers.authorization ?? '').slice(7, 15)}****`);
    }
    if (this.#fail !== null) {
      const { status } = this.#fail;
      this.#fail.times -= 1;
      if (this.#fail.times <= 0) this.#fail = null;
      return stripeError(status, status === 429 ? 'invalid_request_error' : 'api_error', 'Something went wrong on Stripe\'s end.', status === 429 ? 'rate_limit' : undefined);
    }
    const key = req.headers['idempotency-key'];
    const replay = typeof key === 'string' && req.method === 'POST' ? this.#idempotent.get(`${path}:${key}`) : undefined;
    if (replay !== undefined) return replay;
    const answer = this.#serve(req.method ?? 'GET', path, form);
    if (typeof key === 'string' && req.method === 'POST' && answer.status < 500) this.#idempotent.set(`${path}:${key}`, answer);
    return answer;
  }

  #serve(method: string, path: string, form: FormObject): { status: number; body: object } {
    const now = Math.floor(Date.now() / 1000);
    if (method === 'POST' && path === '/v1/customers') {
      const customer = { id: stripeId('cus'), object: 'customer', email: String(form.email ?? ''), metadata: (form.metadata ?? {}) as Record<string, string>, created: now, livemode: false };
      this.customers.set(customer.id, customer);
      return { status: 200, body: customer };
    }
    if (method === 'POST' && path === '/v1/checkout/sessions') {
      const items = (form.line_items ?? []) as FormObject[];
      const price = String(items[0]?.price ?? '');
      if (!(price in this.#o.prices)) return stripeError(400, 'invalid_request_error', `No such price: '${price}'`, 'resource_missing', 'line_items[0][price]');
      const customer = String(form.customer ?? '');
      if (!this.customers.has(customer)) return stripeError(400, 'invalid_request_error', `No such customer: '${customer}'`, 'resource_missing', 'customer');
      if (form.mode !== 'subscription') return stripeError(400, 'invalid_request_error', 'mode must be subscription here', 'parameter_invalid_empty', 'mode');
      const id = stripeId('cs_test');
      const session = {
        id, object: 'checkout.session', mode: 'subscription', customer, client_reference_id: form.client_reference_id ?? null,
        metadata: form.metadata ?? {}, success_url: form.success_url ?? null, cancel_url: form.cancel_url ?? null, status: 'open', payment_status: 'unpaid',
        subscription: null, url: `https://checkout.stripe.com/c/pay/${id}`, expires_at: now + DAY, created: now, livemode: false, price,
      } as unknown as Stripe.Checkout.Session;
      this.sessions.set(id, session);
      return { status: 200, body: session };
    }
    if (method === 'POST' && path === '/v1/billing_portal/sessions') {
      const customer = String(form.customer ?? '');
      if (!this.customers.has(customer)) return stripeError(400, 'invalid_request_error', `No such customer: '${customer}'`, 'resource_missing', 'customer');
      const id = stripeId('bps');
      return { status: 200, body: { id, object: 'billing_portal.session', customer, url: `https://billing.stripe.com/p/session/${id}`, return_url: form.return_url ?? null, created: now, livemode: false } };
    }
    const sub = /^\/v1\/subscriptions\/([^/]+)$/.exec(path);
    if (method === 'GET' && sub !== null) {
      const found = this.subscriptions.get(sub[1]!);
      if (found === undefined) return stripeError(404, 'invalid_request_error', `No such subscription: '${sub[1]}'`, 'resource_missing', 'id');
      return { status: 200, body: subscriptionObject(found) };
    }
    return stripeError(404, 'invalid_request_error', `Unrecognized request URL (${method}: ${path}).`);
  }
}
