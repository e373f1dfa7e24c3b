/**
 * Per-address limits on the anonymous authentication routes, in Redis so
 * every API process counts together. `auth` (sign-in, registration, password
 * reset, email verification: AUTH_RATE_LIMIT_PER_MINUTE) slows password
 * spraying across accounts, which the per-account lock-out cannot see;
 * `refresh` (REFRESH_RATE_LIMIT_PER_MINUTE) bounds guessing and replaying
 * refresh tokens, on a budget of its own so that clients refreshing on
 * schedule never lock their users out of signing in.
 */
import type { RequestHandler } from 'express';
import { RateLimiterRedis } from 'rate-limiter-flexible';
import type { ApiContext } from '../api-context.ts';
import { toRateLimited } from './rate-limited.ts';

export type IpBucket = 'auth' | 'refresh';

const limiters = new WeakMap<ApiContext, Map<IpBucket, RateLimiterRedis>>();

function pointsOf(ctx: ApiContext, bucket: IpBucket): number {
  return bucket === 'auth' ? ctx.config.AUTH_RATE_LIMIT_PER_MINUTE : ctx.config.REFRESH_RATE_LIMIT_PER_MINUTE;
}

function limiterOf(ctx: ApiContext, bucket: IpBucket): RateLimiterRedis {
  let byBucket = limiters.get(ctx);
  if (byBucket === undefined) limiters.set(ctx, byBucket = new Map());
  let limiter = byBucket.get(bucket);
  if (limiter === undefined) {
    limiter = new RateLimiterRedis({ storeClient: ctx.redis, keyPrefix: `rl:${bucket}-ip`, points: pointsOf(ctx, bucket), duration: 60 });
    byBucket.set(bucket, limiter);
  }
  return limiter;
}

/** Counts the request against the client address' `bucket`; `rate_limited` (scope `auth_ip` or `refresh_ip`) once spent. */
export function rateLimitByIp(ctx: ApiContext, bucket: IpBucket = 'auth'): RequestHandler {
  return async (req, _res, next) => {
    try {
      await limiterOf(ctx, bucket).consume(req.ip ?? 'unknown');
    } catch (err) {
      throw toRateLimited(err, `${bucket}_ip`);
    }
    next();
  };
}
