/**
 * How the API tells the runtime (supervisors and their session actors) that
 * a user changed something it runs: a pair, a linked account, a user's plan
 * or status. Published on Redis, not awaited by anyone: the runtime also
 * reconciles from PostgreSQL, so a lost message delays a change, never loses it.
 */
import type { Redis } from 'ioredis';

export interface RuntimeChange {
  kind: 'pair' | 'discord_account' | 'telegram_account' | 'user';
  id: string;
  userId: string;
  action: 'upsert' | 'delete' | 'pause' | 'resume';
}

export interface RuntimeNotifier {
  notify(change: RuntimeChange): Promise<void>;
}

/**
 * The channel changes are published on. ioredis's keyPrefix does not apply to
 * channel names, so the prefix is added here to keep deployments apart.
 */
export function runtimeChannel(keyPrefix: string): string {
  return `${keyPrefix}runtime:changes`;
}

/** Publishes each change as JSON on {@link runtimeChannel}. */
export function redisRuntimeNotifier(redis: Redis, keyPrefix: string): RuntimeNotifier {
  const channel = runtimeChannel(keyPrefix);
  return {
    async notify(change) {
      await redis.publish(channel, JSON.stringify({ ...change, at: new Date().toISOString() }));
    },
  };
}
