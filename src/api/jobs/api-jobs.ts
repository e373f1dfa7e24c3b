/**
 * Runs the API's periodic jobs (plan expiry, usage flush, removal of expired
 * Telegram logins, the bots' notices of plans ending and limits near) from every API process, but on one at a time: each tick
 * takes a Redis lock (SET NX PX with a random token, released only by its
 * holder) and a process that finds it taken skips the tick. The jobs are
 * safe to repeat, so a lock that expires mid-run costs a duplicate run,
 * never a wrong result.
 */
import { randomUUID } from 'node:crypto';
import type { ApiContext } from '../api-context.ts';
import { flushUsage } from '../usage/flush-usage.ts';
import { noticeExpiringPlans, noticeUsage } from './chat-notices.ts';
import { runExpiry } from './expire-subscriptions.ts';
import { expireTelegramLogins } from './expire-telegram-logins.ts';

/** Redis key (relative to REDIS_KEY_PREFIX) of the jobs' lock. */
export const API_JOBS_LOCK_KEY = 'jobs:api:lock';

const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;

export interface ApiJobsOptions {
  /** ms between ticks. Default: the config's API_JOBS_INTERVAL_MS. */
  intervalMs?: number;
}

export interface ApiJobs {
  /** One tick now: false when another process holds the lock. */
  runOnce(): Promise<boolean>;
  /** Stops the timer and waits for a tick in progress. */
  stop(): Promise<void>;
}

export function startApiJobs(ctx: ApiContext, options: ApiJobsOptions = {}): ApiJobs {
  const intervalMs = options.intervalMs ?? ctx.config.API_JOBS_INTERVAL_MS;
  let running: Promise<boolean> | null = null;

  async function tick(): Promise<boolean> {
    const token = randomUUID();
    // Held at most one interval: a process that died mid-run frees it for the next tick.
    const taken = await ctx.redis.set(API_JOBS_LOCK_KEY, token, 'PX', Math.max(intervalMs, 5_000), 'NX');
    if (taken === null) return false;
    try {
      const now = new Date(ctx.now());
      await runExpiry(ctx, now);
      await flushUsage(ctx, now);
      await expireTelegramLogins(ctx, now);
      await noticeExpiringPlans(ctx, now);
      await noticeUsage(ctx, now);
      return true;
    } finally {
      await ctx.redis.eval(RELEASE, 1, API_JOBS_LOCK_KEY, token).catch(() => undefined);
    }
  }

  function runOnce(): Promise<boolean> {
    running ??= tick().finally(() => { running = null; });
    return running;
  }

  const timer = setInterval(() => {
    runOnce().catch((err: unknown) => ctx.logger.error({ err }, 'API jobs tick failed'));
  }, intervalMs);
  timer.unref();

  return {
    runOnce,
    async stop() {
      clearInterval(timer);
      await running?.catch(() => undefined);
    },
  };
}
