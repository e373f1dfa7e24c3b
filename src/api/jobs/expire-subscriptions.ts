/**
 * The DB half of plan expiry: every subscription whose time is up goes back
 * to Free (status `expired`, a new Free row), the Free limits are applied
 * (newest pairs and accounts beyond them paused, `paused_reason =
 * 'plan_limit'`), the role follows, and the user is told: an audit event,
 * a mail, and the runtime. One transaction per user, with the user row
 * locked, so a plan change racing the job is applied first or after, never
 * half; a user whose subscription was renewed meanwhile is left alone.
 */
import { LockMode } from '@mikro-orm/core';
import { PLANS } from '../../../config/plans.ts';
import { User } from '../../db/entities/user.ts';
import { CURRENT_SUBSCRIPTION_STATUSES, UserSubscription } from '../../db/entities/user-subscription.ts';
import type { ApiContext } from '../api-context.ts';
import { recordAudit } from '../audit/record-audit.ts';
import { planSwitchChanges, switchPlan, type PlanSwitch } from '../subscriptions/switch-plan.ts';
import { tellRuntime } from '../tell-runtime.ts';
import { noticePausedPairs } from './chat-notices.ts';
import { selectExpired, type SubscriptionRow } from './expiry-decision.ts';

/** Subscriptions handled per run; the next run takes the rest. */
const BATCH = 500;

export interface ExpiryReport {
  expired: PlanSwitch[];
}

async function expireOne(ctx: ApiContext, row: SubscriptionRow, now: Date): Promise<{ change: PlanSwitch; email: string; paymentFailed: boolean } | null> {
  return ctx.orm.em.fork().transactional(async (em) => {
    const user = await em.findOne(User, { id: row.userId }, { lockMode: LockMode.PESSIMISTIC_WRITE });
    if (user === null) return null;
    const still = await em.findOne(UserSubscription, { id: row.id, status: { $in: [...CURRENT_SUBSCRIPTION_STATUSES] } });
    // Renewed or changed by an admin since the scan: nothing has lapsed any more.
    if (still === null || still.expiresAt === null || still.expiresAt === undefined || still.expiresAt.getTime() > now.getTime()) return null;
    // A failed payment's grace ran out. The row keeps `past_due`: should the provider's retry succeed later, its invoice reopens the plan.
    const paymentFailed = still.billingStatus === 'past_due';
    const change = await switchPlan(em, { user, toPlan: 'free', expiresAt: null, closeAs: 'expired', now });
    recordAudit(em, {
      action: paymentFailed ? 'billing.grace_ended' : 'subscription.expired',
      actorUserId: null,
      targetType: 'user',
      targetId: user.id,
      ip: null,
      before: {
        plan: row.plan, role: change.roleBefore, subscriptionId: row.id, expiresAt: still.expiresAt.toISOString(),
        ...(still.provider === null || still.provider === undefined ? {} : { provider: still.provider, externalRef: still.externalRef ?? null }),
      },
      after: { plan: 'free', role: change.roleAfter, pausedPairs: change.paused.pausePairs, pausedAccounts: change.paused.pauseAccounts },
    });
    await em.flush();
    return { change, email: user.email, paymentFailed };
  });
}

/** The mail of a plan that ended; `paymentFailed` when a failed payment's grace ran out. */
export function expiryMail(change: PlanSwitch, fromPlan: string, paymentFailed = false): string {
  const free = PLANS.free;
  const lines = [
    paymentFailed
      ? `The payment for your ${fromPlan} plan did not go through before its grace period ended, so your account is now on the ${free.displayName} plan.`
      : `Your ${fromPlan} plan has ended and your account is now on the ${free.displayName} plan.`,
    '',
    `The ${free.displayName} plan allows ${free.limits.pairs ?? 'unlimited'} pairs and ${free.limits.sessions ?? 'unlimited'} linked account(s).`,
  ];
  if (change.paused.pausePairs.length > 0) {
    lines.push('', 'These pairs were paused (the oldest were kept running):', ...change.paused.pausePairs.map((id) => `  - pair ${id}`));
  }
  if (change.paused.pauseAccounts.length > 0) {
    lines.push('', 'These linked accounts were paused:', ...change.paused.pauseAccounts.map((a) => `  - ${a.platform} account ${a.id}`));
  }
  lines.push('', 'Upgrade again to resume them: GET /v1/upgrade lists the options.');
  return lines.join('\n');
}

/** Expires every lapsed subscription as of `now`; safe to run concurrently and repeatedly. */
export async function runExpiry(ctx: ApiContext, now: Date): Promise<ExpiryReport> {
  const candidates = await ctx.orm.em.fork().find(
    UserSubscription,
    { status: { $in: [...CURRENT_SUBSCRIPTION_STATUSES] }, expiresAt: { $lte: now } },
    { populate: ['plan'], orderBy: { expiresAt: 'asc' }, limit: BATCH },
  );
  const rows = selectExpired(candidates.map((s) => ({
    id: s.id,
    userId: s.user.id,
    plan: s.plan.getEntity().name,
    status: s.status,
    expiresAt: s.expiresAt ?? null,
  })), now);
  const expired: PlanSwitch[] = [];
  for (const row of rows) {
    const done = await expireOne(ctx, row, now);
    if (done === null) continue;
    expired.push(done.change);
    await tellRuntime(ctx, planSwitchChanges(done.change));
    await noticePausedPairs(ctx, done.change, now);
    try {
      await ctx.mailer.send({
        to: done.email,
        subject: `Your ${PLANS[row.plan].displayName} plan has ended`,
        text: expiryMail(done.change, PLANS[row.plan].displayName, done.paymentFailed),
      });
    } catch (err) {
      // The audit event already records the change; the mail is a courtesy.
      ctx.logger.warn({ err, userId: row.userId }, 'plan expiry mail not sent');
    }
  }
  if (expired.length > 0) ctx.logger.info({ expired: expired.length }, 'subscriptions expired');
  return { expired };
}
