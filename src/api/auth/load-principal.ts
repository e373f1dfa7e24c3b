/**
 * Everything authenticating a request needs about its user, in one query:
 * role, status and "not before" (checked on every request, so a suspension
 * or sign-out everywhere applies at once), whether the token's session is
 * still live, and the current subscription for the plan. Three ORM lookups
 * per request were most of an authenticated read's cost.
 */
import { CURRENT_PLAN_COLUMNS, currentPlanJoin, planOfRow, type CurrentPlanRow } from '../../db/current-plan-sql.ts';
import type { UserRole, UserStatus } from '../../db/entities/user.ts';
import type { PlanDefinition } from '../../domain/plans/plan-types.ts';
import { sqlOn } from '../../db/raw-sql.ts';
import type { ApiContext } from '../api-context.ts';

export interface Principal {
  id: string;
  role: UserRole;
  status: UserStatus;
  tokensNotBefore: Date | null;
  /** Null when no session was asked about. */
  sessionLive: boolean | null;
  plan: PlanDefinition;
}

/** Timestamps come back as text: raw queries skip the ORM's type mapping. */
type Row = CurrentPlanRow & {
  id: string; role: UserRole; status: UserStatus; tokens_not_before: string | null; session_live: boolean | null;
};

const dateOf = (value: string | null): Date | null => (value === null ? null : new Date(value));

export async function loadPrincipal(ctx: ApiContext, userId: string, sessionId: string | null): Promise<Principal | null> {
  const sql = sqlOn(ctx.orm, ctx.config.DATABASE_SCHEMA);
  const rows = await sql.all<Row>(
    `select u.id, u.role, u.status, u.tokens_not_before,
            (select f.revoked_at is null from ${sql.table('refresh_token_families')} f where f.id = ? and f.user_id = u.id) as session_live,
            ${CURRENT_PLAN_COLUMNS}
       from ${sql.table('users')} u
       ${currentPlanJoin(sql, 'u.id')}
      where u.id = ?`,
    [sessionId, userId],
  );
  const row = rows[0];
  if (!row) return null;
  return {
    id: row.id, role: row.role, status: row.status, tokensNotBefore: dateOf(row.tokens_not_before),
    sessionLive: sessionId === null ? null : row.session_live === true, plan: planOfRow(row, new Date(ctx.now())),
  };
}
