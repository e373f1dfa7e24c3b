/**
 * The admin's view of users: one SQL query for a filtered, paginated page
 * (with each user's plan in force and resource counts), then this period's
 * counters for the users on the page. The plan is computed in SQL exactly as
 * `effectivePlan` does, so filtering by plan matches what the user gets.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { UsagePeriod } from '../../db/entities/usage-period.ts';
import type { UserRole, UserStatus } from '../../db/entities/user.ts';
import type { Tier } from '../../domain/plans/plan-types.ts';
import { sqlOn, type Sql } from '../../db/raw-sql.ts';
import type { ApiContext } from '../api-context.ts';
import { maxCounters, readCounters, type PeriodCounters } from '../usage/usage-counters.ts';
import { usagePeriodAt } from '../usage/usage-period.ts';

export interface UserQuery {
  /** Part of the email, case-insensitive. */
  email?: string;
  plan?: Tier;
  role?: UserRole;
  status?: UserStatus;
  limit: number;
  offset: number;
}

export interface DirectoryRow {
  id: string;
  email: string;
  role: UserRole;
  status: UserStatus;
  plan: Tier;
  createdAt: Date;
  lastLoginAt: Date | null;
  pairs: number;
  sessions: number;
  counters: PeriodCounters;
}

/** Users with the plan in force at `?` (the one parameter), for joins and filters. */
export function usersWithPlanSql(sql: Sql): string {
  return `select u.*,
            case when sp.name is null or (s.expires_at is not null and s.expires_at <= ?::timestamptz) then 'free' else sp.name end as plan
       from ${sql.table('users')} u
       left join ${sql.table('user_subscriptions')} s on s.user_id = u.id and s.status in ('active', 'trial')
       left join ${sql.table('subscription_plans')} sp on sp.id = s.plan_id`;
}

const likeEscape = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

type Row = {
  id: string; email: string; role: UserRole; status: UserStatus; plan: Tier; created_at: Date; last_login_at: Date | null;
  pairs: string; sessions: string; total: string;
};

export async function listUsers(ctx: ApiContext, em: EntityManager, query: UserQuery, now: Date): Promise<{ rows: DirectoryRow[]; total: number }> {
  const sql = sqlOn(ctx.orm, ctx.config.DATABASE_SCHEMA);
  const email = query.email === undefined ? null : `%${likeEscape(query.email.toLowerCase())}%`;
  const rows = await sql.all<Row>(
    `with u as (${usersWithPlanSql(sql)})
     select u.id, u.email, u.role, u.status, u.plan, u.created_at, u.last_login_at,
            (select count(*) from ${sql.table('forwarding_pairs')} p where p.user_id = u.id) as pairs,
            (select count(*) from ${sql.table('telegram_accounts')} t where t.user_id = u.id and t.status <> 'revoked')
              + (select count(*) from ${sql.table('discord_accounts')} d where d.user_id = u.id and d.status <> 'revoked') as sessions,
            count(*) over () as total
       from u
      where (?::text is null or u.email like ?::text escape '\\')
        and (?::text is null or u.plan = ?::text)
        and (?::text is null or u.role = ?::text)
        and (?::text is null or u.status = ?::text)
      order by u.created_at desc, u.id
      limit ? offset ?`,
    [now.toISOString(), email, email, query.plan ?? null, query.plan ?? null, query.role ?? null, query.role ?? null,
      query.status ?? null, query.status ?? null, query.limit, query.offset],
  );
  const counters = await countersOf(ctx, em, rows.map((r) => r.id), now);
  const total = rows.length > 0 ? Number(rows[0]!.total) : await countMatching(ctx, query, now);
  return {
    total,
    rows: rows.map((r) => ({
      id: r.id,
      email: r.email,
      role: r.role,
      status: r.status,
      plan: r.plan,
      createdAt: new Date(r.created_at),
      lastLoginAt: r.last_login_at === null ? null : new Date(r.last_login_at),
      pairs: Number(r.pairs),
      sessions: Number(r.sessions),
      counters: counters.get(r.id) as PeriodCounters,
    })),
  };
}

/** A page past the end has no rows to carry the window count; count on its own then. */
async function countMatching(ctx: ApiContext, query: UserQuery, now: Date): Promise<number> {
  if (query.offset === 0) return 0;
  const { total } = await listUsers(ctx, ctx.orm.em.fork(), { ...query, offset: 0, limit: 1 }, now);
  return total;
}

/** This period's counters of `userIds`: Redis and `usage_periods`, the larger of each. */
export async function countersOf(ctx: ApiContext, em: EntityManager, userIds: string[], now: Date): Promise<Map<string, PeriodCounters>> {
  const period = usagePeriodAt(now);
  const [live, stored] = await Promise.all([
    Promise.all(userIds.map((id) => readCounters(ctx.redis, id, period.label))),
    userIds.length === 0 ? [] : em.find(UsagePeriod, { user: { $in: userIds }, periodStart: period.start }),
  ]);
  const byUser = new Map(stored.map((s) => [s.user.id, { messages: s.messagesForwarded, api_calls: s.apiCalls, commands: s.commands }]));
  return new Map(userIds.map((id, i) => {
    const flushed = byUser.get(id);
    const redis = live[i] as PeriodCounters;
    return [id, flushed === undefined ? redis : maxCounters(redis, flushed)];
  }));
}
