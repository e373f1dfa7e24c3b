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
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import type { PlanDefinition, Tier } from '../../domain/plans/plan-types.ts';
import type { ApiContext } from '../api-context.ts';
import { authOf } from '../auth/authenticate.ts';
import { requestPlan } from '../auth/user-plan.ts';
import { toRateLimited } from './rate-limited.ts';

/** Called for each accepted API call, with the caller's plan; errors are logged, never answered. */
export type ApiCallHook = (req: Request, plan: PlanDefinition) => void | Promise<void>;

export interface PlanRateLimitOptions {
  /** Usage counting hook. Default: none. */
  onAccepted?: ApiCallHook;
}

const limiters = new WeakMap<ApiContext, Map<Tier, RateLimiterRedis>>();

function limiterFor(ctx: ApiContext, plan: PlanDefinition): RateLimiterRedis {
  let byTier = limiters.get(ctx);
  if (byTier === undefined) {
    byTier = new Map();
    limiters.set(ctx, byTier);
  }
  let limiter = byTier.get(plan.tier);
  if (limiter === undefined) {
    limiter = new RateLimiterRedis({
      storeClient: ctx.redis,
      // One counter per user whatever the plan: an upgrade mid-minute keeps the calls already made.
      keyPrefix: 'rl:api-user',
      points: plan.rateLimits.apiPerMinute,
      duration: 60,
    });
    byTier.set(plan.tier, limiter);
  }
  return limiter;
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
