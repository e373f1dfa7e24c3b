/**
 * Per-address limit on the anonymous authentication routes (sign-in,
 * registration, password reset, email verification): AUTH_RATE_LIMIT_PER_MINUTE
 * requests a minute from one client address, in Redis so every API process
 * counts together. Slows password spraying across accounts, which the
 * per-account lock-out cannot see.
 */
import type { RequestHandler } from 'express';
import { RateLimiterRedis } from 'rate-limiter-flexible';
import type { ApiContext } from '../api-context.ts';
import { toRateLimited } from './rate-limited.ts';

const limiters = new WeakMap<ApiContext, RateLimiterRedis>();

function limiterOf(ctx: ApiContext): RateLimiterRedis {
  let limiter = limiters.get(ctx);
  if (limiter === undefined) {
    limiter = new RateLimiterRedis({
      storeClient: ctx.redis,
      keyPrefix: 'rl:auth-ip',
      points: ctx.config.AUTH_RATE_LIMIT_PER_MINUTE,
      duration: 60,
    });
    limiters.set(ctx, limiter);
  }
  return limiter;
}

export function rateLimitByIp(ctx: ApiContext): RequestHandler {
  return async (req, _res, next) => {
    try {
      await limiterOf(ctx).consume(req.ip ?? 'unknown');
    } catch (err) {
      throw toRateLimited(err, 'auth_ip');
    }
    next();
  };
}
