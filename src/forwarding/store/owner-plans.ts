/**
 * Each active user's plan as the runtime applies it: the current
 * subscription (active or trial, not past its expiry) or Free. Suspended and
 * deleted users are absent, so nothing of theirs runs.
 */
import { PLANS } from '../../../config/plans.ts';
import { effectivePlan, type SubscriptionStatus } from '../../domain/plans/effective-plan.ts';
import type { PlanDefinition, Tier } from '../../domain/plans/plan-types.ts';
import type { Sql } from '../../db/raw-sql.ts';

/** `expires_at` comes back as text: raw queries skip the ORM's type mapping. */
type Row = { id: string; plan: Tier | null; status: SubscriptionStatus | null; expires_at: string | null };

export async function loadOwnerPlans(sql: Sql, now: Date, userIds?: readonly string[]): Promise<Map<string, PlanDefinition>> {
  // MikroORM's `?` binding spreads arrays into lists, so the ids travel as one JSON string.
  const only = userIds === undefined ? '' : `and u.id::text in (select jsonb_array_elements_text(?::jsonb))`;
  const rows = await sql.all<Row>(
    `select u.id, sp.name as plan, s.status, s.expires_at
       from ${sql.table('users')} u
       left join ${sql.table('user_subscriptions')} s on s.user_id = u.id and s.status in ('active', 'trial')
       left join ${sql.table('subscription_plans')} sp on sp.id = s.plan_id
      where u.status = 'active' ${only}`,
    userIds === undefined ? [] : [JSON.stringify(userIds)],
  );
  const plans = new Map<string, PlanDefinition>();
  for (const row of rows) {
    const tier = row.plan === null || row.status === null
      ? 'free'
      : effectivePlan({ plan: row.plan, status: row.status, expiresAt: row.expires_at === null ? null : new Date(row.expires_at) }, now);
    plans.set(row.id, PLANS[tier] ?? PLANS.free);
  }
  return plans;
}
