/**
 * A connection of its own for blocking reads (BLPOP, XREAD BLOCK), which
 * hold it until they return: a copy of `redis` without the command timeout
 * the API and the bots set (REDIS_COMMAND_TIMEOUT_MS), since their wait is
 * on purpose.
 */
import type { Redis } from 'ioredis';

export function blockingClient(redis: Redis): Redis {
  return redis.duplicate({ commandTimeout: undefined });
}
