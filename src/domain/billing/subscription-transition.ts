/**
 * The subscription state machine: given the user's current subscription
 * and one provider event, what changes. Pure (the clock and the grace are
 * arguments), so the rules are tested without a database or a provider.
 *
 * Rules that make late, repeated and out-of-order deliveries safe:
 * - a paid period no newer than the one stored changes nothing;
 * - a subscription update older than the last one applied is ignored;
 * - a subscription that ended is never reopened by a late event;
 * - an event about a subscription that is not the user's current one does
 *   not touch the current one (only a completed checkout or a new paid
 *   period may open it).
 * Duplicates by event id never get here: the caller drops them first.
 */
import type { BillingCycle, BillingProvider, BillingStatus } from '../../db/entities/user-subscription.ts';
import type { Tier } from '../plans/plan-types.ts';
import type { BillingEventFact } from './billing-event.ts';

/** The user's current subscription row as the state machine needs it; null: none (Free). */
export interface StoredSubscription {
  plan: Tier;
  expiresAt: Date | null;
  provider: BillingProvider | null;
  externalRef: string | null;
  billingStatus: BillingStatus | null;
  billingPeriod: BillingCycle | null;
  currentPeriodStart: Date | null;
  /** Paid through: the end of the last period paid for. */
  currentPeriodEnd: Date | null;
  cancelAtPeriodEnd: boolean;
  graceUntil: Date | null;
  providerUpdatedAt: Date | null;
}

/** The provider's columns of a subscription row. */
export interface BillingFields {
  provider: BillingProvider;
  externalRef: string;
  billingStatus: BillingStatus;
  billingPeriod: BillingCycle | null;
  currentPeriodStart: Date | null;
  currentPeriodEnd: Date | null;
  cancelAtPeriodEnd: boolean;
  graceUntil: Date | null;
  providerUpdatedAt: Date | null;
}

export type Transition =
  /** Nothing changes; `reason` is recorded with the event. */
  | { kind: 'ignore'; reason: string }
  /** Move the user to `plan` (a new subscription row) with these fields. */
  | { kind: 'open'; plan: Tier; fields: BillingFields; expiresAt: Date; mail: TransitionMail | null }
  /** Same plan, same row: these fields change. */
  | { kind: 'update'; fields: BillingFields; expiresAt: Date; mail: TransitionMail | null }
  /** The paid time is over: back to Free now. */
  | { kind: 'lapse'; fields: BillingFields };

/** A mail the transition warrants. */
export type TransitionMail = 'payment_failed';

export interface TransitionContext {
  now: Date;
  graceMs: number;
  /** The event's provider subscription ended here before (a late event must not reopen it). */
  ended: boolean;
}

const max = (a: Date, b: Date): Date => (a.getTime() >= b.getTime() ? a : b);
const after = (a: Date | null, b: Date | null): boolean => a !== null && (b === null || a.getTime() > b.getTime());

/**
 * When the plan lapses given its fields: at the end of the paid period when
 * it will not renew; that plus the grace while it renews (the renewal is
 * charged after the period ends, and a webhook may come late); the grace's
 * end while a failed payment is outstanding.
 */
export function expiryOf(fields: Pick<BillingFields, 'billingStatus' | 'currentPeriodEnd' | 'cancelAtPeriodEnd' | 'graceUntil'>, graceMs: number, now: Date): Date {
  const paidThrough = fields.currentPeriodEnd ?? now;
  if (fields.billingStatus === 'canceled' || fields.cancelAtPeriodEnd) return paidThrough;
  if (fields.billingStatus === 'past_due' && fields.graceUntil !== null) return max(paidThrough, fields.graceUntil);
  return new Date(paidThrough.getTime() + graceMs);
}

function storedFields(s: StoredSubscription): BillingFields {
  return {
    provider: s.provider!,
    externalRef: s.externalRef!,
    billingStatus: s.billingStatus ?? 'active',
    billingPeriod: s.billingPeriod,
    currentPeriodStart: s.currentPeriodStart,
    currentPeriodEnd: s.currentPeriodEnd,
    cancelAtPeriodEnd: s.cancelAtPeriodEnd,
    graceUntil: s.graceUntil,
    providerUpdatedAt: s.providerUpdatedAt,
  };
}

function changeTo(stored: StoredSubscription, plan: Tier, fields: BillingFields, ctx: TransitionContext, mail: TransitionMail | null = null): Transition {
  const expiresAt = expiryOf(fields, ctx.graceMs, ctx.now);
  if (expiresAt.getTime() <= ctx.now.getTime()) return { kind: 'lapse', fields };
  return plan === stored.plan ? { kind: 'update', fields, expiresAt, mail } : { kind: 'open', plan, fields, expiresAt, mail };
}

function open(plan: Tier, fields: BillingFields, ctx: TransitionContext): Transition {
  const expiresAt = expiryOf(fields, ctx.graceMs, ctx.now);
  if (expiresAt.getTime() <= ctx.now.getTime()) return { kind: 'ignore', reason: 'period_over' };
  return { kind: 'open', plan, fields, expiresAt, mail: null };
}

export function decideTransition(stored: StoredSubscription | null, event: BillingEventFact, ctx: TransitionContext): Transition {
  if (event.kind === 'unhandled') return { kind: 'ignore', reason: 'unhandled_type' };
  if (event.kind === 'payment_recorded') return { kind: 'ignore', reason: 'payment_recorded' };
  const ours = stored !== null && stored.provider === event.provider && stored.externalRef === event.externalRef ? stored : null;

  switch (event.kind) {
    case 'period_paid': {
      const period = periodOf(event, ours);
      const fields = (base: BillingFields | null): BillingFields => ({
        provider: event.provider,
        externalRef: event.externalRef,
        billingStatus: 'active',
        billingPeriod: event.period ?? base?.billingPeriod ?? null,
        currentPeriodStart: period.start,
        currentPeriodEnd: period.end,
        cancelAtPeriodEnd: event.prepaid !== undefined || (base?.cancelAtPeriodEnd ?? false),
        graceUntil: null,
        providerUpdatedAt: base?.providerUpdatedAt ?? null,
      });
      if (ours !== null) {
        if (!after(period.end, ours.currentPeriodEnd)) return { kind: 'ignore', reason: 'older_period' };
        return changeTo(ours, ours.plan, fields(storedFields(ours)), ctx);
      }
      if (ctx.ended) return { kind: 'ignore', reason: 'subscription_ended' };
      return open(event.plan, fields(null), ctx);
    }
    case 'payment_failed': {
      if (ours === null) return { kind: 'ignore', reason: 'not_current_subscription' };
      if (event.periodEnd !== null && !after(event.periodEnd, ours.currentPeriodEnd)) return { kind: 'ignore', reason: 'older_period' };
      if (ours.billingStatus === 'past_due') return { kind: 'ignore', reason: 'already_in_grace' };
      if (ours.billingStatus === 'canceled') return { kind: 'ignore', reason: 'subscription_ended' };
      const graceUntil = new Date(event.occurredAt.getTime() + ctx.graceMs);
      return changeTo(ours, ours.plan, { ...storedFields(ours), billingStatus: 'past_due', graceUntil }, ctx, 'payment_failed');
    }
    case 'subscription_state': {
      if (event.status === 'canceled') return ended(ours, event.occurredAt, ctx);
      if (ours !== null) {
        if (ours.providerUpdatedAt !== null && event.occurredAt.getTime() < ours.providerUpdatedAt.getTime()) {
          return { kind: 'ignore', reason: 'older_update' };
        }
        if (ours.billingStatus === 'canceled') return { kind: 'ignore', reason: 'subscription_ended' };
        const fields: BillingFields = {
          ...storedFields(ours),
          billingPeriod: event.period ?? ours.billingPeriod,
          cancelAtPeriodEnd: event.cancelAtPeriodEnd,
          providerUpdatedAt: event.occurredAt,
        };
        return changeTo(ours, event.plan, fields, ctx);
      }
      if (!event.opening) return { kind: 'ignore', reason: 'not_current_subscription' };
      if (ctx.ended) return { kind: 'ignore', reason: 'subscription_ended' };
      if (event.status !== 'active' || event.periodEnd === null) return { kind: 'ignore', reason: `not_paid:${event.status}` };
      return open(event.plan, {
        provider: event.provider,
        externalRef: event.externalRef,
        billingStatus: 'active',
        billingPeriod: event.period,
        currentPeriodStart: event.periodStart,
        currentPeriodEnd: event.periodEnd,
        cancelAtPeriodEnd: event.cancelAtPeriodEnd,
        graceUntil: null,
        providerUpdatedAt: event.occurredAt,
      }, ctx);
    }
    case 'subscription_ended':
      return ended(ours, event.occurredAt, ctx);
  }
}

/** Adds one billing period: a calendar month (clamped to its last day, as Stripe bills) or a year. */
export function addPeriod(from: Date, cycle: BillingCycle): Date {
  const d = new Date(from.getTime());
  const day = d.getUTCDate();
  d.setUTCDate(1);
  if (cycle === 'monthly') d.setUTCMonth(d.getUTCMonth() + 1);
  else d.setUTCFullYear(d.getUTCFullYear() + 1);
  const last = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate();
  d.setUTCDate(Math.min(day, last));
  return d;
}

/** The period a payment pays for: the provider's, or for a prepaid one, from where the paid time ends. */
function periodOf(event: Extract<BillingEventFact, { kind: 'period_paid' }>, ours: StoredSubscription | null): { start: Date; end: Date } {
  if (event.prepaid === undefined) return { start: event.periodStart, end: event.periodEnd };
  const start = ours?.currentPeriodEnd !== null && ours?.currentPeriodEnd !== undefined ? max(ours.currentPeriodEnd, event.occurredAt) : event.occurredAt;
  return { start, end: addPeriod(start, event.prepaid) };
}

/** The provider ended it: the plan runs to the end of what was paid (no grace: nothing will renew). */
function ended(ours: StoredSubscription | null, at: Date, ctx: TransitionContext): Transition {
  if (ours === null) return { kind: 'ignore', reason: 'not_current_subscription' };
  if (ours.billingStatus === 'canceled') return { kind: 'ignore', reason: 'already_ended' };
  const fields: BillingFields = { ...storedFields(ours), billingStatus: 'canceled', cancelAtPeriodEnd: true, graceUntil: null, providerUpdatedAt: max(at, ours.providerUpdatedAt ?? at) };
  return changeTo(ours, ours.plan, fields, ctx);
}
