/**
 * Turns rate-limiter-flexible's rejection (a RateLimiterRes, thrown) into
 * our `rate_limited` error; anything else thrown (Redis down) passes through.
 */
import { RateLimiterRes } from 'rate-limiter-flexible';
import { RateLimitedError } from '../../errors/registry.ts';

/** Whole seconds until `res` allows again, at least 1 (Retry-After must not say 0 while refusing). */
export function retryAfterSeconds(res: RateLimiterRes): number {
  return Math.max(1, Math.ceil(res.msBeforeNext / 1000));
}

export function toRateLimited(err: unknown, scope: string): unknown {
  return err instanceof RateLimiterRes ? new RateLimitedError({ scope, retryAfterSeconds: retryAfterSeconds(err) }) : err;
}
