/**
 * How long the Redis server has been up, from `INFO server`. A server up
 * for less than a key's TTL may have lost keys to a restart that their
 * owners are about to write again (status snapshots, member entries): a
 * key missing then is no sign its owner is gone.
 */
import type { Redis } from 'ioredis';

/** ms since the server started; Infinity when it will not say (the in-process stand-in, a managed server hiding INFO). */
export async function redisUptimeMs(redis: Redis): Promise<number> {
  try {
    const uptime = /uptime_in_seconds:(\d+)/.exec(await redis.info('server'))?.[1];
    return uptime === undefined ? Number.POSITIVE_INFINITY : Number(uptime) * 1_000;
  } catch {
    return Number.POSITIVE_INFINITY;
  }
}
