/**
 * One rate limiter per plan over one Redis counter per user: the limit
 * follows the caller's plan, while the key does not, so an upgrade in the
 * middle of a minute keeps the calls already made. Shared by the API's
 * per-user limit and the bot command gate.
 */
import type { Redis } from 'ioredis';
import { RateLimiterRedis } from 'rate-limiter-flexible';
import type { PlanDefinition, Tier } from '../../domain/plans/plan-types.ts';

export class PlanLimiters {
  readonly #redis: Redis;
  readonly #keyPrefix: string;
  readonly #perMinute: (plan: PlanDefinition) => number;
  readonly #byTier = new Map<Tier, RateLimiterRedis>();

  /** `perMinute`: the plan's allowance per minute, e.g. `rateLimits.apiPerMinute`. */
  constructor(redis: Redis, keyPrefix: string, perMinute: (plan: PlanDefinition) => number) {
    this.#redis = redis;
    this.#keyPrefix = keyPrefix;
    this.#perMinute = perMinute;
  }

  for(plan: PlanDefinition): RateLimiterRedis {
    let limiter = this.#byTier.get(plan.tier);
    if (limiter === undefined) {
      limiter = new RateLimiterRedis({ storeClient: this.#redis, keyPrefix: this.#keyPrefix, points: this.#perMinute(plan), duration: 60 });
      this.#byTier.set(plan.tier, limiter);
    }
    return limiter;
  }
}
