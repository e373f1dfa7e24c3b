/**
 * Each active user's plan as the runtime applies it: the current
 * subscription (active or trial, not past its expiry) or Free. Suspended and
 * deleted users are absent, so nothing of theirs runs.
 */
import { CURRENT_PLAN_COLUMNS, currentPlanJoin, planOfRow, type CurrentPlanRow } from '../../db/current-plan-sql.ts';
import type { PlanDefinition } from '../../domain/plans/plan-types.ts';
import type { Sql } from '../../db/raw-sql.ts';

export async function loadOwnerPlans(sql: Sql, now: Date, userIds?: readonly string[]): Promise<Map<string, PlanDefinition>> {
  // MikroORM's `?` binding spreads arrays into lists, so the ids travel as one JSON string.
  const only = userIds === undefined ? '' : `and u.id::text in (select jsonb_array_elements_text(?::jsonb))`;
  const rows = await sql.all<CurrentPlanRow & { id: string }>(
    `select u.id, ${CURRENT_PLAN_COLUMNS}
       from ${sql.table('users')} u
       ${currentPlanJoin(sql, 'u.id')}
      where u.status = 'active' ${only}`,
    userIds === undefined ? [] : [JSON.stringify(userIds)],
  );
  return new Map(rows.map((row) => [row.id, planOfRow(row, now)]));
}
