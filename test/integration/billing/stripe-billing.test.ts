import assert from 'node:assert/strict';
import { runExpiry } from '../../../src/api/jobs/expire-subscriptions.ts';
import { AuditEvent, BillingCustomer, Payment, User } from '../../../src/db/entities/index.ts';
import { chatLinksOf } from '../../../src/api/routes/chat-links.ts';
import { CommandRunner } from '../../../src/commands/command-runner.ts';
import type { RegisteredUser } from '../../helpers/api-harness.ts';
import { PRICES, rowCounts, runtimeTier, startBillingWorld, subscriptionsOf, type BillingWorld } from './billing-fixture.ts';

const DAY = 86_400_000;

/** Follows a link (made for PUBLIC_URL) to the world's API as a browser would the first hop: the redirect, not Stripe's page. */
async function followLink(w: BillingWorld, url: string): Promise<{
  status: number; location: string | null; retryAfter: string | null; body: { error?: { code: string; message: string } } | null;
}> {
  const res = await fetch(url.replace(/^https?:\/\/[^/]+/, w.h.baseUrl), { redirect: 'manual' });
  const text = await res.text();
  return { status: res.status, location: res.headers.get('location'), retryAfter: res.headers.get('retry-after'), body: text === '' ? null : JSON.parse(text) };
}

describe('billing: Stripe checkout, portal and webhooks', function () {
  this.timeout(30_000);
  let w: BillingWorld;

  before(async () => {
    w = await startBillingWorld();
  });
  after(async () => {
    await w?.close();
  });

  async function signIn(u: RegisteredUser): Promise<string> {
    const res = await w.h.request('post', '/v1/auth/login', { body: { email: u.email, password: u.password } });
    assert.equal(res.status, 200);
    return res.body.accessToken;
  }

  /** A user who went through checkout; the subscription's events are returned undelivered. */
  async function checkedOut(plan: 'pro' | 'elite' = 'pro') {
    const u = await w.h.registerUser();
    const res = await w.h.request('post', '/v1/billing/checkout', { token: u.accessToken, body: { plan, period: 'monthly' } });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    const done = w.stripe.completeCheckout(res.body.sessionId, w.nowS());
    return { u, ...done };
  }

  it('makes a checkout link at the configured price, one Stripe customer per user, and a portal link', async () => {
    const u = await w.h.registerUser();
    const first = await w.h.request('post', '/v1/billing/checkout', { token: u.accessToken, body: { plan: 'pro', period: 'yearly' } });
    assert.equal(first.status, 201);
    assert.match(first.body.url, /^https:\/\/checkout\.stripe\.com\/c\/pay\/cs_test_/);
    const session = w.stripe.sessions.get(first.body.sessionId)!;
    assert.equal((session as unknown as { price: string }).price, PRICES.proYearly);
    assert.equal(session.client_reference_id, u.userId);
    const second = await w.h.request('post', '/v1/billing/checkout', { token: u.accessToken, body: { plan: 'elite' } });
    assert.equal(second.body.period, 'monthly', 'monthly by default');
    assert.equal(await w.h.ctx.orm.em.fork().count(BillingCustomer, { user: u.userId }), 1);
    assert.equal([...w.stripe.customers.values()].filter((c) => c.metadata.userId === u.userId).length, 1, 'one Stripe customer');

    const portal = await w.h.request('post', '/v1/billing/portal', { token: u.accessToken });
    assert.equal(portal.status, 201);
    assert.match(portal.body.url, /^https:\/\/billing\.stripe\.com\/p\/session\//);
  });

  it('refuses a plan and period with no price (400, listing what is sold), a portal without a customer, and a Stripe outage as 503', async () => {
    const u = await w.h.registerUser();
    const before = w.stripe.calls.length;
    const res = await w.h.request('post', '/v1/billing/checkout', { token: u.accessToken, body: { plan: 'elite', period: 'yearly' } });
    assert.equal(res.status, 400);
    assert.equal(res.body.error.code, 'price_not_configured');
    assert.deepEqual(res.body.error.available, [{ plan: 'pro', period: 'monthly' }, { plan: 'pro', period: 'yearly' }, { plan: 'elite', period: 'monthly' }]);
    assert.equal(w.stripe.calls.length, before, 'Stripe was not asked');
    const bad = await w.h.request('post', '/v1/billing/checkout', { token: u.accessToken, body: { plan: 'free' } });
    assert.deepEqual([bad.status, bad.body.error.code], [400, 'validation_failed']);
    const portal = await w.h.request('post', '/v1/billing/portal', { token: u.accessToken });
    assert.deepEqual([portal.status, portal.body.error.code], [409, 'billing_account_missing']);
    // The SDK retries once: both tries fail.
    w.stripe.failNext(500, 2);
    const down = await w.h.request('post', '/v1/billing/checkout', { token: u.accessToken, body: { plan: 'pro' } });
    assert.deepEqual([down.status, down.body.error.code], [503, 'billing_provider_unavailable']);
  });

  it('activates on the webhooks in either order, once: the plan, the payment, the audit entry, and the runtime told at once', async () => {
    const { u, completed, paid, subscriptionId } = await checkedOut('pro');
    assert.equal(await runtimeTier(w, u.userId), 'free');
    // Stripe does not promise order: the invoice arrives before the checkout.
    const r1 = await w.deliver(paid);
    assert.deepEqual([r1.status, r1.body.outcome], [200, 'open']);
    const r2 = await w.deliver(completed);
    assert.deepEqual([r2.status, r2.body.outcome], [200, 'update']);
    assert.equal(await runtimeTier(w, u.userId), 'pro', 'the runtime reads Pro (its priority) at once');
    assert.ok(w.changes.some((c) => c.kind === 'user' && c.userId === u.userId && c.action === 'upsert'), 'runtime told');

    const counts = await rowCounts(w, u.userId);
    for (const event of [paid, completed]) {
      const again = await w.deliver(event);
      assert.deepEqual([again.status, again.body.duplicate], [200, true]);
    }
    assert.deepEqual(await rowCounts(w, u.userId), counts, 'duplicates change nothing');

    const subs = await subscriptionsOf(w, u.userId);
    const current = subs.at(-1)!;
    assert.deepEqual([current.plan.getEntity().name, current.status, current.provider, current.externalRef, current.billingStatus], ['pro', 'active', 'stripe', subscriptionId, 'active']);
    const periodEnd = w.stripe.subscriptions.get(subscriptionId)!.end * 1000;
    assert.equal(current.currentPeriodEnd?.getTime(), periodEnd);
    assert.equal(current.expiresAt?.getTime(), periodEnd + 3 * DAY, 'renewing: the period plus the grace');
    assert.equal((await w.h.ctx.orm.em.fork().findOneOrFail(User, { id: u.userId })).role, 'premium_user');

    const token = await signIn(u);
    const sub = await w.h.request('get', '/v1/subscription', { token });
    assert.equal(sub.body.plan.name, 'pro');
    assert.deepEqual(sub.body.billing, {
      provider: 'stripe', status: 'active', period: 'monthly', renewsAt: new Date(periodEnd).toISOString(),
      paidThrough: new Date(periodEnd).toISOString(), cancelAtPeriodEnd: false, graceUntil: null,
    });
    const payments = await w.h.request('get', '/v1/billing/payments', { token });
    assert.equal(payments.body.total, 1);
    assert.deepEqual([payments.body.items[0].status, payments.body.items[0].amountCents, payments.body.items[0].plan], ['succeeded', 900, 'pro']);
    const audit = await w.h.ctx.orm.em.fork().find(AuditEvent, { targetId: u.userId, action: { $like: 'billing.%' } });
    assert.deepEqual(audit.map((a) => a.action).sort(), ['billing.period_paid', 'billing.subscription_state']);
  });

  it('refuses a bad signature and a replayed old delivery with 400, changing nothing; ignores an event older than the last applied', async () => {
    const { u, completed, paid, subscriptionId } = await checkedOut('pro');
    const counts = await rowCounts(w, u.userId);
    const forged = await w.h.request('post', '/v1/billing/webhooks/stripe', { body: JSON.stringify(paid), headers: { 'stripe-signature': `t=${w.nowS()},v1=${'0'.repeat(64)}` } });
    assert.deepEqual([forged.status, forged.body.error.code], [400, 'invalid_signature']);
    const unsigned = await w.h.request('post', '/v1/billing/webhooks/stripe', { body: JSON.stringify(paid) });
    assert.deepEqual([unsigned.status, unsigned.body.error.code], [400, 'invalid_signature']);
    const { body, signature } = w.stripe.sign(paid, w.nowS() - 600);
    const replayed = await w.h.request('post', '/v1/billing/webhooks/stripe', { body, headers: { 'stripe-signature': signature } });
    assert.deepEqual([replayed.status, replayed.body.error.code], [400, 'invalid_signature'], 'older than Stripe\'s 5-minute tolerance');
    assert.deepEqual(await rowCounts(w, u.userId), counts, 'nothing changed');
    assert.equal(await runtimeTier(w, u.userId), 'free');

    await w.deliver(completed);
    await w.deliver(paid);
    const older = w.stripe.update(subscriptionId, { cancelAtPeriodEnd: true }, w.nowS() - 60);
    const newer = w.stripe.update(subscriptionId, { cancelAtPeriodEnd: false }, w.nowS() + 60);
    assert.equal((await w.deliver(newer)).body.outcome, 'update');
    assert.equal((await w.deliver(older)).body.outcome, 'ignored:older_update', 'an older update arriving late is ignored');
    assert.equal((await subscriptionsOf(w, u.userId)).at(-1)!.cancelAtPeriodEnd, false);
  });

  it('extends the period on each renewal, and ignores an invoice for a period already paid', async () => {
    const { u, completed, paid, subscriptionId } = await checkedOut('pro');
    await w.deliver(completed);
    await w.deliver(paid);
    const renewal = w.stripe.renew(subscriptionId, true);
    w.clock.at = renewal.created * 1000;
    assert.equal((await w.deliver(renewal)).body.outcome, 'update');
    const end = w.stripe.subscriptions.get(subscriptionId)!.end * 1000;
    const current = (await subscriptionsOf(w, u.userId)).at(-1)!;
    assert.equal(current.currentPeriodEnd?.getTime(), end);
    assert.equal(current.expiresAt?.getTime(), end + 3 * DAY);
    // The first invoice again, as a new event (Stripe resends with a new id when asked to): an older period.
    const stale = { ...paid, id: `${paid.id}x`, created: renewal.created + 5 };
    assert.equal((await w.deliver(stale)).body.outcome, 'ignored:older_period');
    assert.equal((await subscriptionsOf(w, u.userId)).at(-1)!.currentPeriodEnd?.getTime(), end);
    assert.equal(await w.h.ctx.orm.em.fork().count(Payment, { user: u.userId, status: 'succeeded' }), 2);
    w.clock.at = Date.now();
  });

  it('changes the plan on a subscription update (proration is Stripe\'s), and ends with the paid period after a cancel', async () => {
    const { u, completed, paid, subscriptionId } = await checkedOut('pro');
    await w.deliver(completed);
    await w.deliver(paid);
    const end = w.stripe.subscriptions.get(subscriptionId)!.end * 1000;
    const upgraded = await w.deliver(w.stripe.update(subscriptionId, { priceId: PRICES.elite }, w.nowS() + 10));
    assert.equal(upgraded.body.outcome, 'open');
    assert.equal(await runtimeTier(w, u.userId), 'elite');
    const subs = await subscriptionsOf(w, u.userId);
    assert.deepEqual(subs.map((s) => [s.plan.getEntity().name, s.status]), [['pro', 'cancelled'], ['elite', 'active']]);
    assert.equal(subs[1]!.externalRef, subscriptionId, 'the same Stripe subscription carries on');

    await w.deliver(w.stripe.update(subscriptionId, { cancelAtPeriodEnd: true }, w.nowS() + 20));
    const cancelling = (await subscriptionsOf(w, u.userId)).at(-1)!;
    assert.equal(cancelling.expiresAt?.getTime(), end, 'no grace once it will not renew');
    const token = await signIn(u);
    const view = await w.h.request('get', '/v1/subscription', { token });
    assert.deepEqual([view.body.billing.cancelAtPeriodEnd, view.body.billing.renewsAt], [true, null]);

    // Stripe deletes the subscription when the period ends: back to Free at once.
    w.clock.at = end + 1000;
    const deleted = await w.deliver(w.stripe.cancel(subscriptionId, w.nowS()));
    assert.equal(deleted.body.outcome, 'lapse');
    assert.equal(await runtimeTier(w, u.userId), 'free');
    assert.match(w.h.mail.last(u.email).subject, /Elite plan has ended/);
    // A late renewal of the ended subscription does not bring it back.
    const late = w.stripe.renew(subscriptionId, true);
    assert.equal((await w.deliver(late)).body.outcome, 'ignored:subscription_ended');
    assert.equal(await runtimeTier(w, u.userId), 'free');
    w.clock.at = Date.now();
  });

  it('runs a failed renewal through the grace period (mail, retries) to Free with the virtual clock; a later payment reopens it', async () => {
    const { u, completed, paid, subscriptionId } = await checkedOut('pro');
    await w.deliver(completed);
    await w.deliver(paid);
    const failed = w.stripe.renew(subscriptionId, false, 1);
    w.clock.at = failed.created * 1000;
    assert.equal((await w.deliver(failed)).body.outcome, 'update');
    const graceUntil = failed.created * 1000 + 3 * DAY;
    let current = (await subscriptionsOf(w, u.userId)).at(-1)!;
    assert.deepEqual([current.billingStatus, current.graceUntil?.getTime(), current.expiresAt?.getTime()], ['past_due', graceUntil, graceUntil]);
    const mail = w.h.mail.last(u.email);
    assert.match(mail.subject, /payment did not go through/);
    assert.ok(mail.text.includes(new Date(graceUntil).toISOString()));
    const mails = w.h.mail.all(u.email).length;
    const retry = w.stripe.renew(subscriptionId, false, 2);
    w.clock.at = retry.created * 1000;
    assert.equal((await w.deliver(retry)).body.outcome, 'ignored:already_in_grace', 'a failed retry does not extend the grace');
    assert.equal(w.h.mail.all(u.email).length, mails, 'nor mails again');
    assert.equal(await w.h.ctx.orm.em.fork().count(Payment, { user: u.userId, status: 'failed' }), 2, 'each failed charge is in the history');

    const before = await runExpiry(w.h.ctx, new Date(graceUntil - 60_000));
    assert.equal(before.expired.filter((c) => c.userId === u.userId).length, 0, 'still in grace');
    assert.equal(await runtimeTier(w, u.userId), 'pro');
    w.clock.at = graceUntil + 60_000;
    const lapsed = await runExpiry(w.h.ctx, new Date(w.clock.at));
    assert.equal(lapsed.expired.find((c) => c.userId === u.userId)?.toPlan, 'free');
    assert.equal(await runtimeTier(w, u.userId), 'free');
    assert.match(w.h.mail.last(u.email).text, /did not go through before its grace period ended/);
    const audit = await w.h.ctx.orm.em.fork().find(AuditEvent, { targetId: u.userId, action: 'billing.grace_ended' });
    assert.equal(audit.length, 1);

    // Stripe's last retry succeeds after all: the paid period opens the plan again.
    const recovered = w.stripe.renew(subscriptionId, true, 3);
    w.clock.at = Math.max(w.clock.at, recovered.created * 1000);
    assert.equal((await w.deliver(recovered, w.nowS())).body.outcome, 'open');
    current = (await subscriptionsOf(w, u.userId)).at(-1)!;
    assert.deepEqual([current.plan.getEntity().name, current.billingStatus], ['pro', 'active']);
    w.clock.at = Date.now();
  });

  it('records a refund in the history (user and admin views) without changing the plan', async () => {
    const { u, completed, paid } = await checkedOut('pro');
    await w.deliver(completed);
    await w.deliver(paid);
    const customer = (await w.h.ctx.orm.em.fork().findOneOrFail(BillingCustomer, { user: u.userId })).customerId;
    const refunded = await w.deliver(w.stripe.refund(customer, 900, 900, w.nowS()));
    assert.equal(refunded.body.outcome, 'ignored:payment_recorded');
    assert.equal(await runtimeTier(w, u.userId), 'pro');
    const token = await signIn(u);
    const mine = await w.h.request('get', '/v1/billing/payments', { token });
    assert.deepEqual(mine.body.items.map((p: { status: string }) => p.status), ['refunded', 'succeeded']);
    const admin = await w.h.registerUser({ role: 'admin' });
    const all = await w.h.request('get', `/v1/admin/payments?user=${u.userId}&status=refunded`, { token: admin.accessToken });
    assert.deepEqual([all.status, all.body.total, all.body.items[0].amountCents], [200, 1, 900]);
    const refused = await w.h.request('get', '/v1/admin/payments', { token });
    assert.equal(refused.status, 403);
  });

  const follow = (url: string) => followLink(w, url);

  it('/v1/upgrade gives a checkout link per higher plan, asking nothing of Stripe; once subscribed it points to the portal', async () => {
    const u = await w.h.registerUser();
    const stripeCalls = w.stripe.calls.length;
    const res = await w.h.request('get', '/v1/upgrade', { token: u.accessToken });
    assert.equal(res.body.payment.available, true);
    assert.deepEqual(res.body.payment.checkout.map((l: { plan: string; period: string }) => [l.plan, l.period]), [['pro', 'monthly'], ['elite', 'monthly']]);
    assert.equal(w.stripe.calls.length, stripeCalls, 'looking at the options made no session and no customer');
    assert.match(res.body.payment.checkout[0].url, /^http:\/\/127\.0\.0\.1:3000\/v1\/billing\/checkout\/start\?link=[\w-]+\.[\w-]+\.[\w-]+$/);
    const { u: payer, completed, paid } = await checkedOut('pro');
    await w.deliver(completed);
    await w.deliver(paid);
    const token = await signIn(payer);
    const again = await w.h.request('get', '/v1/upgrade', { token });
    assert.deepEqual(again.body.payment.checkout, []);
    assert.match(again.body.payment.message, /customer portal/);
    const second = await w.h.request('post', '/v1/billing/checkout', { token, body: { plan: 'elite' } });
    assert.deepEqual([second.status, second.body.error.code], [409, 'already_subscribed']);
  });

  it('the control bots\' /upgrade gives the same checkout links, a line per plan above', async () => {
    const runner = new CommandRunner(w.h.ctx, chatLinksOf(w.h.ctx));
    const u = await w.h.registerUser();
    const who = { platform: 'telegram' as const, chatUserId: '770000001', displayName: 'Ann' };
    const { code } = await chatLinksOf(w.h.ctx).issueCode(u.userId);
    await runner.handle(who, `/link ${code}`);
    try {
      const reply = (await runner.handle(who, '/upgrade'))!.text;
      const start = /Subscribe \(monthly\): (http:\/\/127\.0\.0\.1:3000\/v1\/billing\/checkout\/start\?link=\S+)/g;
      assert.match(reply, /\nPro\n[\s\S]*Subscribe \(monthly\): \S+\n[\s\S]*\nElite\n[\s\S]*Subscribe \(monthly\): \S+/);
      const links = [...reply.matchAll(start)].map((m) => m[1]!);
      assert.equal(links.length, 2);
      // The bot's link leads to Stripe's page for that plan, made when followed.
      const opened = await follow(links[1]!);
      assert.equal(opened.status, 303);
      assert.equal(w.stripe.sessions.get(opened.location!.split('/').at(-1)!)?.metadata?.plan, 'elite');
      assert.doesNotMatch(reply, /contact an administrator/);
    } finally {
      await chatLinksOf(w.h.ctx).unlink('telegram', who.chatUserId);
    }
  });

  it('a checkout link makes its session when followed, the same one when followed again; altered, expired or for a suspended account it is refused', async () => {
    const u = await w.h.registerUser();
    const { body } = await w.h.request('get', '/v1/upgrade', { token: u.accessToken });
    const url: string = body.payment.checkout[0].url;
    const first = await follow(url);
    assert.equal(first.status, 303, JSON.stringify(first.body));
    assert.match(first.location!, /^https:\/\/checkout\.stripe\.com\/c\/pay\/cs_test_/);
    const session = w.stripe.sessions.get(first.location!.split('/').at(-1)!)!;
    assert.deepEqual([session.client_reference_id, session.metadata?.plan, session.metadata?.period], [u.userId, 'pro', 'monthly']);
    const sessions = w.stripe.sessions.size;
    assert.equal((await follow(url)).location, first.location, 'a double click opens the same session');
    assert.equal(w.stripe.sessions.size, sessions);

    const link = new URL(url).searchParams.get('link')!;
    const [header, payload, signature] = link.split('.');
    const elite = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(payload!, 'base64url').toString()), plan: 'elite' })).toString('base64url');
    for (const bad of [`${header}.${elite}.${signature}`, 'not-a-link', w.h.ctx.accessTokens.issue({ userId: u.userId, role: 'free_user' })]) {
      const refused = await follow(`${w.h.baseUrl}/v1/billing/checkout/start?link=${encodeURIComponent(bad)}`);
      assert.deepEqual([refused.status, refused.body?.error?.code], [400, 'checkout_link_invalid'], bad);
      assert.equal(refused.body?.error?.message, 'This checkout link is not valid: ask for a new one with /upgrade or GET /v1/upgrade');
    }
    assert.deepEqual([(await follow(`${w.h.baseUrl}/v1/billing/checkout/start`)).status], [400], 'no link at all');

    const later = await w.h.request('get', '/v1/upgrade', { token: u.accessToken });
    w.clock.at += DAY + 1_000;
    try {
      const expired = await follow(later.body.payment.checkout[1].url);
      assert.deepEqual([expired.status, expired.body?.error?.code], [410, 'checkout_link_expired']);
    } finally {
      w.clock.at -= DAY + 1_000;
    }

    const suspended = await w.h.registerUser();
    const offer = await w.h.request('get', '/v1/upgrade', { token: suspended.accessToken });
    const em = w.h.ctx.orm.em.fork();
    await em.nativeUpdate(User, { id: suspended.userId }, { status: 'suspended' });
    const inactive = await follow(offer.body.payment.checkout[0].url);
    assert.deepEqual([inactive.status, inactive.body?.error?.code], [403, 'account_inactive']);
    assert.equal(w.stripe.sessions.size, sessions, 'no session for a refused link');
  });
});

describe('billing: checkout links on the per-address budget', function () {
  this.timeout(30_000);
  it('following checkout links counts against AUTH_RATE_LIMIT_PER_MINUTE per client address: 429 rate_limited once spent, nothing asked of Stripe', async () => {
    const w = await startBillingWorld({ AUTH_RATE_LIMIT_PER_MINUTE: '5' });
    try {
      const u = await w.h.registerUser(); // register, verify, sign in: 3 of the 5
      const { body } = await w.h.request('get', '/v1/upgrade', { token: u.accessToken });
      const url: string = body.payment.checkout[0].url;
      for (const expected of [303, 303]) assert.equal((await followLink(w, url)).status, expected);
      const sessions = w.stripe.sessions.size;
      const spent = await followLink(w, url);
      assert.equal(spent.status, 429);
      assert.equal(spent.body?.error?.code, 'rate_limited');
      assert.ok(spent.retryAfter !== null);
      assert.equal(w.stripe.sessions.size, sessions);
    } finally {
      await w.close();
    }
  });
});

describe('billing: without a payment provider configured', function () {
  this.timeout(30_000);
  it('answers 409 billing_not_configured on every billing route and says so on /v1/upgrade', async () => {
    const { startApiHarness } = await import('../../helpers/api-harness.ts');
    const h = await startApiHarness();
    try {
      const u = await h.registerUser();
      for (const [method, path, body] of [['post', '/v1/billing/checkout', { plan: 'pro' }], ['post', '/v1/billing/portal', undefined]] as const) {
        const res = await h.request(method, path, { token: u.accessToken, ...(body === undefined ? {} : { body }) });
        assert.deepEqual([res.status, res.body.error.code], [409, 'billing_not_configured'], path);
      }
      for (const provider of ['stripe', 'nowpayments', 'paypal']) {
        const res = await h.request('post', `/v1/billing/webhooks/${provider}`, { body: '{}' });
        assert.deepEqual([res.status, res.body.error.code], [409, 'billing_not_configured'], provider);
      }
      const upgrade = await h.request('get', '/v1/upgrade', { token: u.accessToken });
      assert.deepEqual([upgrade.body.payment.available, upgrade.body.payment.checkout], [false, []]);
    } finally {
      await h.close();
    }
  });
});
