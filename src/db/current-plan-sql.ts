/**
 * A user's current plan in a raw query: the current subscription (active or
 * trial) and its plan name joined beside the user, and the row read back
 * through the pure rules of effective-plan.ts (no subscription, or one past
 * its expiry, is Free). Shared by the runtime's plan view and per-request
 * authentication, so both read a plan the same way.
 */
import { PLANS } from '../../config/plans.ts';
import { effectivePlan, type SubscriptionStatus } from '../domain/plans/effective-plan.ts';
import type { PlanDefinition, Tier } from '../domain/plans/plan-types.ts';
import { CURRENT_SUBSCRIPTION_STATUSES } from './entities/user-subscription.ts';
import type { Sql } from './raw-sql.ts';

/** The columns {@link currentPlanJoin} adds, to list in the select. */
export const CURRENT_PLAN_COLUMNS = 'sp.name as plan, s.status as sub_status, s.expires_at';

/** What {@link CURRENT_PLAN_COLUMNS} reads; `expires_at` comes back as text (raw queries skip the ORM's type mapping). */
export interface CurrentPlanRow {
  plan: Tier | null;
  sub_status: SubscriptionStatus | null;
  expires_at: string | null;
}

/** Left joins for the user whose id is `userColumn` (e.g. `u.id`). */
export function currentPlanJoin(sql: Sql, userColumn: string): string {
  const statuses = CURRENT_SUBSCRIPTION_STATUSES.map((s) => `'${s}'`).join(', ');
  return `left join ${sql.table('user_subscriptions')} s on s.user_id = ${userColumn} and s.status in (${statuses})
          left join ${sql.table('subscription_plans')} sp on sp.id = s.plan_id`;
}

export function planOfRow(row: CurrentPlanRow, now: Date): PlanDefinition {
  if (row.plan === null || row.sub_status === null) return PLANS.free;
  const expiresAt = row.expires_at === null ? null : new Date(row.expires_at);
  return PLANS[effectivePlan({ plan: row.plan, status: row.sub_status, expiresAt }, now)] ?? PLANS.free;
}
