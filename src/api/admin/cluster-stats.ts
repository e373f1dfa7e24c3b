/**
 * `GET /v1/admin/stats`: users and pairs by tier (the plan in force now),
 * users by role and status, and messages forwarded this period by tier,
 * each user's count being the larger of Redis and the last flush.
 */
import { z } from 'zod';
import { UsagePeriod } from '../../db/entities/usage-period.ts';
import { TIERS_BY_PRIORITY, type Tier } from '../../domain/plans/plan-types.ts';
import { sqlOn } from '../../db/raw-sql.ts';
import type { ApiContext } from '../api-context.ts';
import { scanCounters } from '../usage/usage-counters.ts';
import { usagePeriodAt } from '../usage/usage-period.ts';
import { usersWithPlanSql } from './user-directory.ts';

const byTier = z.object({ free: z.number().int(), pro: z.number().int(), elite: z.number().int() });

export const statsSchema = z.object({
  period: z.object({ start: z.iso.datetime({ offset: true }), end: z.iso.datetime({ offset: true }) }),
  users: z.object({
    total: z.number().int(),
    byTier,
    byRole: z.record(z.string(), z.number().int()),
    byStatus: z.record(z.string(), z.number().int()),
  }),
  pairs: z.object({ total: z.number().int(), active: byTier, paused: byTier }),
  messagesThisPeriod: z.object({ total: z.number().int(), byTier }),
});

export type Stats = z.infer<typeof statsSchema>;

const zeroTiers = (): Record<Tier, number> => ({ free: 0, pro: 0, elite: 0 });

export async function clusterStats(ctx: ApiContext, now: Date): Promise<Stats> {
  const sql = sqlOn(ctx.orm, ctx.config.DATABASE_SCHEMA);
  const period = usagePeriodAt(now);
  const withPlan = usersWithPlanSql(sql);
  const [users, pairs, counters, flushed] = await Promise.all([
    sql.all<{ id: string; plan: Tier; role: string; status: string }>(`select id, plan, role, status from (${withPlan}) u`, [now.toISOString()]),
    sql.all<{ plan: Tier; status: 'active' | 'paused'; n: string }>(
      `select u.plan, p.status, count(*) as n from ${sql.table('forwarding_pairs')} p join (${withPlan}) u on u.id = p.user_id group by 1, 2`,
      [now.toISOString()],
    ),
    scanCounters(ctx.redis, ctx.config.REDIS_KEY_PREFIX, period.label),
    ctx.orm.em.fork().find(UsagePeriod, { periodStart: period.start }, { fields: ['user', 'messagesForwarded'] }),
  ]);
  const stats: Stats = {
    period: { start: period.start.toISOString(), end: period.end.toISOString() },
    users: { total: users.length, byTier: zeroTiers(), byRole: {}, byStatus: {} },
    pairs: { total: 0, active: zeroTiers(), paused: zeroTiers() },
    messagesThisPeriod: { total: 0, byTier: zeroTiers() },
  };
  const tierOf = new Map<string, Tier>();
  for (const u of users) {
    tierOf.set(u.id, u.plan);
    stats.users.byTier[u.plan] += 1;
    stats.users.byRole[u.role] = (stats.users.byRole[u.role] ?? 0) + 1;
    stats.users.byStatus[u.status] = (stats.users.byStatus[u.status] ?? 0) + 1;
  }
  for (const p of pairs) {
    stats.pairs[p.status][p.plan] += Number(p.n);
    stats.pairs.total += Number(p.n);
  }
  const messages = new Map<string, number>();
  for (const row of flushed) messages.set(row.user.id, row.messagesForwarded);
  for (const [userId, c] of counters) messages.set(userId, Math.max(messages.get(userId) ?? 0, c.messages));
  for (const [userId, n] of messages) {
    const tier = tierOf.get(userId);
    if (tier === undefined || !TIERS_BY_PRIORITY.includes(tier)) continue;
    stats.messagesThisPeriod.byTier[tier] += n;
    stats.messagesThisPeriod.total += n;
  }
  return stats;
}
