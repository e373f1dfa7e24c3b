/**
 * Per-account lock-out (ASVS 6.3.1): LOGIN_MAX_FAILURES failed sign-ins
 * (wrong password or wrong 2FA code) within LOGIN_LOCKOUT_SECONDS lock the
 * account for LOGIN_LOCKOUT_SECONDS from the last failure. Keyed by the
 * lower-cased email, whether or not an account has it, so the lock itself
 * reveals nothing; a successful sign-in or a password reset clears it.
 * Locked answers are `rate_limited` (429, Retry-After), scope `login_account`.
 */
import { RateLimiterRedis } from 'rate-limiter-flexible';
import { RateLimitedError } from '../../errors/registry.ts';
import type { ApiContext } from '../api-context.ts';
import { retryAfterSeconds } from './rate-limited.ts';

export const LOCKOUT_SCOPE = 'login_account';

export class LoginLockout {
  readonly #limiter: RateLimiterRedis;
  readonly #maxFailures: number;
  readonly #lockSeconds: number;

  constructor(ctx: ApiContext) {
    this.#maxFailures = ctx.config.LOGIN_MAX_FAILURES;
    this.#lockSeconds = ctx.config.LOGIN_LOCKOUT_SECONDS;
    this.#limiter = new RateLimiterRedis({
      storeClient: ctx.redis,
      keyPrefix: 'rl:login-fail',
      points: this.#maxFailures,
      duration: this.#lockSeconds,
    });
  }

  /** Throws `rate_limited` while `account` is locked. */
  async assertNotLocked(account: string): Promise<void> {
    const res = await this.#limiter.get(account);
    if (res !== null && res.consumedPoints >= this.#maxFailures) {
      throw new RateLimitedError({ scope: LOCKOUT_SCOPE, retryAfterSeconds: retryAfterSeconds(res) });
    }
  }

  /** Counts a failure; the one that reaches the maximum starts a full lock period. */
  async recordFailure(account: string): Promise<void> {
    const res = await this.#limiter.penalty(account, 1);
    if (res.consumedPoints >= this.#maxFailures) await this.#limiter.block(account, this.#lockSeconds);
  }

  async reset(account: string): Promise<void> {
    await this.#limiter.delete(account);
  }
}

const lockouts = new WeakMap<ApiContext, LoginLockout>();

/** The lock-out of this context (one limiter per Redis client). */
export function loginLockout(ctx: ApiContext): LoginLockout {
  let lockout = lockouts.get(ctx);
  if (lockout === undefined) {
    lockout = new LoginLockout(ctx);
    lockouts.set(ctx, lockout);
  }
  return lockout;
}
