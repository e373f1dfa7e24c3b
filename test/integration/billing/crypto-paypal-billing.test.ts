import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { Payment } from '../../../src/db/entities/index.ts';
import { PayPalFake } from '../../fakes/paypal/paypal-fake.ts';
import { rowCounts, runtimeTier, startBillingWorld, subscriptionsOf, type BillingWorld } from './billing-fixture.ts';

const IPN_SECRET = 'ipn-secret-0123456789abcdef';
const WEBHOOK_ID = '1AB23456CD789012E';

/** NOWPayments' signature, computed here independently: HMAC-SHA512 of the body with keys sorted (recursively). */
function npSignature(body: Record<string, unknown>): string {
  const sorted = (v: unknown): unknown => (v !== null && typeof v === 'object' && !Array.isArray(v)
    ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, x]) => [k, sorted(x)]))
    : v);
  return createHmac('sha512', IPN_SECRET).update(JSON.stringify(sorted(body))).digest('hex');
}

describe('billing: NOWPayments and PayPal webhooks', function () {
  this.timeout(30_000);
  let w: BillingWorld;
  let paypal: PayPalFake;

  before(async () => {
    paypal = await PayPalFake.start({ clientId: 'client-1', clientSecret: 'secret-1' });
    w = await startBillingWorld({
      NOWPAYMENTS_IPN_SECRET: IPN_SECRET, PAYPAL_CLIENT_ID: 'client-1', PAYPAL_CLIENT_SECRET: 'secret-1', PAYPAL_WEBHOOK_ID: WEBHOOK_ID, PAYPAL_API_URL: paypal.url,
    });
  });
  after(async () => {
    await w?.close();
    await paypal?.close();
  });

  const ipn = (userId: string, paymentId: number, status: string) => ({
    payment_id: paymentId, payment_status: status, pay_address: 'bc1qfake', price_amount: 9, price_currency: 'usd', pay_amount: 0.0001,
    actually_paid: status === 'finished' ? 0.0001 : 0, pay_currency: 'btc', order_id: `sb:${userId}:pro:monthly`, order_description: 'Pro, one month',
    purchase_id: String(paymentId + 1), outcome_amount: 0.0001, outcome_currency: 'btc', updated_at: w.clock.at, created_at: w.clock.at,
    fee: { currency: 'btc', depositFee: 0, withdrawalFee: 0, serviceFee: 0 },
  });
  const sendIpn = (body: Record<string, unknown>, signature = npSignature(body)) => w.h.request('post', '/v1/billing/webhooks/nowpayments', {
    body: JSON.stringify(body), headers: { 'x-nowpayments-sig': signature },
  });

  it('NOWPayments: a finished payment buys a month, a second one stacks after it; duplicates and pending statuses change nothing', async () => {
    const u = await w.h.registerUser();
    assert.equal((await sendIpn(ipn(u.userId, 5001, 'waiting'))).body.outcome, 'ignored:unhandled_type');
    const first = await sendIpn(ipn(u.userId, 5001, 'finished'));
    assert.deepEqual([first.status, first.body.outcome], [200, 'open']);
    assert.equal(await runtimeTier(w, u.userId), 'pro');
    const counts = await rowCounts(w, u.userId);
    assert.equal((await sendIpn(ipn(u.userId, 5001, 'finished'))).body.duplicate, true);
    assert.deepEqual(await rowCounts(w, u.userId), counts);
    const paidThrough = (await subscriptionsOf(w, u.userId)).at(-1)!.currentPeriodEnd!;
    assert.equal((await sendIpn(ipn(u.userId, 5002, 'finished'))).body.outcome, 'update');
    const current = (await subscriptionsOf(w, u.userId)).at(-1)!;
    assert.equal(current.currentPeriodStart?.getTime(), paidThrough.getTime(), 'the second month starts where the first ends');
    assert.deepEqual([current.provider, current.cancelAtPeriodEnd, current.expiresAt?.getTime()], ['nowpayments', true, current.currentPeriodEnd?.getTime()]);
    assert.equal((await sendIpn(ipn(u.userId, 5003, 'expired'))).body.outcome, 'ignored:payment_recorded');
    const statuses = (await w.h.ctx.orm.em.fork().find(Payment, { user: u.userId }, { orderBy: { externalId: 'asc' } })).map((p) => p.status);
    assert.deepEqual(statuses, ['succeeded', 'succeeded', 'failed']);
  });

  it('NOWPayments: refuses a wrong or missing signature and a body altered after signing (400, nothing changed)', async () => {
    const u = await w.h.registerUser();
    const body = ipn(u.userId, 6001, 'finished');
    const counts = await rowCounts(w, u.userId);
    const wrong = await sendIpn(body, createHmac('sha512', 'another-secret-123456').update(JSON.stringify(body)).digest('hex'));
    assert.deepEqual([wrong.status, wrong.body.error.code], [400, 'invalid_signature']);
    const altered = await sendIpn({ ...body, price_amount: 0.01 }, npSignature(body));
    assert.deepEqual([altered.status, altered.body.error.code], [400, 'invalid_signature']);
    const none = await w.h.request('post', '/v1/billing/webhooks/nowpayments', { body: JSON.stringify(body) });
    assert.deepEqual([none.status, none.body.error.code], [400, 'invalid_signature']);
    assert.deepEqual(await rowCounts(w, u.userId), counts);
    // Signed, but not one of our orders: refused, changing nothing.
    const foreign = { ...body, order_id: 'someone-else-42' };
    const res = await sendIpn(foreign);
    assert.deepEqual([res.status, res.body.error.code], [400, 'webhook_payload_invalid']);
  });

  const paypalEvent = (id: string, type: string, resource: Record<string, unknown>) => ({
    id, event_version: '1.0', create_time: new Date(w.clock.at).toISOString(), resource_type: 'subscription', resource_version: '2.0', event_type: type,
    summary: type, resource, links: [],
  });
  const sendPayPal = (event: object, headers?: Record<string, string>) => {
    const body = JSON.stringify(event);
    return w.h.request('post', '/v1/billing/webhooks/paypal', { body, headers: headers ?? paypal.sign(body, WEBHOOK_ID) });
  };

  it('PayPal: verified through verify-webhook-signature; activation, a payment and a cancellation map to the same transitions, once', async () => {
    const u = await w.h.registerUser();
    const custom = `${u.userId}:elite:monthly`;
    const next = new Date(w.clock.at + 30 * 86_400_000).toISOString();
    const activated = paypalEvent('WH-1A', 'BILLING.SUBSCRIPTION.ACTIVATED', {
      id: 'I-SUB1', plan_id: 'P-ELITE', status: 'ACTIVE', custom_id: custom, start_time: new Date(w.clock.at).toISOString(),
      billing_info: { next_billing_time: next, last_payment: { amount: { currency_code: 'USD', value: '29.00' }, time: new Date(w.clock.at).toISOString() } },
    });
    assert.equal((await sendPayPal(activated)).body.outcome, 'open');
    assert.equal(await runtimeTier(w, u.userId), 'elite');
    assert.equal((await sendPayPal(activated)).body.duplicate, true);
    const sale = paypalEvent('WH-1B', 'PAYMENT.SALE.COMPLETED', {
      id: 'SALE-1', state: 'completed', amount: { total: '29.00', currency: 'USD' }, billing_agreement_id: 'I-SUB1', custom, create_time: new Date(w.clock.at + 1000).toISOString(),
    });
    assert.equal((await sendPayPal(sale)).body.outcome, 'update');
    assert.equal(await w.h.ctx.orm.em.fork().count(Payment, { user: u.userId, provider: 'paypal', status: 'succeeded' }), 1);
    const cancelled = paypalEvent('WH-1C', 'BILLING.SUBSCRIPTION.CANCELLED', { id: 'I-SUB1', status: 'CANCELLED' });
    assert.equal((await sendPayPal(cancelled)).body.outcome, 'update', 'found through the subscription id; runs to the paid end');
    const current = (await subscriptionsOf(w, u.userId)).at(-1)!;
    assert.deepEqual([current.billingStatus, current.cancelAtPeriodEnd], ['canceled', true]);
    assert.ok(paypal.verifications.every((v) => v === 'SUCCESS'));
  });

  it('PayPal: a plan change, a failed charge (grace, past due) and a refund map to the same transitions as Stripe\'s, once each', async () => {
    const u = await w.h.registerUser();
    const at = (ms: number) => new Date(w.clock.at + ms).toISOString();
    const next = at(30 * 86_400_000);
    const state = (id: string, type: string, plan: string, ms: number) => paypalEvent(id, type, {
      id: 'I-SUB2', plan_id: `P-${plan.toUpperCase()}`, status: 'ACTIVE', custom_id: `${u.userId}:${plan}:monthly`, start_time: at(0),
      billing_info: { next_billing_time: next, last_payment: { amount: { currency_code: 'USD', value: '9.00' }, time: at(ms) } },
    });
    assert.equal((await sendPayPal(state('WH-2A', 'BILLING.SUBSCRIPTION.ACTIVATED', 'pro', 0))).body.outcome, 'open');
    assert.equal(await runtimeTier(w, u.userId), 'pro');

    // The subscriber revised the plan in PayPal: our custom_id travels with the new plan.
    const updated = state('WH-2B', 'BILLING.SUBSCRIPTION.UPDATED', 'elite', 1_000);
    assert.equal((await sendPayPal(updated)).body.outcome, 'open', 'another plan: a subscription row of its own, as with Stripe');
    assert.equal((await sendPayPal(updated)).body.duplicate, true);
    assert.equal(await runtimeTier(w, u.userId), 'elite');

    const failed = paypalEvent('WH-2C', 'BILLING.SUBSCRIPTION.PAYMENT.FAILED', {
      id: 'I-SUB2', status: 'ACTIVE', custom_id: `${u.userId}:elite:monthly`,
      billing_info: { last_failed_payment: { amount: { currency_code: 'USD', value: '29.00' }, time: at(2_000), reason_code: 'PAYMENT_DENIED' } },
    });
    assert.equal((await sendPayPal(failed)).body.duplicate, false);
    const afterFailure = (await subscriptionsOf(w, u.userId)).at(-1)!;
    assert.equal(afterFailure.billingStatus, 'past_due');
    assert.ok(afterFailure.graceUntil instanceof Date && afterFailure.graceUntil.getTime() > w.clock.at, 'a grace period, not an immediate lapse');
    assert.equal(await runtimeTier(w, u.userId), 'elite', 'the plan holds through the grace');
    const failures = await w.h.ctx.orm.em.fork().find(Payment, { user: u.userId, provider: 'paypal', status: 'failed' });
    assert.deepEqual(failures.map((p) => [p.amountCents, p.currency]), [[2900, 'usd']]);

    const refund = paypalEvent('WH-2D', 'PAYMENT.SALE.REFUNDED', {
      id: 'REF-1', state: 'completed', amount: { total: '9.00', currency: 'USD' }, sale_id: 'SALE-9', billing_agreement_id: 'I-SUB2', custom: `${u.userId}:elite:monthly`,
    });
    assert.equal((await sendPayPal(refund)).body.duplicate, false);
    assert.equal((await sendPayPal(refund)).body.duplicate, true);
    const refunds = await w.h.ctx.orm.em.fork().find(Payment, { user: u.userId, provider: 'paypal', status: 'refunded' });
    assert.deepEqual(refunds.map((p) => [p.externalId, p.amountCents]), [['REF-1', 900]]);
  });

  it('PayPal: a signature PayPal does not confirm, or missing headers, is 400 and changes nothing', async () => {
    const u = await w.h.registerUser();
    const event = paypalEvent('WH-2A', 'BILLING.SUBSCRIPTION.ACTIVATED', {
      id: 'I-SUB2', status: 'ACTIVE', custom_id: `${u.userId}:pro:monthly`, billing_info: { next_billing_time: new Date(w.clock.at + 86_400_000).toISOString() },
    });
    const counts = await rowCounts(w, u.userId);
    const otherBody = JSON.stringify({ ...event, id: 'WH-other' });
    const res = await sendPayPal(event, paypal.sign(otherBody, WEBHOOK_ID));
    assert.deepEqual([res.status, res.body.error.code], [400, 'invalid_signature']);
    assert.equal(paypal.verifications.at(-1), 'FAILURE');
    const forOtherHook = await sendPayPal(event, paypal.sign(JSON.stringify(event), 'WH-ID-OF-ANOTHER-APP'));
    assert.deepEqual([forOtherHook.status, forOtherHook.body.error.code], [400, 'invalid_signature']);
    const bare = await sendPayPal(event, {});
    assert.deepEqual([bare.status, bare.body.error.code], [400, 'invalid_signature']);
    assert.deepEqual(await rowCounts(w, u.userId), counts);
  });
});
