/**
 * The one way a payment provider changes a subscription. In one
 * transaction, with the user's row locked (so two events of one user apply
 * one after the other): the event id is checked against the processed
 * events (a duplicate changes nothing), the state machine decides, the
 * subscription is written (a plan change through switchPlan, which applies
 * the limits), the payment row, the audit entry and the processed event.
 * After the commit the runtime is told (priority and limits change at
 * once) and the user is mailed when the transition warrants it.
 */
import { LockMode, UniqueConstraintViolationException } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { PLANS } from '../../../config/plans.ts';
import { BillingEvent } from '../../db/entities/billing-event.ts';
import { Payment } from '../../db/entities/payment.ts';
import { SubscriptionPlan } from '../../db/entities/subscription-plan.ts';
import { User, type IUser } from '../../db/entities/user.ts';
import { CURRENT_SUBSCRIPTION_STATUSES, UserSubscription, type IUserSubscription } from '../../db/entities/user-subscription.ts';
import { externalRefOf, paymentOf, type BillingEventFact, type PaymentFact } from '../../domain/billing/billing-event.ts';
import { decideTransition, type StoredSubscription, type Transition } from '../../domain/billing/subscription-transition.ts';
import type { ApiContext } from '../api-context.ts';
import { recordAudit } from '../audit/record-audit.ts';
import { expiryMail } from '../jobs/expire-subscriptions.ts';
import { noticePausedPairs } from '../jobs/chat-notices.ts';
import type { MailMessage } from '../mail/mailer.ts';
import { planSwitchChanges, switchPlan, type PlanSwitch } from '../subscriptions/switch-plan.ts';
import { tellRuntime } from '../tell-runtime.ts';
import { paymentFailedMail } from './billing-mails.ts';

const DAY_MS = 86_400_000;

export interface AppliedBillingEvent {
  /** The event was processed before: nothing was changed now. */
  duplicate: boolean;
  /** What it did (`open`, `update`, `lapse`) or why it changed nothing (`ignored:older_period`...). */
  outcome: string;
  userId: string | null;
  /** The plan switch it made, if it moved the user to another plan. */
  change: PlanSwitch | null;
}

function stored(row: IUserSubscription | null): StoredSubscription | null {
  if (row === null) return null;
  return {
    plan: row.plan.getEntity().name,
    expiresAt: row.expiresAt ?? null,
    provider: row.provider ?? null,
    externalRef: row.externalRef ?? null,
    billingStatus: row.billingStatus ?? null,
    billingPeriod: row.billingPeriod ?? null,
    currentPeriodStart: row.currentPeriodStart ?? null,
    currentPeriodEnd: row.currentPeriodEnd ?? null,
    cancelAtPeriodEnd: row.cancelAtPeriodEnd,
    graceUntil: row.graceUntil ?? null,
    providerUpdatedAt: row.providerUpdatedAt ?? null,
  };
}

/** Writes the payment row unless this payment was recorded already (another event about it). */
async function recordPayment(em: EntityManager, userId: string, payment: PaymentFact, provider: string): Promise<boolean> {
  if (await em.count(Payment, { provider, externalId: payment.externalId }) > 0) return false;
  const plan = payment.plan === null ? null : await em.findOne(SubscriptionPlan, { name: payment.plan }, { fields: ['id'] });
  em.create(Payment, {
    user: userId, provider, externalId: payment.externalId, amountCents: payment.amountCents, currency: payment.currency.toLowerCase(),
    status: payment.status, plan: plan?.id ?? null, paidAt: payment.status === 'succeeded' ? payment.at : null, raw: payment.raw,
  });
  return true;
}

const iso = (d: Date | null): string | null => d?.toISOString() ?? null;

function fieldsView(f: Pick<StoredSubscription, 'billingStatus' | 'currentPeriodEnd' | 'cancelAtPeriodEnd' | 'graceUntil'>, expiresAt: Date | null): Record<string, unknown> {
  return {
    billingStatus: f.billingStatus, currentPeriodEnd: iso(f.currentPeriodEnd), cancelAtPeriodEnd: f.cancelAtPeriodEnd,
    graceUntil: iso(f.graceUntil), expiresAt: iso(expiresAt),
  };
}

interface TxResult extends AppliedBillingEvent {
  mail: MailMessage | null;
}

async function applyIn(em: EntityManager, ctx: ApiContext, event: BillingEventFact, user: IUser | null, now: Date): Promise<TxResult> {
  const seen = await em.count(BillingEvent, { provider: event.provider, eventId: event.eventId });
  if (seen > 0) return { duplicate: true, outcome: 'duplicate', userId: user?.id ?? null, change: null, mail: null };
  const record = (outcome: string) => em.create(BillingEvent, { provider: event.provider, eventId: event.eventId, eventType: event.eventType, user: user?.id ?? null, outcome });
  if (user === null) {
    record('ignored:unknown_user');
    await em.flush();
    return { duplicate: false, outcome: 'ignored:unknown_user', userId: null, change: null, mail: null };
  }

  const row = await em.findOne(UserSubscription, { user: user.id, status: { $in: [...CURRENT_SUBSCRIPTION_STATUSES] } }, { populate: ['plan'] });
  const ref = externalRefOf(event);
  const ended = ref !== null && await em.count(UserSubscription, { user: user.id, provider: event.provider, externalRef: ref, billingStatus: 'canceled' }) > 0;
  const transition: Transition = decideTransition(stored(row), event, { now, graceMs: ctx.config.BILLING_GRACE_DAYS * DAY_MS, ended });

  const payment = paymentOf(event);
  const paymentRecorded = payment !== null && await recordPayment(em, user.id, payment, event.provider);
  let change: PlanSwitch | null = null;
  let mail: MailMessage | null = null;
  const before = row === null ? { plan: 'free' } : { plan: row.plan.getEntity().name, ...fieldsView(stored(row)!, row.expiresAt ?? null) };

  if (transition.kind === 'open') {
    change = await switchPlan(em, { user, toPlan: transition.plan, expiresAt: transition.expiresAt, closeAs: 'cancelled', now, billing: transition.fields });
  } else if (transition.kind === 'update') {
    em.assign(row!, { ...transition.fields, expiresAt: transition.expiresAt });
  } else if (transition.kind === 'lapse') {
    em.assign(row!, transition.fields);
    change = await switchPlan(em, { user, toPlan: 'free', expiresAt: null, closeAs: 'expired', now });
    mail = { to: user.email, subject: `Your ${PLANS[change.fromPlan].displayName} plan has ended`, text: expiryMail(change, PLANS[change.fromPlan].displayName) };
  }
  if (transition.kind === 'open' || transition.kind === 'update') {
    if (transition.mail === 'payment_failed') {
      mail = paymentFailedMail(user.email, row!.plan.getEntity().name, transition.fields.graceUntil!, 'Update your payment method in the customer portal: POST /v1/billing/portal gives its link.');
    }
  }

  const outcome = transition.kind === 'ignore' ? `ignored:${transition.reason}` : transition.kind;
  if (transition.kind !== 'ignore' || paymentRecorded) {
    recordAudit(em, {
      action: `billing.${event.kind}`,
      actorUserId: null,
      targetType: 'user',
      targetId: user.id,
      ip: null,
      before,
      after: {
        provider: event.provider, eventId: event.eventId, eventType: event.eventType, outcome,
        ...(payment === null ? {} : { payment: { externalId: payment.externalId, status: payment.status, amountCents: payment.amountCents, currency: payment.currency } }),
        ...(transition.kind === 'ignore' ? {} : {
          plan: change?.toPlan ?? row!.plan.getEntity().name,
          ...fieldsView(transition.fields, transition.kind === 'lapse' ? now : transition.expiresAt),
          ...(change === null ? {} : { role: change.roleAfter, pausedPairs: change.paused.pausePairs, pausedAccounts: change.paused.pauseAccounts }),
        }),
      },
    });
  }
  record(outcome);
  await em.flush();
  return { duplicate: false, outcome, userId: user.id, change, mail };
}

/**
 * Applies `event` for `userId` (null: the provider named no user of ours;
 * the event is recorded and changes nothing). Safe to call with the same
 * event any number of times, concurrently too.
 */
export async function applyBillingEvent(ctx: ApiContext, event: BillingEventFact, userId: string | null): Promise<AppliedBillingEvent> {
  const now = new Date(ctx.now());
  let result: TxResult;
  try {
    result = await ctx.orm.em.fork().transactional(async (em) => {
      const user = userId === null ? null : await em.findOne(User, { id: userId }, { lockMode: LockMode.PESSIMISTIC_WRITE });
      return applyIn(em, ctx, event, user, now);
    });
  } catch (err) {
    // The same event delivered twice at once, to two API processes: the second insert of its id lost.
    if (err instanceof UniqueConstraintViolationException) return { duplicate: true, outcome: 'duplicate', userId, change: null, mail: null } as AppliedBillingEvent;
    throw err;
  }
  if (result.change !== null) {
    await tellRuntime(ctx, planSwitchChanges(result.change));
    await noticePausedPairs(ctx, result.change, now);
  } else if (result.userId !== null && (result.outcome === 'update')) {
    await tellRuntime(ctx, [{ kind: 'user', id: result.userId, userId: result.userId, action: 'upsert' }]);
  }
  if (result.mail !== null) {
    try {
      await ctx.mailer.send(result.mail);
    } catch (err) {
      // The audit entry records the change; the mail is a courtesy.
      ctx.logger.warn({ err, userId: result.userId }, 'billing mail not sent');
    }
  }
  const { mail: _mail, ...applied } = result;
  return applied;
}
