import assert from 'node:assert/strict';
import type { BillingEventFact, PaymentFact } from '../../../src/domain/billing/billing-event.ts';
import { addPeriod, decideTransition, expiryOf, type StoredSubscription } from '../../../src/domain/billing/subscription-transition.ts';

const DAY = 86_400_000;
const GRACE = 3 * DAY;
const T0 = Date.parse('2027-01-10T00:00:00Z');
const at = (days: number) => new Date(T0 + days * DAY);
const ctx = (nowDays = 0, ended = false) => ({ now: at(nowDays), graceMs: GRACE, ended });

const payment = (status: PaymentFact['status'] = 'succeeded'): PaymentFact => ({ externalId: 'in_1', amountCents: 900, currency: 'usd', status, plan: 'pro', at: at(0), raw: {} });
const base = (days = 0) => ({ provider: 'stripe' as const, eventId: `evt_${days}`, eventType: 't', occurredAt: at(days) });

function paidEvent(startDays: number, endDays: number, ref = 'sub_1', plan: 'pro' | 'elite' = 'pro'): Extract<BillingEventFact, { kind: 'period_paid' }> {
  return { ...base(startDays), kind: 'period_paid', externalRef: ref, plan, period: 'monthly', periodStart: at(startDays), periodEnd: at(endDays), payment: payment() };
}
function stateEvent(days: number, fields: Partial<{ plan: 'pro' | 'elite'; cancelAtPeriodEnd: boolean; status: 'active' | 'canceled' | 'incomplete'; opening: boolean; ref: string }> = {}): BillingEventFact {
  return {
    ...base(days), kind: 'subscription_state', externalRef: fields.ref ?? 'sub_1', plan: fields.plan ?? 'pro', period: 'monthly', periodStart: at(0), periodEnd: at(30),
    cancelAtPeriodEnd: fields.cancelAtPeriodEnd ?? false, status: fields.status ?? 'active', opening: fields.opening ?? false,
  };
}
const failedEvent = (days: number, endDays: number | null = 60): BillingEventFact => ({
  ...base(days), kind: 'payment_failed', externalRef: 'sub_1', periodEnd: endDays === null ? null : at(endDays), payment: payment('failed'),
});
const endedEvent = (days: number): BillingEventFact => ({ ...base(days), kind: 'subscription_ended', externalRef: 'sub_1' });

/** Pro through Stripe's sub_1, paid for days 0..30. */
function paying(over: Partial<StoredSubscription> = {}): StoredSubscription {
  return {
    plan: 'pro', expiresAt: at(33), provider: 'stripe', externalRef: 'sub_1', billingStatus: 'active', billingPeriod: 'monthly',
    currentPeriodStart: at(0), currentPeriodEnd: at(30), cancelAtPeriodEnd: false, graceUntil: null, providerUpdatedAt: at(0), ...over,
  };
}

describe('billing: the subscription state machine', () => {
  describe('a paid period', () => {
    it('opens the plan for a Free user, to the period end plus the grace', () => {
      const t = decideTransition(null, paidEvent(0, 30), ctx());
      assert.equal(t.kind, 'open');
      assert.equal(t.kind === 'open' && t.plan, 'pro');
      assert.deepEqual(t.kind === 'open' && [t.expiresAt, t.fields.currentPeriodEnd, t.fields.billingStatus], [at(33), at(30), 'active']);
    });
    it('extends the current subscription with a newer period and clears a grace', () => {
      const t = decideTransition(paying({ billingStatus: 'past_due', graceUntil: at(34) }), paidEvent(30, 60), ctx(31));
      assert.equal(t.kind, 'update');
      assert.deepEqual(t.kind === 'update' && [t.expiresAt, t.fields.billingStatus, t.fields.graceUntil], [at(63), 'active', null]);
    });
    it('changes nothing for a period no newer than the one stored (a late or repeated invoice)', () => {
      assert.deepEqual(decideTransition(paying(), paidEvent(0, 30), ctx(5)), { kind: 'ignore', reason: 'older_period' });
      assert.deepEqual(decideTransition(paying({ currentPeriodEnd: at(60) }), paidEvent(0, 30), ctx(35)), { kind: 'ignore', reason: 'older_period' });
    });
    it('never reopens a subscription that ended, and ignores a period already over', () => {
      assert.deepEqual(decideTransition(null, paidEvent(0, 30), ctx(5, true)), { kind: 'ignore', reason: 'subscription_ended' });
      assert.deepEqual(decideTransition(null, paidEvent(0, 30), ctx(40)), { kind: 'ignore', reason: 'period_over' });
    });
    it('replaces an admin-set plan or another subscription with the one paid for', () => {
      const adminElite = paying({ plan: 'elite', provider: null, externalRef: null, billingStatus: null, expiresAt: null });
      assert.equal(decideTransition(adminElite, paidEvent(0, 30), ctx()).kind, 'open');
    });
    it('stacks a prepaid period after the time already paid (paying early loses nothing)', () => {
      const prepaid: BillingEventFact = { ...paidEvent(20, 20), prepaid: 'monthly' };
      const t = decideTransition(paying({ cancelAtPeriodEnd: true, expiresAt: at(30) }), prepaid, ctx(20));
      assert.equal(t.kind, 'update');
      assert.deepEqual(t.kind === 'update' && [t.fields.currentPeriodStart, t.fields.currentPeriodEnd, t.fields.cancelAtPeriodEnd, t.expiresAt],
        [at(30), addPeriod(at(30), 'monthly'), true, addPeriod(at(30), 'monthly')]);
    });
  });

  describe('a failed payment', () => {
    it('starts the grace from the failure, keeps the plan until it ends, and asks for a mail', () => {
      const t = decideTransition(paying(), failedEvent(30.5), ctx(30.5));
      assert.equal(t.kind, 'update');
      assert.deepEqual(t.kind === 'update' && [t.fields.billingStatus, t.fields.graceUntil, t.expiresAt, t.mail], ['past_due', at(33.5), at(33.5), 'payment_failed']);
    });
    it('does not extend the grace on a failed retry', () => {
      assert.deepEqual(decideTransition(paying({ billingStatus: 'past_due', graceUntil: at(33.5) }), failedEvent(31.5), ctx(31.5)), { kind: 'ignore', reason: 'already_in_grace' });
    });
    it('ignores a failure for a period already paid, for another subscription, or after it ended', () => {
      assert.deepEqual(decideTransition(paying(), failedEvent(10, 30), ctx(10)), { kind: 'ignore', reason: 'older_period' });
      assert.deepEqual(decideTransition(null, failedEvent(10), ctx(10)), { kind: 'ignore', reason: 'not_current_subscription' });
      assert.deepEqual(decideTransition(paying({ billingStatus: 'canceled', cancelAtPeriodEnd: true }), failedEvent(10), ctx(10)), { kind: 'ignore', reason: 'subscription_ended' });
    });
    it('never shortens what was paid: a failure mid-period keeps the plan to the period end', () => {
      const t = decideTransition(paying(), failedEvent(5, null), ctx(5));
      assert.deepEqual(t.kind === 'update' && t.expiresAt, at(30));
    });
  });

  describe('a subscription update', () => {
    it('switches the plan at once and keeps the paid period', () => {
      const t = decideTransition(paying(), stateEvent(10, { plan: 'elite' }), ctx(10));
      assert.equal(t.kind, 'open');
      assert.deepEqual(t.kind === 'open' && [t.plan, t.fields.currentPeriodEnd, t.fields.externalRef, t.expiresAt], ['elite', at(30), 'sub_1', at(33)]);
    });
    it('cancel at period end: the plan ends with the paid period, no grace; undoing it restores the grace', () => {
      const cancelling = decideTransition(paying(), stateEvent(10, { cancelAtPeriodEnd: true }), ctx(10));
      assert.deepEqual(cancelling.kind === 'update' && [cancelling.expiresAt, cancelling.fields.cancelAtPeriodEnd], [at(30), true]);
      const resumed = decideTransition(paying({ cancelAtPeriodEnd: true, providerUpdatedAt: at(10) }), stateEvent(11), ctx(11));
      assert.deepEqual(resumed.kind === 'update' && resumed.expiresAt, at(33));
    });
    it('ignores an update older than the last one applied', () => {
      assert.deepEqual(decideTransition(paying({ providerUpdatedAt: at(10) }), stateEvent(9, { cancelAtPeriodEnd: true }), ctx(11)), { kind: 'ignore', reason: 'older_update' });
    });
    it('opens only from a completed checkout, paid, and not for an ended subscription', () => {
      assert.deepEqual(decideTransition(null, stateEvent(0), ctx()), { kind: 'ignore', reason: 'not_current_subscription' });
      assert.equal(decideTransition(null, stateEvent(0, { opening: true }), ctx()).kind, 'open');
      assert.deepEqual(decideTransition(null, stateEvent(0, { opening: true, status: 'incomplete' }), ctx()), { kind: 'ignore', reason: 'not_paid:incomplete' });
      assert.deepEqual(decideTransition(null, stateEvent(0, { opening: true }), ctx(0, true)), { kind: 'ignore', reason: 'subscription_ended' });
    });
    it('a checkout completing after its invoice changes only what the invoice did not say', () => {
      const t = decideTransition(paying({ providerUpdatedAt: null }), stateEvent(0, { opening: true }), ctx());
      assert.equal(t.kind, 'update');
    });
  });

  describe('the subscription ending', () => {
    it('runs to the end of the paid period (cancel at period end), then lapses', () => {
      const t = decideTransition(paying(), endedEvent(10), ctx(10));
      assert.deepEqual(t.kind === 'update' && [t.expiresAt, t.fields.billingStatus], [at(30), 'canceled']);
      assert.equal(decideTransition(paying(), endedEvent(30), ctx(30.01)).kind, 'lapse');
    });
    it('after a failed payment, ends at once: nothing beyond the paid period', () => {
      assert.equal(decideTransition(paying({ billingStatus: 'past_due', graceUntil: at(33) }), endedEvent(32), ctx(32)).kind, 'lapse');
    });
    it('ignores a second end, and one for a subscription that is not the current one', () => {
      assert.deepEqual(decideTransition(paying({ billingStatus: 'canceled' }), endedEvent(10), ctx(10)), { kind: 'ignore', reason: 'already_ended' });
      assert.deepEqual(decideTransition(paying({ externalRef: 'sub_2' }), endedEvent(10), ctx(10)), { kind: 'ignore', reason: 'not_current_subscription' });
    });
    it('a canceled status in an update is an end', () => {
      assert.equal(decideTransition(paying(), stateEvent(10, { status: 'canceled' }), ctx(10)).kind, 'update');
    });
  });

  it('records refunds and unhandled events without a transition', () => {
    assert.deepEqual(decideTransition(paying(), { ...base(1), kind: 'payment_recorded', payment: payment('refunded') }, ctx(1)), { kind: 'ignore', reason: 'payment_recorded' });
    assert.deepEqual(decideTransition(paying(), { ...base(1), kind: 'unhandled' }, ctx(1)), { kind: 'ignore', reason: 'unhandled_type' });
  });

  it('expiryOf: paid through, plus the grace while renewing, the grace end while past due', () => {
    const f = { billingStatus: 'active' as const, currentPeriodEnd: at(30), cancelAtPeriodEnd: false, graceUntil: null };
    assert.deepEqual(expiryOf(f, GRACE, at(0)), at(33));
    assert.deepEqual(expiryOf({ ...f, cancelAtPeriodEnd: true }, GRACE, at(0)), at(30));
    assert.deepEqual(expiryOf({ ...f, billingStatus: 'past_due', graceUntil: at(35) }, GRACE, at(0)), at(35));
  });

  it('addPeriod: a calendar month clamped to the month\'s last day, or a year', () => {
    assert.equal(addPeriod(new Date('2027-01-31T12:00:00Z'), 'monthly').toISOString(), '2027-02-28T12:00:00.000Z');
    assert.equal(addPeriod(new Date('2028-02-29T00:00:00Z'), 'yearly').toISOString(), '2029-02-28T00:00:00.000Z');
    assert.equal(addPeriod(new Date('2027-03-15T00:00:00Z'), 'monthly').toISOString(), '2027-04-15T00:00:00.000Z');
  });
});
