/**
 * Per-user limit on authenticated routes, by plan: `rateLimits.apiPerMinute`
 * of config/plans.ts (Free 60, Pro 300, Elite 1200), counted in Redis across
 * every API process. Mount after `authenticate`. Answers carry the IETF
 * `RateLimit-*` headers; refusals are `rate_limited` with Retry-After.
 *
 * `onAccepted` is the hook for per-period usage counting (usage_periods.api_calls):
 * it runs for every request the limiter lets through, and is not awaited for
 * the response, so a slow counter never slows the API.
 */
import type { Request, RequestHandler } from 'express';
import { RateLimiterRes, type RateLimiterRedis } from 'rate-limiter-flexible';
import type { PlanDefinition } from '../../domain/plans/plan-types.ts';
import type { ApiContext } from '../api-context.ts';
import { authOf } from '../auth/authenticate.ts';
import { requestPlan } from '../auth/user-plan.ts';
import { PlanLimiters } from './plan-limiters.ts';
import { toRateLimited } from './rate-limited.ts';

/** Called for each accepted API call, with the caller's plan; errors are logged, never answered. */
export type ApiCallHook = (req: Request, plan: PlanDefinition) => void | Promise<void>;

export interface PlanRateLimitOptions {
  /** Usage counting hook. Default: none. */
  onAccepted?: ApiCallHook;
}

const limiters = new WeakMap<ApiContext, PlanLimiters>();

function limiterFor(ctx: ApiContext, plan: PlanDefinition): RateLimiterRedis {
  let byPlan = limiters.get(ctx);
  if (byPlan === undefined) {
    byPlan = new PlanLimiters(ctx.redis, 'rl:api-user', (p) => p.rateLimits.apiPerMinute);
    limiters.set(ctx, byPlan);
  }
  return byPlan.for(plan);
}

export function rateLimitByPlan(ctx: ApiContext, options: PlanRateLimitOptions = {}): RequestHandler {
  return async (req, res, next) => {
    const { userId } = authOf(req);
    const plan = await requestPlan(ctx, req);
    let result: RateLimiterRes;
    try {
      result = await limiterFor(ctx, plan).consume(userId);
    } catch (err) {
      if (err instanceof RateLimiterRes) {
        res.set({ 'RateLimit-Limit': String(plan.rateLimits.apiPerMinute), 'RateLimit-Remaining': '0' });
      }
      throw toRateLimited(err, 'api_user');
    }
    res.set({
      'RateLimit-Limit': String(plan.rateLimits.apiPerMinute),
      'RateLimit-Remaining': String(result.remainingPoints),
      'RateLimit-Reset': String(Math.ceil(result.msBeforeNext / 1000)),
    });
    if (options.onAccepted !== undefined) {
      const hook = options.onAccepted;
      void Promise.resolve()
        .then(() => hook(req, plan))
        .catch((err: unknown) => ctx.logger.warn({ err, reqId: req.id }, 'API call usage hook failed'));
    }
    next();
  };
}
