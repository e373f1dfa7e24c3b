/**
 * Moves a user to another plan inside the caller's transaction: the current
 * subscription is closed, a new one starts, the role follows the plan (unless
 * an admin set it by hand) and the new plan's limits are applied by pausing
 * what no longer fits. Shared by the expiry job and the admin plan change, so
 * both leave a user in the same state. The caller tells the runtime
 * ({@link planSwitchChanges}) once the transaction has committed.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { PLANS } from '../../../config/plans.ts';
import { DiscordAccount } from '../../db/entities/discord-account.ts';
import { ForwardingPair } from '../../db/entities/forwarding-pair.ts';
import { SubscriptionPlan } from '../../db/entities/subscription-plan.ts';
import { TelegramAccount } from '../../db/entities/telegram-account.ts';
import type { IUser, UserRole } from '../../db/entities/user.ts';
import { CURRENT_SUBSCRIPTION_STATUSES, UserSubscription, type IUserSubscription } from '../../db/entities/user-subscription.ts';
import { effectiveRole } from '../../domain/plans/effective-plan.ts';
import type { Tier } from '../../domain/plans/plan-types.ts';
import { UnknownPlanError } from '../../errors/registry.ts';
import type { RuntimeChange } from '../api-context.ts';
import { decideLimitEnforcement, type LimitEnforcement } from '../jobs/expiry-decision.ts';

export interface PlanSwitch {
  userId: string;
  fromPlan: Tier;
  toPlan: Tier;
  /** Expiry of the new subscription; null: never. */
  expiresAt: Date | null;
  roleBefore: UserRole;
  roleAfter: UserRole;
  paused: LimitEnforcement;
}

export interface SwitchPlanOptions {
  /** The user, loaded (and locked) in `em`'s transaction. */
  user: IUser;
  toPlan: Tier;
  expiresAt: Date | null;
  /** How the current subscription ends: `expired` by the job, `cancelled` when replaced. */
  closeAs: 'expired' | 'cancelled';
  now: Date;
  /** The payment provider's columns of the new subscription (billing). Default: none, an unpaid plan. */
  billing?: Partial<Pick<IUserSubscription,
    'provider' | 'externalRef' | 'billingStatus' | 'billingPeriod' | 'currentPeriodStart' | 'currentPeriodEnd' | 'cancelAtPeriodEnd' | 'graceUntil' | 'providerUpdatedAt'>>;
}

export async function switchPlan(em: EntityManager, options: SwitchPlanOptions): Promise<PlanSwitch> {
  const { user, toPlan, now } = options;
  const planRow = await em.findOne(SubscriptionPlan, { name: toPlan });
  if (planRow === null) throw new UnknownPlanError({ plan: toPlan });
  const current = await em.findOne(
    UserSubscription,
    { user: user.id, status: { $in: [...CURRENT_SUBSCRIPTION_STATUSES] } },
    { populate: ['plan'] },
  );
  // The plan subscribed to, even when it already lapsed: what the user is told they had.
  const fromPlan: Tier = current?.plan.getEntity().name ?? 'free';
  if (current !== null) {
    current.status = options.closeAs;
    if (options.closeAs === 'cancelled') current.cancelledAt = now;
    // Flushed before the new row: at most one current subscription per user (partial unique index).
    await em.flush();
  }
  em.create(UserSubscription, { user: user.id, plan: planRow.id, status: 'active', startedAt: now, expiresAt: options.expiresAt, ...options.billing });

  const roleBefore = user.role;
  user.role = effectiveRole(user.role, user.roleOverridden, toPlan);
  const paused = await applyPlanLimits(em, user.id, toPlan, now);
  await em.flush();
  return { userId: user.id, fromPlan, toPlan, expiresAt: options.expiresAt, roleBefore, roleAfter: user.role, paused };
}

/** Pauses the pairs and accounts beyond `plan`'s limits (oldest kept); returns what it paused. */
export async function applyPlanLimits(em: EntityManager, userId: string, plan: Tier, now: Date): Promise<LimitEnforcement> {
  const [pairs, telegram, discord] = await Promise.all([
    em.find(ForwardingPair, { user: userId }, { fields: ['id', 'status', 'createdAt'] }),
    em.find(TelegramAccount, { user: userId }, { fields: ['id', 'status', 'createdAt'] }),
    em.find(DiscordAccount, { user: userId }, { fields: ['id', 'status', 'createdAt'] }),
  ]);
  const decision = decideLimitEnforcement(
    PLANS[plan],
    pairs.map((p) => ({ id: p.id, status: p.status, createdAt: p.createdAt })),
    [
      ...telegram.map((a) => ({ id: a.id, platform: 'telegram' as const, status: a.status, createdAt: a.createdAt })),
      ...discord.map((a) => ({ id: a.id, platform: 'discord' as const, status: a.status, createdAt: a.createdAt })),
    ],
  );
  if (decision.pausePairs.length > 0) {
    await em.nativeUpdate(ForwardingPair, { id: { $in: decision.pausePairs } }, { status: 'paused', pausedReason: 'plan_limit', updatedAt: now });
  }
  const byPlatform = (platform: 'telegram' | 'discord') => decision.pauseAccounts.filter((a) => a.platform === platform).map((a) => a.id);
  if (byPlatform('telegram').length > 0) {
    await em.nativeUpdate(TelegramAccount, { id: { $in: byPlatform('telegram') } }, { status: 'paused', updatedAt: now });
  }
  if (byPlatform('discord').length > 0) {
    await em.nativeUpdate(DiscordAccount, { id: { $in: byPlatform('discord') } }, { status: 'paused', updatedAt: now });
  }
  return decision;
}

/** The runtime changes a committed switch causes: the user's plan, then each pause. */
export function planSwitchChanges(change: PlanSwitch): RuntimeChange[] {
  return [
    { kind: 'user', id: change.userId, userId: change.userId, action: 'upsert' },
    ...change.paused.pausePairs.map((id): RuntimeChange => ({ kind: 'pair', id, userId: change.userId, action: 'pause' })),
    ...change.paused.pauseAccounts.map((a): RuntimeChange => ({
      kind: a.platform === 'telegram' ? 'telegram_account' : 'discord_account', id: a.id, userId: change.userId, action: 'pause',
    })),
  ];
}
