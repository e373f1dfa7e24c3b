/**
 * Counts every authenticated API call against the caller's period quota
 * (`apiCallsPerPeriod`): one INCR in Redis per request (see usage-counters.ts
 * for why Redis and not the `usage_periods` row), then the plan rule decides.
 * A refused call is still counted: it reached the API.
 */
import type { RequestHandler } from 'express';
import { assertPlanAllows } from '../../domain/plans/plan-rules.ts';
import type { ApiContext } from '../api-context.ts';
import { authOf } from '../auth/authenticate.ts';
import { requestPlan } from '../auth/user-plan.ts';
import { countApiCall, ZERO_COUNTERS } from './usage-counters.ts';
import { usagePeriodAt } from './usage-period.ts';
import { usageSnapshot } from './user-usage.ts';

const NO_RESOURCES = {
  sessions: 0, activeSessions: 0, telegramAccounts: 0, activeTelegramAccounts: 0,
  discordAccounts: 0, activeDiscordAccounts: 0, pairs: 0, activePairs: 0,
};

/** Mount after `authenticate`: 402 `quota_exceeded` (resource `api_calls`) past the plan's period limit. */
export function countApiCalls(ctx: ApiContext): RequestHandler {
  return async (req, _res, next) => {
    const auth = authOf(req);
    const { label } = usagePeriodAt(new Date(ctx.now()));
    const [count, plan] = await Promise.all([countApiCall(ctx.redis, auth.userId, label), requestPlan(ctx, req)]);
    if (plan.limits.apiCallsPerPeriod !== null) {
      // The call being made is the one checked: the rule asks whether one more fits.
      const counters = { ...ZERO_COUNTERS, api_calls: count - 1 };
      assertPlanAllows(plan, usageSnapshot({ role: auth.role, status: 'active' }, NO_RESOURCES, counters), { kind: 'api_call' });
    }
    next();
  };
}
