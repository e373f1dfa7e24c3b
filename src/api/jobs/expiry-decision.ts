/**
 * The pure half of the plan expiry job: which subscriptions have lapsed, and
 * what a plan's limits mean for what a user has. No I/O and no clock: the DB
 * half (expire-subscriptions.ts) and the admin plan change feed it rows and
 * apply the answer, so the rules are tested without a database.
 */
import { effectivePlan, type SubscriptionStatus } from '../../domain/plans/effective-plan.ts';
import type { PlanDefinition, Tier } from '../../domain/plans/plan-types.ts';

export interface SubscriptionRow {
  id: string;
  userId: string;
  plan: Tier;
  status: SubscriptionStatus;
  expiresAt: Date | null;
}

/**
 * Current subscriptions whose expiry has come (an expiry exactly at `now`
 * counts, as in `effectivePlan`). A lapsed Free row is included too: it is
 * replaced by a Free row that never expires.
 */
export function selectExpired(subscriptions: readonly SubscriptionRow[], now: Date): SubscriptionRow[] {
  return subscriptions.filter((s) => (s.status === 'active' || s.status === 'trial')
    && s.expiresAt !== null
    && effectivePlan({ plan: 'elite', status: s.status, expiresAt: s.expiresAt }, now) === 'free');
}

export interface PairRow {
  id: string;
  status: 'active' | 'paused';
  createdAt: Date;
}

export interface AccountRow {
  id: string;
  platform: 'telegram' | 'discord';
  status: string;
  createdAt: Date;
}

export interface LimitEnforcement {
  /** Active pairs to pause with `paused_reason = 'plan_limit'`. */
  pausePairs: string[];
  /** Active accounts to pause. */
  pauseAccounts: Array<{ id: string; platform: 'telegram' | 'discord' }>;
}

const oldestFirst = <T extends { createdAt: Date; id: string }>(a: T, b: T) =>
  a.createdAt.getTime() - b.createdAt.getTime() || a.id.localeCompare(b.id);

/**
 * What has to pause for `plan`'s limits to hold: the oldest active pairs up
 * to the pair limit stay active, the newer ones pause; likewise active
 * accounts against the session limit, the per-platform limits and (for a
 * second Telegram account) multi-account. Already paused things stay as they are.
 */
export function decideLimitEnforcement(plan: PlanDefinition, pairs: readonly PairRow[], accounts: readonly AccountRow[]): LimitEnforcement {
  const { limits, features } = plan;
  const activePairs = pairs.filter((p) => p.status === 'active').sort(oldestFirst);
  const pausePairs = limits.pairs === null ? [] : activePairs.slice(limits.pairs).map((p) => p.id);

  const kept = { total: 0, telegram: 0, discord: 0 };
  const pauseAccounts: LimitEnforcement['pauseAccounts'] = [];
  for (const account of accounts.filter((a) => a.status === 'active').sort(oldestFirst)) {
    const platformLimit = account.platform === 'telegram'
      ? (features.multiAccount ? limits.telegramAccounts : Math.min(1, limits.telegramAccounts ?? 1))
      : limits.discordAccounts;
    const fits = (limits.sessions === null || kept.total < limits.sessions)
      && (platformLimit === null || kept[account.platform] < platformLimit);
    if (fits) {
      kept.total += 1;
      kept[account.platform] += 1;
    } else {
      pauseAccounts.push({ id: account.id, platform: account.platform });
    }
  }
  return { pausePairs, pauseAccounts };
}
