/**
 * A user's standing against their plan: the counts the plan rules judge
 * (linked accounts, pairs) read from PostgreSQL, and this period's counters
 * from Redis and `usage_periods`. Every quota check of the API starts here,
 * so `/v1/usage` shows exactly the figures a refusal is based on.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { UsagePeriod } from '../../db/entities/usage-period.ts';
import type { UserRole, UserStatus } from '../../db/entities/user.ts';
import type { UsageSnapshot } from '../../domain/plans/plan-rules.ts';
import { sqlOn } from '../../db/raw-sql.ts';
import type { ApiContext } from '../api-context.ts';
import { maxCounters, readCounters, type PeriodCounters } from './usage-counters.ts';
import { usagePeriodAt, type UsagePeriodBounds } from './usage-period.ts';

/** Linked accounts and pairs of one user, as the plan rules count them. */
export interface ResourceCounts {
  /**
   * Linked accounts of both platforms that are not revoked: each holds a
   * session slot. A Telegram login in progress holds one only while it can
   * still complete (`login_expires_at` ahead), so an abandoned login never
   * blocks linking another account (see telegram-login/login-quota.ts).
   */
  sessions: number;
  /** Of those, the ones running (status active): what resuming one is checked against. */
  activeSessions: number;
  telegramAccounts: number;
  activeTelegramAccounts: number;
  discordAccounts: number;
  activeDiscordAccounts: number;
  pairs: number;
  activePairs: number;
}

/**
 * One query rather than six counts: every quota-checked write starts here.
 * Run on `em`'s connection, so inside a transaction it reads with the
 * transaction (and never waits for a second pooled connection).
 */
export async function countResources(ctx: ApiContext, em: EntityManager, userId: string): Promise<ResourceCounts> {
  const sql = sqlOn(ctx.orm, ctx.config.DATABASE_SCHEMA);
  const now = new Date(ctx.now());
  const [row] = await em.getConnection().execute<Array<Record<keyof ResourceCounts, number>>>(
    `select
       (select count(*) from ${sql.table('telegram_accounts')} where user_id = ? and status <> 'revoked'
          and (status not in ('pending_code', 'pending_password') or login_expires_at > ?))::int as "telegramAccounts",
       (select count(*) from ${sql.table('telegram_accounts')} where user_id = ? and status = 'active')::int as "activeTelegramAccounts",
       (select count(*) from ${sql.table('discord_accounts')} where user_id = ? and status <> 'revoked')::int as "discordAccounts",
       (select count(*) from ${sql.table('discord_accounts')} where user_id = ? and status = 'active')::int as "activeDiscordAccounts",
       (select count(*) from ${sql.table('forwarding_pairs')} where user_id = ?)::int as "pairs",
       (select count(*) from ${sql.table('forwarding_pairs')} where user_id = ? and status = 'active')::int as "activePairs"`,
    [userId, now, ...Array(5).fill(userId)],
    'all',
    em.getTransactionContext(),
  );
  const c = row as Record<keyof ResourceCounts, number>;
  return {
    ...c,
    sessions: c.telegramAccounts + c.discordAccounts,
    activeSessions: c.activeTelegramAccounts + c.activeDiscordAccounts,
  };
}

/** This period's counters: the larger of Redis and the last flush to `usage_periods`. */
export async function periodCounters(ctx: ApiContext, em: EntityManager, userId: string, period: UsagePeriodBounds): Promise<PeriodCounters> {
  const [live, stored] = await Promise.all([
    readCounters(ctx.redis, userId, period.label),
    em.findOne(UsagePeriod, { user: userId, periodStart: period.start }),
  ]);
  if (stored === null) return live;
  return maxCounters(live, { messages: stored.messagesForwarded, api_calls: stored.apiCalls, commands: stored.commands });
}

export interface UserUsage {
  period: UsagePeriodBounds;
  counts: ResourceCounts;
  counters: PeriodCounters;
  /** The input of `checkPlan`. */
  snapshot: UsageSnapshot;
}

export async function loadUserUsage(
  ctx: ApiContext,
  em: EntityManager,
  user: { id: string; role: UserRole; status: UserStatus },
): Promise<UserUsage> {
  const period = usagePeriodAt(new Date(ctx.now()));
  const [counts, counters] = await Promise.all([countResources(ctx, em, user.id), periodCounters(ctx, em, user.id, period)]);
  return { period, counts, counters, snapshot: usageSnapshot(user, counts, counters) };
}

export function usageSnapshot(
  user: { role: UserRole; status: UserStatus },
  counts: ResourceCounts,
  counters: PeriodCounters,
): UsageSnapshot {
  return {
    status: user.status,
    role: user.role,
    sessions: counts.sessions,
    telegramAccounts: counts.telegramAccounts,
    discordAccounts: counts.discordAccounts,
    pairs: counts.pairs,
    activePairs: counts.activePairs,
    messagesThisPeriod: counters.messages,
    commandsThisPeriod: counters.commands,
    apiCallsThisPeriod: counters.api_calls,
  };
}
